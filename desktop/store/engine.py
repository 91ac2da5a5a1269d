"""Opening the store: the SQLCipher engine with its pragmas, the backup before a migration, Alembic."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import BindParameter, Connection, Engine, Integer, create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.orm import Session, sessionmaker

from desktop.domain.clock import now_vn
from desktop.store import cipher
from desktop.store.cipher import StoreKey

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")
DB_FILENAME = "tongdai1022.sqlite3"
BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = -32_000  # negative: KiB, whatever the page size
# A bulk load keeps more of its B-trees in memory and sorts its index builds there, not in spills.
BULK_CACHE_KIB = -262_144


def _apply_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite would open transactions only before DML, so a read-then-write (the ticket-code
    # counter) could race another writer; we issue BEGIN ourselves in `_begin`.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed ticket survives a power cut, not only a crash of the process.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute(f"PRAGMA cache_size={CACHE_KIB}")
    cursor.close()


class _LiteralLimitCompiler(SQLiteCompiler):
    """Writes a statement's LIMIT as a number. The SQLite inside SQLCipher (3.53) plans with a bound LIMIT's
    value, so binding it marks the prepared statement expired and every execution prepares it again: the
    history's ticket query cost 38 µs instead of 7 µs, warm, on plain pages. Each limit value is its
    own statement in the driver's cache; OFFSETs stay bound (they do not expire a statement)."""

    def limit_clause(self, select: Any, **kw: Any) -> str:
        if select._limit_clause is None:
            return str(super().limit_clause(select, **kw))  # type: ignore[no-untyped-call]
        kw.pop("literal_execute", None)
        limit = select._limit_clause
        if isinstance(limit, BindParameter) and limit.type._isnull:  # bindparam("n"): an integer
            limit = limit._clone()
            limit.type = Integer()
        text = "\n LIMIT " + self.process(limit, literal_execute=True, **kw)
        offset = select._offset_clause
        return text + " OFFSET " + (self.process(offset, **kw) if offset is not None else "0")


def _begin(connection: Connection) -> None:
    """Readers take a snapshot (deferred); writers take the write lock up front (immediate)."""
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def create_store_engine(path: Path, key: StoreKey) -> Engine:
    """The store's engine: every pooled connection is a SQLCipher one, keyed before its first statement."""
    engine = create_engine(
        f"sqlite:///{path}",
        module=cipher.dbapi,
        creator=lambda: cipher.connect(path, key, check_same_thread=False),
        pool_size=4,
        max_overflow=4,
    )
    engine.dialect.statement_compiler = _LiteralLimitCompiler
    event.listen(engine, "connect", _apply_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions take SQLite's write lock when they begin."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


@contextmanager
def bulk_writer(engine: Engine) -> Iterator[Connection]:
    """A write transaction for a bulk load whose rows are consistent by construction (the importer
    resolves every unit and citizen itself): no foreign-key lookups per row, a page cache of
    256 MiB, index builds that sort with a helper thread, and a rollback journal when the store is
    not open elsewhere (`_leave_wal`). All are restored after, whatever happens."""
    with writer(engine).connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")  # only outside a transaction: before BEGIN
        raw.execute("PRAGMA threads=2")
        raw.execute(f"PRAGMA cache_size={BULK_CACHE_KIB}")
        alone = _leave_wal(raw)
        try:
            with connection.begin():
                yield connection
        finally:
            if alone:
                _back_to_wal(raw)
            raw.execute(f"PRAGMA cache_size={CACHE_KIB}")  # frees what the load cached
            raw.execute("PRAGMA threads=0")
            raw.execute("PRAGMA foreign_keys=ON")


def _leave_wal(raw: Any) -> bool:
    """Switch to a rollback journal when no other connection has the store open: a bulk load's new
    pages then reach the file once, where WAL writes them twice (the log, then its checkpoint: 7 of
    the 50 seconds of a million tickets). A WAL connection holds a shared lock for as long as it is
    open, idle or not, so with a desk's window open SQLite refuses at once and the load stays in
    WAL, readable meanwhile. A window opened during a rollback-journal load waits for it (busy)."""
    raw.execute("PRAGMA busy_timeout=0")
    try:
        return bool(raw.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete")
    except cipher.OperationalError:
        return False
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _back_to_wal(raw: Any) -> None:
    try:
        raw.execute("PRAGMA journal_mode=WAL")
    except cipher.OperationalError as error:  # the next connection's pragmas switch it back
        log.warning("Chưa chuyển lại được cơ sở dữ liệu về chế độ WAL: %s", error)


def alembic_config(engine: Engine | None = None, scripts: Path = MIGRATIONS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(scripts))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(scripts: Path = MIGRATIONS) -> str | None:
    return ScriptDirectory.from_config(alembic_config(scripts=scripts)).get_current_head()


def backup_copy(path: Path, key: StoreKey, label: str) -> Path:
    """A consistent copy of the database (WAL included) beside it, through SQLite's backup API,
    encrypted with the same key: a backup is no weaker than the store."""
    stamp = now_vn().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.truoc-nang-cap-{label}-{stamp}{path.suffix}")
    source = cipher.connect(path, key)
    try:
        destination = cipher.connect(target, key)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    return target


def migrate(engine: Engine, path: Path, key: StoreKey, scripts: Path = MIGRATIONS) -> Path | None:
    """Bring the schema to head; a database with data is copied aside first. Returns the copy."""
    current = current_revision(engine)
    head = head_revision(scripts)
    if current == head:
        return None
    copy = None
    if path.exists() and path.stat().st_size > 0 and current is not None:
        copy = backup_copy(path, key, current)
        log.info("Đã sao lưu cơ sở dữ liệu trước khi nâng cấp: %s", copy)
    command.upgrade(alembic_config(engine, scripts), "head")
    return copy


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
