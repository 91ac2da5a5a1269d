"""The local store of one desktop: opened, migrated, seeded with catalogs, with its client id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from desktop.store.catalog_loader import load_catalogs
from desktop.store.engine import DB_FILENAME, create_store_engine, migrate, session_factory, writer
from desktop.store.models import Meta


@dataclass
class LocalStore:
    """An open store: sessions for reading (`sessions`) and for writing (`writes`), and this desktop's id.

    Writes go through `writes.begin()`: it takes SQLite's write lock at BEGIN, so two writers queue
    instead of one failing; reads never wait for a writer (WAL).
    """

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    writes: sessionmaker[Session]
    client_id: uuid.UUID
    backup_before_migration: Path | None = None

    @classmethod
    def open(cls, data_dir: Path, *, load_default_catalogs: bool = True) -> LocalStore:
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / DB_FILENAME
        engine = create_store_engine(path)
        backup = migrate(engine, path)
        sessions = session_factory(engine)
        writes = session_factory(writer(engine))
        with writes.begin() as session:
            client_id = _ensure_client_id(session)
            if load_default_catalogs:
                load_catalogs(session)
        return cls(path, engine, sessions, writes, client_id, backup)

    def close(self) -> None:
        self.engine.dispose()


def _ensure_client_id(session: Session) -> uuid.UUID:
    row = session.scalar(select(Meta).where(Meta.key == "client_id"))
    if row is None:
        row = Meta(key="client_id", value=str(uuid.uuid4()))
        session.add(row)
    return uuid.UUID(row.value)
