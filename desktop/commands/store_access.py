"""The store as a command opens it: its key from the keyring or from a passphrase in the environment."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from desktop.keyring_service import KeyringService, system_backend
from desktop.services.store_unlock import (
    PASSPHRASE_ENV,
    SERVICE,
    KeyUnavailable,
    PassphraseNeeded,
    StoreUnlock,
    passphrase_from_environment,
)
from desktop.store.cipher import StoreKey, StoreLocked
from desktop.store.engine import DB_FILENAME
from desktop.store.local import LocalStore, plaintext_copies

__all__ = ["StoreUnavailable", "command_store_key", "open_command_store"]


class StoreUnavailable(RuntimeError):
    """The command cannot open the store; the message says why and what to do, in Vietnamese.
    `needs_passphrase`: only because no passphrase was given (the store itself is fine)."""

    def __init__(self, message: str, *, needs_passphrase: bool = False) -> None:
        super().__init__(message)
        self.needs_passphrase = needs_passphrase


def command_store_key(args: argparse.Namespace, data_dir: Path) -> StoreKey:
    variable = getattr(args, "passphrase_env", None)
    passphrase = passphrase_from_environment(os.environ, variable)
    if variable and passphrase is None:
        raise StoreUnavailable(f"Biến môi trường {variable} (--passphrase-env) chưa có mật khẩu của dữ liệu.")
    unlock = StoreUnlock(data_dir, KeyringService(SERVICE, system_backend()))
    try:
        return unlock.key(passphrase)
    except PassphraseNeeded as need:
        what = "đặt mật khẩu cho dữ liệu mới" if need.new else "mở dữ liệu đã mã hóa bằng mật khẩu"
        raise StoreUnavailable(
            f"Cần mật khẩu để {what} (máy này không có kho khóa của hệ điều hành). Đặt mật khẩu vào một "
            f"biến môi trường rồi chạy lại với --passphrase-env TÊN_BIẾN (hoặc đặt biến {PASSPHRASE_ENV}).",
            needs_passphrase=True,
        ) from None
    except KeyUnavailable as error:
        raise StoreUnavailable(str(error)) from None


def open_command_store(args: argparse.Namespace, data_dir: Path, **options: bool) -> LocalStore:
    """Opens the store for a command; a plaintext store from an older desk is encrypted first, with a
    line of progress on stderr."""
    key = command_store_key(args, data_dir)
    on_encrypting = None
    if plaintext_copies(data_dir / DB_FILENAME):
        print("Đang mã hóa dữ liệu cũ (chỉ làm một lần)…", file=sys.stderr)

        def on_encrypting(fraction: float) -> None:
            if sys.stderr.isatty():
                print(f"\rĐang mã hóa dữ liệu: {fraction:4.0%}", end="", file=sys.stderr, flush=True)

    try:
        store = LocalStore.open(data_dir, key=key, on_encrypting=on_encrypting, **options)
    except StoreLocked:
        raise StoreUnavailable(
            "Mật khẩu của dữ liệu không đúng (hoặc dữ liệu được chép từ máy khác): không mở được. "
            "Kiểm tra mật khẩu trong biến môi trường rồi chạy lại."
        ) from None
    if on_encrypting is not None and sys.stderr.isatty():
        print(file=sys.stderr)
    return store
