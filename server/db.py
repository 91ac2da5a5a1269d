"""The server's database: engine for a URL (PostgreSQL via psycopg 3, or a SQLite file), migrations."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from server.models import ServerMeta

MIGRATIONS = Path(__file__).with_name("migrations")
EPOCH_KEY = "server_epoch"


def normalise_url(url: str) -> str:
    """`postgresql://…` and `postgres://…` use psycopg 3; a bare path is a SQLite file."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN IMMEDIATE ourselves: one writer at a time
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_server_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, pool_size=4, max_overflow=4)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; the first run also gives the database its epoch."""
    command.upgrade(alembic_config(engine), "head")
    with Session(engine) as session, session.begin():
        if session.get(ServerMeta, EPOCH_KEY) is None:
            session.add(ServerMeta(key=EPOCH_KEY, value=str(uuid.uuid4())))


def new_epoch(engine: Engine) -> str:
    """After restoring a backup: a new epoch tells every desktop to re-push and pull again."""
    epoch = str(uuid.uuid4())
    with Session(engine) as session, session.begin():
        row = session.get(ServerMeta, EPOCH_KEY)
        if row is None:
            session.add(ServerMeta(key=EPOCH_KEY, value=epoch))
        else:
            row.value = epoch
    return epoch


def read_epoch(session: Session) -> str:
    return session.scalar(select(ServerMeta.value).where(ServerMeta.key == EPOCH_KEY)) or ""
