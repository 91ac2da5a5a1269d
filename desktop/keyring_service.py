"""The desk's one keyring service: which system keyring counts as usable, and the session-only fallback.

The SIP password (services/phone/sip_password.py) and the server token and password (sync/credentials.py)
are thin views on it. Probing the platform's keyring can take a while: `system_backend` is meant for a
worker thread. Secrets never go to the store, the settings file or the log.
"""

from __future__ import annotations

import contextlib
from typing import Any

__all__ = ["PLAINTEXT_MESSAGE", "KeyringService", "stores_in_the_clear", "system_backend", "usable"]

PLAINTEXT_MESSAGE = (
    "Kho mật khẩu đang cài trên máy này (keyrings.alt) ghi mật khẩu ra một tệp thường, nên phần mềm "
    "không dùng nó: mật khẩu chỉ được giữ trong phiên làm việc này. Hãy nhờ bộ phận CNTT gỡ keyrings.alt "
    "và dùng kho khóa của hệ điều hành (Secret Service trên Linux, Credential Manager trên Windows)."
)


def stores_in_the_clear(backend: Any) -> bool:
    """keyrings.alt's file backends (plain text or base64 in a file the desk's user can read, or a file
    that asks for its password on a terminal): a secret there is as good as written down."""
    if backend is None:
        return False
    if type(backend).__module__.startswith("keyrings.alt"):
        return True
    return any(stores_in_the_clear(inner) for inner in getattr(backend, "backends", ()) or ())


def usable(backend: Any) -> bool:
    """False for none at all, for keyring's `fail` and `null` backends (no Secret Service, KWallet...)
    and for backends that store secrets in the clear."""
    if backend is None or stores_in_the_clear(backend):
        return False
    if type(backend).__module__.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    try:
        return float(backend.priority) > 0
    except Exception:
        return False


def system_backend() -> Any:
    """The platform's keyring as the keyring library chooses it, or None when it cannot be loaded."""
    try:
        import keyring

        return keyring.get_keyring()
    except Exception:
        return None


class KeyringService:
    """Secrets under one keyring service name; without a usable keyring (or once it fails) they live in
    memory for this session only. One writer (the UI) and one reader (a worker) at a time is enough."""

    def __init__(self, service: str, backend: Any) -> None:
        self.service = service
        self.refused_in_the_clear = stores_in_the_clear(backend)
        self._backend = backend if usable(backend) else None
        self._session: dict[str, str] = {}

    @property
    def persistent(self) -> bool:
        return self._backend is not None

    def get(self, key: str) -> str | None:
        if key in self._session:
            return self._session[key]
        if self._backend is None:
            return None
        try:
            value = self._backend.get_password(self.service, key)
        except Exception:
            return None
        return str(value) if value is not None else None

    def set(self, key: str, secret: str) -> bool:
        """True when the keyring keeps it; False when it is kept for this session only."""
        if self._backend is not None:
            try:
                self._backend.set_password(self.service, key, secret)
            except Exception:
                self._backend = None  # locked or gone: this session only from now on
            else:
                self._session[key] = secret
                return True
        self._session[key] = secret
        return False

    def forget(self, key: str) -> None:
        self._session.pop(key, None)
        if self._backend is not None:
            with contextlib.suppress(Exception):
                self._backend.delete_password(self.service, key)
