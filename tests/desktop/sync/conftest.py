"""Fixtures of the sync tests: offscreen Qt for the sync screens, a task runner, an in-memory keyring."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from lab_tools import lab_tool_missing
from memory_keyring import MemoryKeyring


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def runner(qapp: object) -> Iterator[object]:
    from desktop.ui.common.tasks import TaskRunner

    tasks = TaskRunner()
    yield tasks
    tasks.wait_for_done(10000)


# ---- the real server (A's lab: PostgreSQL started by the suite, uvicorn as a process) ----------
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "server"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    import tempfile

    from server_lab import Postgres, pg_bin

    bindir = pg_bin()
    if bindir is None:
        lab_tool_missing("PostgreSQL 15 is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="tongdai1022-pg-desk-"))
    os.chmod(root, 0o755)
    pg = Postgres(bindir, root)
    pg.start()
    try:
        yield pg
    finally:
        pg.stop()


@pytest.fixture(scope="session")
def template(postgres: object) -> str:
    from server_lab import make_template

    return make_template(postgres)  # type: ignore[arg-type]


@pytest.fixture
def server(postgres: object, template: str) -> Iterator[object]:
    from server_lab import ServerProcess

    process = ServerProcess(postgres.url(postgres.create_database(template))).start()  # type: ignore[attr-defined]
    try:
        yield process
    finally:
        process.stop()
        process.log_path.unlink(missing_ok=True)
