"""The local store of one desktop: opened with its key (encrypted once if older), migrated, seeded."""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from desktop.store.catalog_loader import load_catalogs
from desktop.store.cipher import StoreKey, encrypt_plaintext, is_plaintext
from desktop.store.engine import DB_FILENAME, create_store_engine, migrate, session_factory, writer
from desktop.store.models import Meta
from desktop.store.permissions import PRIVATE_FOLDER, keep_private

log = logging.getLogger(__name__)

OUTBOX_WRITTEN = "outbox_written"  # a session's info flag: this transaction added outbox rows


@dataclass(frozen=True)
class DeskIdentity:
    """Who this desk is to the server: its client id and the secret that proves it (sent at login only)."""

    client_id: str
    key: str = field(repr=False)


@dataclass
class LocalStore:
    """An open store: sessions for reading (`sessions`) and for writing (`writes`), and this desktop's id.

    Writes go through `writes.begin()`: it takes SQLite's write lock at BEGIN, so two writers queue
    instead of one failing; reads never wait for a writer (WAL). Whoever must know that a committed
    transaction left changes to send (the sync engine) listens with `on_outbox_written`.
    """

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    writes: sessionmaker[Session]
    client_id: uuid.UUID
    identity: DeskIdentity
    key: StoreKey = field(repr=False)
    backup_before_migration: Path | None = None
    _outbox_listeners: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        key: StoreKey,
        load_default_catalogs: bool = True,
        on_encrypting: Callable[[float], None] | None = None,
    ) -> LocalStore:
        """Opens (creating, encrypting or migrating as needed) the store of `data_dir` with `key`;
        raises cipher.StoreLocked when the key does not open it. `on_encrypting` hears the progress of
        the one-time encryption of a store an older desk left in the clear."""
        data_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
        keep_private(data_dir)
        path = data_dir / DB_FILENAME
        encrypt_plaintext_copies(path, key, on_encrypting)
        engine = create_store_engine(path, key)
        backup = migrate(engine, path, key)
        sessions = session_factory(engine)
        writes = session_factory(writer(engine))
        with writes.begin() as session:
            client_id = _ensure_client_id(session)
            desk_key = _ensure_desk_key(session)
            if load_default_catalogs:
                load_catalogs(session)
        identity = DeskIdentity(str(client_id), desk_key)
        store = cls(path, engine, sessions, writes, client_id, identity, key, backup)
        for maker in (sessions, writes):
            event.listen(maker, "after_commit", store._after_commit)
            event.listen(maker, "after_soft_rollback", _forget_outbox_flag)
        return store

    def close(self) -> None:
        self.engine.dispose()

    def on_outbox_written(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Calls `listener` (on the committing thread) after each commit that added outbox rows;
        returns the function that stops it."""
        self._outbox_listeners.append(listener)
        return lambda: self._outbox_listeners.remove(listener) if listener in self._outbox_listeners else None

    def outbox_written(self) -> None:
        """Tells the listeners; the ORM path calls it itself, a raw bulk write calls it after its commit."""
        for listener in list(self._outbox_listeners):
            try:
                listener()
            except Exception:
                log.exception("Outbox listener failed")

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(OUTBOX_WRITTEN, False):
            self.outbox_written()


def plaintext_copies(path: Path) -> list[Path]:
    """The store and its pre-migration copies that an older desk left in the clear."""
    candidates = [path, *sorted(path.parent.glob(f"{path.stem}.truoc-nang-cap-*{path.suffix}"))]
    return [candidate for candidate in candidates if is_plaintext(candidate)]


def encrypt_plaintext_copies(
    path: Path, key: StoreKey, progress: Callable[[float], None] | None = None
) -> None:
    """Encrypts, once, the store and every pre-migration copy that is still plaintext; `progress`
    hears the fraction of their bytes done."""
    copies = plaintext_copies(path)
    total = sum(copy.stat().st_size for copy in copies) or 1
    done = 0
    for copy in copies:
        size = copy.stat().st_size

        def step(fraction: float, before: int = done, size: int = size) -> None:
            if progress is not None:
                progress(min((before + fraction * size) / total, 1.0))

        log.info("Mã hóa tệp dữ liệu còn ở dạng thường: %s", copy.name)
        encrypt_plaintext(copy, key, step)
        done += size


def _forget_outbox_flag(session: Session, _previous: object) -> None:
    session.info.pop(OUTBOX_WRITTEN, None)


def _ensure_desk_key(session: Session) -> str:
    """The secret that proves to the server this store owns its client id (bound at the first login).

    It lives in the store, not the keyring, because it is the store's identity: a store restored from
    a backup goes on with its sequence numbers and must keep proving the same id."""
    row = session.scalar(select(Meta).where(Meta.key == "desk_key"))
    if row is None:
        row = Meta(key="desk_key", value=secrets.token_urlsafe(32))
        session.add(row)
    return row.value


def _ensure_client_id(session: Session) -> uuid.UUID:
    row = session.scalar(select(Meta).where(Meta.key == "client_id"))
    if row is None:
        row = Meta(key="client_id", value=str(uuid.uuid4()))
        session.add(row)
    return uuid.UUID(row.value)
