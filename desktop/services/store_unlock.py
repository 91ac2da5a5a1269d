"""Where the store's key comes from: a random key in the system keyring, or a passphrase (argon2id).

A small file beside the store (`KEY_INFO_FILENAME`) says which, and nothing secret: the keyring entry's
name, or the passphrase's salt and argon2 cost. The key itself is never written to disk. A store first
opened on a machine with a usable keyring gets a random key kept there; without one (or when a script
gives a passphrase) the user's passphrase is the key's only source, asked at every start.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw

from desktop.keyring_service import KeyringService
from desktop.store.cipher import KEY_BYTES, StoreKey, is_plaintext
from desktop.store.engine import DB_FILENAME
from desktop.store.permissions import PRIVATE_FILE

__all__ = [
    "KEY_INFO_FILENAME",
    "MIN_PASSPHRASE_LENGTH",
    "PASSPHRASE_ENV",
    "SERVICE",
    "KeyUnavailable",
    "PassphraseNeeded",
    "StoreUnlock",
]

SERVICE = "tongdai1022-store"
KEY_INFO_FILENAME = "tongdai1022.khoa.json"
PASSPHRASE_ENV = "TONGDAI1022_PASSPHRASE"  # read when set; `--passphrase-env VAR` names another
MIN_PASSPHRASE_LENGTH = 10
# RFC 9106's second recommended setting: argon2id, 3 passes over 64 MiB, 4 lanes (~0.2 s on an office PC).
DEFAULT_COST = {"time_cost": 3, "memory_kib": 65_536, "parallelism": 4}


class PassphraseNeeded(Exception):
    """No keyring keeps the key: the user must give the passphrase (`new`: choose one for a new store)."""

    def __init__(self, *, new: bool) -> None:
        super().__init__("passphrase needed")
        self.new = new


class KeyUnavailable(RuntimeError):
    """The key cannot be had here; the message, in Vietnamese, says why and what to do."""


@dataclass(frozen=True)
class PassphraseCost:
    salt: bytes
    time_cost: int
    memory_kib: int
    parallelism: int

    def derive(self, passphrase: str) -> StoreKey:
        raw = hash_secret_raw(
            passphrase.encode("utf-8"),
            self.salt,
            time_cost=self.time_cost,
            memory_cost=self.memory_kib,
            parallelism=self.parallelism,
            hash_len=KEY_BYTES,
            type=Type.ID,
        )
        return StoreKey(raw)

    def as_info(self) -> dict[str, Any]:
        return {
            "kind": "passphrase",
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "argon2id": {
                "time_cost": self.time_cost,
                "memory_kib": self.memory_kib,
                "parallelism": self.parallelism,
            },
        }


class StoreUnlock:
    """Gets the key of the store in `data_dir`, making one for a store that has none yet."""

    def __init__(
        self, data_dir: Path, keyring: KeyringService, *, cost: Mapping[str, int] = DEFAULT_COST
    ) -> None:
        self.data_dir = data_dir
        self.keyring = keyring
        self._cost = dict(cost)

    @property
    def info_path(self) -> Path:
        return self.data_dir / KEY_INFO_FILENAME

    def method(self) -> str | None:
        """ "keyring" or "passphrase" for a store that has a key; None before its first key."""
        info = self._read_info()
        return None if info is None else str(info["kind"])

    def key(self, passphrase: str | None = None) -> StoreKey:
        """The store's key. Raises PassphraseNeeded when only a passphrase can give it and none was
        given, KeyUnavailable when it cannot be had here at all. A wrong passphrase gives a key that
        the store refuses (cipher.StoreLocked when it is opened)."""
        info = self._read_info()
        if info is None:
            return self._first_key(passphrase)
        if info["kind"] == "keyring":
            stored = self.keyring.get(str(info["entry"]))
            if stored is None:
                raise KeyUnavailable(
                    "Không lấy được khóa của dữ liệu từ kho khóa của hệ điều hành: kho khóa đang bị khóa "
                    "(hãy mở khóa nó, thường bằng mật khẩu đăng nhập máy, rồi mở lại phần mềm), đã bị xóa, "
                    "hoặc thư mục dữ liệu được chép từ máy khác. Thiếu khóa đó thì không đọc được dữ liệu "
                    "trên máy này; dữ liệu đã đồng bộ vẫn còn trên máy chủ. Hãy báo bộ phận CNTT."
                )
            return StoreKey.from_hex(stored)
        if passphrase is None:
            raise PassphraseNeeded(new=False)
        return _cost_from(info).derive(passphrase)

    def _first_key(self, passphrase: str | None) -> StoreKey:
        store = self.data_dir / DB_FILENAME
        if store.exists() and store.stat().st_size > 0 and not is_plaintext(store):
            raise KeyUnavailable(
                "Không mở được tệp dữ liệu: nó đã được mã hóa (hoặc bị hỏng) mà thiếu tệp "
                f"{KEY_INFO_FILENAME} cho biết khóa ở đâu. Đừng xóa thư mục dữ liệu: hãy chép lại tệp đó "
                "từ bản sao lưu của thư mục, hoặc báo bộ phận CNTT khôi phục."
            )
        if passphrase is None and self.keyring.persistent:
            key = StoreKey.random()
            entry = f"store-key-{uuid.uuid4()}"
            if self.keyring.set(entry, key.hex()):
                self._write_info({"kind": "keyring", "entry": entry})
                return key
            self.keyring.forget(entry)  # the keyring failed on write: a passphrase is the only safe source
        if passphrase is None:
            raise PassphraseNeeded(new=True)
        if len(passphrase) < MIN_PASSPHRASE_LENGTH:
            raise KeyUnavailable(f"Mật khẩu của dữ liệu cần ít nhất {MIN_PASSPHRASE_LENGTH} ký tự.")
        cost = PassphraseCost(
            salt=secrets.token_bytes(16),
            time_cost=self._cost["time_cost"],
            memory_kib=self._cost["memory_kib"],
            parallelism=self._cost["parallelism"],
        )
        self._write_info(cost.as_info())
        return cost.derive(passphrase)

    def _read_info(self) -> dict[str, Any] | None:
        try:
            text = self.info_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            info = json.loads(text)
            if info.get("kind") not in ("keyring", "passphrase"):
                raise ValueError(info.get("kind"))
        except (ValueError, AttributeError) as error:
            raise KeyUnavailable(
                f"Tệp {KEY_INFO_FILENAME} trong thư mục dữ liệu bị hỏng nên không biết khóa của dữ liệu "
                "ở đâu. Hãy chép lại tệp đó từ bản sao lưu, hoặc báo bộ phận CNTT."
            ) from error
        return dict(info)

    def _write_info(self, info: dict[str, Any]) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.info_path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"version": 1, **info}, indent=2), encoding="utf-8")
        if os.name == "posix":
            temporary.chmod(PRIVATE_FILE)
        with temporary.open("rb") as file:
            os.fsync(file.fileno())
        os.replace(temporary, self.info_path)


def _cost_from(info: Mapping[str, Any]) -> PassphraseCost:
    argon = info["argon2id"]
    return PassphraseCost(
        salt=base64.b64decode(info["salt"]),
        time_cost=int(argon["time_cost"]),
        memory_kib=int(argon["memory_kib"]),
        parallelism=int(argon["parallelism"]),
    )


def passphrase_from_environment(environ: Mapping[str, str], variable: str | None = None) -> str | None:
    """The passphrase a script gives in `variable` (`--passphrase-env`), else in PASSPHRASE_ENV."""
    return environ.get(variable or PASSPHRASE_ENV) or None
