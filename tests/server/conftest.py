"""Fixtures of the server tests: one PostgreSQL cluster per session, a database and server per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_tools import lab_tool_missing
from server_lab import Postgres, ServerProcess, cluster, make_template, pg_bin
from sqlalchemy import Engine

from server.db import create_server_engine


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    bindir = pg_bin()
    if bindir is None:
        lab_tool_missing("PostgreSQL 15 is not installed (apt-get install postgresql)")
    with cluster() as pg:
        yield pg


@pytest.fixture(scope="session")
def template(postgres: Postgres) -> str:
    return make_template(postgres)


@pytest.fixture(scope="module")
def db_url(postgres: Postgres, template: str) -> str:
    return postgres.url(postgres.create_database(template))


@pytest.fixture(scope="module")
def server(db_url: str) -> Iterator[ServerProcess]:
    process = ServerProcess(db_url).start()
    try:
        yield process
    finally:
        process.stop()
        process.log_path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def second_server(db_url: str) -> Iterator[ServerProcess]:
    """Another server process on the same database."""
    process = ServerProcess(db_url).start()
    try:
        yield process
    finally:
        process.stop()
        process.log_path.unlink(missing_ok=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_server_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database on each engine the server runs on, for a migration test to build up itself."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    else:
        postgres = request.getfixturevalue("postgres")
        url = str(postgres.url(postgres.create_database()))
    made = create_server_engine(url)
    yield made
    made.dispose()
