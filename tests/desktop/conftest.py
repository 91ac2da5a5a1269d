"""Fixtures of the desk's core tests: a real SQLite store per test, migrated by Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_keys import open_test_store

from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[LocalStore]:
    opened = open_test_store(data_dir)
    yield opened
    opened.close()


@pytest.fixture
def ticket_service(store: LocalStore) -> TicketService:
    return TicketService(store, operator="dtv-lan")
