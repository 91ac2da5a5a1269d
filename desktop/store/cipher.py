"""The store encrypted at rest: its key, keyed SQLCipher connections, and a plaintext store encrypted once.

Every connection to the store file goes through `connect`, which gives SQLCipher the raw 256-bit key
before anything else touches the file. Without the key the file reads as noise: SQLCipher says
"file is not a database", which `connect` turns into `StoreLocked`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as dbapi

log = logging.getLogger(__name__)

__all__ = [
    "DatabaseError",
    "OperationalError",
    "StoreKey",
    "StoreLocked",
    "connect",
    "dbapi",
    "encrypt_plaintext",
    "is_plaintext",
]

# SQLCipher 4's defaults but for the page HMAC: SHA-256, which CPUs hash in hardware, costs a fraction of
# SHA-512's on every page read or written (measured: a cold indexed read +48 % over plaintext with SHA-256,
# +119 % with SHA-512). Part of a store's format: a store is opened only with the settings it was made with.
CIPHER_SETTINGS = ("cipher_hmac_algorithm = HMAC_SHA256",)

DatabaseError = dbapi.DatabaseError
OperationalError = dbapi.OperationalError
KEY_BYTES = 32
_PLAINTEXT_HEADER = b"SQLite format 3\x00"
# How often (in SQLite virtual-machine steps) the conversion looks at how far it has got.
_PROGRESS_STEPS = 200_000


@dataclass(frozen=True)
class StoreKey:
    """The store's 256-bit key, handed to SQLCipher raw (no second key derivation inside SQLCipher)."""

    raw: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.raw) != KEY_BYTES:
            raise ValueError(f"a store key has {KEY_BYTES} bytes")

    @classmethod
    def random(cls) -> StoreKey:
        return cls(secrets.token_bytes(KEY_BYTES))

    @classmethod
    def from_hex(cls, text: str) -> StoreKey:
        return cls(bytes.fromhex(text))

    def hex(self) -> str:
        return self.raw.hex()

    def pragma_literal(self) -> str:
        """SQLCipher's raw-key form: `"x'…'"`, hex only, so nothing in it needs quoting."""
        return f"\"x'{self.raw.hex()}'\""


class StoreLocked(RuntimeError):
    """The store file cannot be read with this key: a wrong passphrase, or a store from elsewhere."""


def is_plaintext(path: Path) -> bool:
    """True for a store an older desk wrote in the clear (SQLite's own header is readable)."""
    try:
        with path.open("rb") as file:
            return file.read(len(_PLAINTEXT_HEADER)) == _PLAINTEXT_HEADER
    except FileNotFoundError:
        return False


def connect(path: Path, key: StoreKey, *, read_only: bool = False, **kwargs: Any) -> Any:
    """A SQLCipher connection to `path`, keyed and checked: raises StoreLocked when the key does not fit."""
    if read_only:
        connection = dbapi.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, **kwargs)
    else:
        connection = dbapi.connect(str(path), **kwargs)
    try:
        # SQLCipher would print each failed page check to stderr: a wrong key is said once, by us.
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = {key.pragma_literal()}")
        for setting in CIPHER_SETTINGS:
            connection.execute(f"PRAGMA {setting}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi.DatabaseError as error:
        connection.close()
        if "not a database" in str(error):
            raise StoreLocked(str(path)) from error
        raise
    return connection


def encrypt_plaintext(path: Path, key: StoreKey, progress: Callable[[float], None] | None = None) -> None:
    """Encrypts a plaintext SQLite file in place (through a temporary copy, then an atomic rename), so
    that no plaintext copy stays behind; `progress` hears the fraction done now and then. The copy is
    checked table by table before it replaces the original; a failure leaves the original untouched."""
    target = path.with_name(path.name + ".ma-hoa")
    _remove(target)
    plain = dbapi.connect(str(path), isolation_level=None)
    try:
        # Fold the WAL into the file, and leave WAL mode, so the file alone is the whole store.
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        plain.execute("PRAGMA journal_mode=DELETE")
        source_bytes = max(path.stat().st_size, 1)
        if progress is not None:

            def report() -> int:
                with contextlib.suppress(OSError):
                    progress(min(target.stat().st_size / source_bytes, 0.99))
                return 0

            plain.set_progress_handler(report, _PROGRESS_STEPS)
        plain.execute("ATTACH DATABASE ? AS encrypted KEY " + key.pragma_literal(), (str(target),))
        for setting in CIPHER_SETTINGS:
            plain.execute(f"PRAGMA encrypted.{setting}")
        plain.execute("SELECT sqlcipher_export('encrypted')")
        version = plain.execute("PRAGMA main.user_version").fetchone()[0]
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
        plain.set_progress_handler(None, 0)
        counts = _row_counts(plain)
    finally:
        plain.close()
    encrypted = connect(target, key, isolation_level=None)
    try:
        if _row_counts(encrypted) != counts:
            raise DatabaseError("the encrypted copy differs from the store")
        encrypted.execute("PRAGMA journal_mode=WAL")
    except BaseException:
        encrypted.close()
        _remove(target)
        raise
    encrypted.close()
    _fsync(target)
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        _remove(leftover)
    os.replace(target, path)
    _fsync(path.parent)
    if progress is not None:
        progress(1.0)


def _row_counts(connection: Any) -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _fsync(path: Path) -> None:
    if os.name != "posix" and path.is_dir():
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
