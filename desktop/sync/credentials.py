"""The server token and password: in the system keyring, or (no keyring) in memory for this session only.

Secrets are never written to the store, the settings file or the log.
"""

from __future__ import annotations

import contextlib

from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from desktop.sync.account import Login
from desktop.sync.client import LoginRefused, SyncClient

__all__ = ["NO_KEYRING_MESSAGE", "SERVICE", "Credentials", "Login", "sign_in", "system_backend", "usable"]

SERVICE = "tongdai1022"

NO_KEYRING_MESSAGE = (
    "Máy này không có kho mật khẩu của hệ điều hành (keyring), nên mật khẩu chỉ được giữ trong "
    "phiên làm việc này và không lưu xuống đĩa. Lần mở sau cần nhập lại mật khẩu."
)


def usable(backend: KeyringBackend | None) -> bool:
    """False for keyring's 'fail' backend (no Secret Service, no KWallet...) and for none at all."""
    if backend is None:
        return False
    try:
        return float(backend.priority) > 0
    except Exception:
        return False


class Credentials:
    """Thread-safe enough for one writer (the UI) and one reader (the sync worker): plain dict and keyring."""

    def __init__(self, backend: KeyringBackend | None) -> None:
        self._backend = backend if usable(backend) else None
        self._session: dict[str, str] = {}

    @property
    def persistent(self) -> bool:
        return self._backend is not None

    def _key(self, login: Login, kind: str) -> str:
        return f"{login.username}@{login.server_url}#{kind}"

    def _set(self, key: str, secret: str) -> None:
        self._session[key] = secret
        if self._backend is not None:
            try:
                self._backend.set_password(SERVICE, key, secret)
            except KeyringError:
                self._backend = None  # locked or gone: keep it for this session only

    def _get(self, key: str) -> str | None:
        if key in self._session:
            return self._session[key]
        if self._backend is None:
            return None
        try:
            return self._backend.get_password(SERVICE, key)
        except KeyringError:
            return None

    def _forget(self, key: str) -> None:
        self._session.pop(key, None)
        if self._backend is not None:
            with contextlib.suppress(KeyringError):
                self._backend.delete_password(SERVICE, key)

    def remember(self, login: Login, *, password: str | None = None, token: str | None = None) -> None:
        if password is not None:
            self._set(self._key(login, "password"), password)
        if token is not None:
            self._set(self._key(login, "token"), token)

    def password(self, login: Login) -> str | None:
        return self._get(self._key(login, "password"))

    def token(self, login: Login) -> str | None:
        return self._get(self._key(login, "token"))

    def forget_token(self, login: Login) -> None:
        self._forget(self._key(login, "token"))

    def forget(self, login: Login) -> None:
        self._forget(self._key(login, "token"))
        self._forget(self._key(login, "password"))


def system_backend() -> KeyringBackend | None:
    """The platform's keyring, or None when it has none that works (the app says so and goes on)."""
    import keyring

    backend = keyring.get_keyring()
    return backend if usable(backend) else None


def sign_in(client: SyncClient, credentials: Credentials, login: Login, password: str, client_id: str) -> str:
    """Log in (on a worker thread): the token and the password go to the keyring (or this session);
    returns the user's full name. A wrong password raises LoginRefused with a Vietnamese message."""
    try:
        response = client.login(login.username, password, client_id)
    except LoginRefused as error:
        raise LoginRefused(
            "Sai tên đăng nhập hoặc mật khẩu. Hãy kiểm tra lại (chú ý bộ gõ tiếng Việt và phím Caps Lock)."
        ) from error
    credentials.remember(login, password=password, token=response.token)
    return response.full_name or response.username
