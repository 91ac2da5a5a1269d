"""Fixtures of the knowledge-base tests: the real national file when ../shared has it, a store per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_tools import lab_tool_missing
from store_keys import open_test_store

from desktop.services.kb import KnowledgeBase, ensure_starter_kb

NATIONAL = Path(__file__).resolve().parents[4] / "shared" / "data" / "tthc" / "dichvucong_tthc.jsonl.gz"


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    store = open_test_store(tmp_path / "data")
    ensure_starter_kb(store)
    yield KnowledgeBase(store)
    store.close()


@pytest.fixture(scope="module")
def national_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    """The 2,642 real records imported once per module; skipped when ../shared/data/tthc is absent."""
    if not NATIONAL.is_file():
        lab_tool_missing(f"the national records are not here ({NATIONAL}); the starter-KB tests still run")
    store = open_test_store(tmp_path_factory.mktemp("national") / "data")
    ensure_starter_kb(store)
    knowledge = KnowledgeBase(store)
    report = knowledge.import_national(NATIONAL)
    assert not report.skipped
    knowledge.warm_up()
    yield knowledge
    store.close()
