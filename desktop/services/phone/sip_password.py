"""The SIP password: in the system keyring when there is one, else only in memory for this session."""

from __future__ import annotations

import threading
from typing import Any

from desktop.keyring_service import PLAINTEXT_MESSAGE, KeyringService, system_backend, usable

__all__ = ["SERVICE", "SipPasswordStore", "default_backend", "usable"]

SERVICE = "tongdai1022-sip"

default_backend = system_backend  # the name the phone desk and its tests know


class SipPasswordStore:
    """`backend` is a keyring backend (tests hand in their own), or what finds it (`default_backend`):
    then the platform's keyring is probed on first use, which the desk makes on a worker (`probe`);
    without a usable one nothing is written."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self._service: KeyringService | None = None
        self._lock = threading.Lock()

    @property
    def _secrets(self) -> KeyringService:
        with self._lock:
            if self._service is None:
                given = self._backend
                self._service = KeyringService(SERVICE, given() if callable(given) else given)
            return self._service

    def probe(self) -> bool:
        """Finds the keyring now (a worker thread: it may take a while); whether it keeps passwords."""
        return self.persistent

    @property
    def persistent(self) -> bool:
        return self._secrets.persistent

    def explain(self) -> str:
        """What happens to the password here, said to the operator."""
        if self.persistent:
            return "Mật khẩu được cất trong kho khóa của hệ điều hành."
        if self._secrets.refused_in_the_clear:
            return PLAINTEXT_MESSAGE
        return (
            "Máy này không có kho khóa (keyring) của hệ điều hành, nên mật khẩu chỉ được giữ trong bộ nhớ "
            "cho phiên làm việc này và phải nhập lại khi mở lại phần mềm. Nhờ IT cài Secret Service "
            "(GNOME Keyring/KWallet) để phần mềm nhớ mật khẩu."
        )

    @staticmethod
    def _key(server: str, extension: str) -> str:
        return f"{extension}@{server}"

    def get(self, server: str, extension: str) -> str | None:
        return self._secrets.get(self._key(server, extension))

    def set(self, server: str, extension: str, password: str) -> bool:
        """True when the keyring keeps it; False when it is kept for this session only."""
        return self._secrets.set(self._key(server, extension), password)
