"""The server token: in the system keyring, or (no keyring) in memory for this session only. A password
typed at sign-in (or given to `sync --password-env`) lives in memory only, to renew an expired token
during this session: the desk never writes the server password anywhere.

Secrets are never written to the store, the settings file or the log.
"""

from __future__ import annotations

from dataclasses import dataclass

from keyring.backend import KeyringBackend

from desktop import keyring_service
from desktop.keyring_service import KeyringService, usable
from desktop.store.local import DeskIdentity
from desktop.sync.account import Login
from desktop.sync.client import LoginRefused, SyncClient

__all__ = [
    "NO_KEYRING_MESSAGE",
    "SERVICE",
    "Credentials",
    "Login",
    "SignedIn",
    "sign_in",
    "system_backend",
    "usable",
]

SERVICE = "tongdai1022"

NO_KEYRING_MESSAGE = (
    "Máy này không có kho mật khẩu của hệ điều hành (keyring), nên mật khẩu chỉ được giữ trong "
    "phiên làm việc này và không lưu xuống đĩa. Lần mở sau cần nhập lại mật khẩu."
)


class Credentials:
    """The server's secrets per login, on the desk's one keyring service."""

    def __init__(self, backend: KeyringBackend | None) -> None:
        self._secrets = KeyringService(SERVICE, backend)
        self._passwords: dict[str, str] = {}  # this session only

    @property
    def persistent(self) -> bool:
        return self._secrets.persistent

    @property
    def refused_in_the_clear(self) -> bool:
        """The keyring writes secrets in the clear, so the desk keeps them for this session only."""
        return self._secrets.refused_in_the_clear

    def _key(self, login: Login, kind: str) -> str:
        return f"{login.username}@{login.server_url}#{kind}"

    def _set(self, key: str, secret: str) -> None:
        self._secrets.set(key, secret)

    def _get(self, key: str) -> str | None:
        return self._secrets.get(key)

    def _forget(self, key: str) -> None:
        self._secrets.forget(key)

    def remember(self, login: Login, *, password: str | None = None, token: str | None = None) -> None:
        if password is not None:
            self._passwords[self._key(login, "password")] = password
        if token is not None:
            self._set(self._key(login, "token"), token)

    def password(self, login: Login) -> str | None:
        key = self._key(login, "password")
        if key not in self._passwords:
            kept = self._get(key)  # an older desk kept it in the keyring: take it out of there
            if kept is not None:
                self._forget(key)
                self._passwords[key] = kept
        return self._passwords.get(key)

    def token(self, login: Login) -> str | None:
        return self._get(self._key(login, "token"))

    def forget_token(self, login: Login) -> None:
        self._forget(self._key(login, "token"))

    def forget(self, login: Login) -> None:
        self._forget(self._key(login, "token"))
        self._forget(self._key(login, "password"))
        self._passwords.pop(self._key(login, "password"), None)


def system_backend() -> KeyringBackend | None:
    """The platform's keyring, or None when it has none that works (the app says so and goes on)."""
    backend = keyring_service.system_backend()
    return backend if usable(backend) else None


@dataclass(frozen=True)
class SignedIn:
    """The account the server signed in: `login` under the account's own user name (the server takes
    "DTV1 " for "dtv1"; the desk stores, shows and writes the name the server records), its full name."""

    login: Login
    full_name: str


def sign_in(
    client: SyncClient, credentials: Credentials, login: Login, password: str, desk: DeskIdentity
) -> SignedIn:
    """Log in (on a worker thread): the token and the password go to the keyring (or this session)
    under the account's user name. A wrong password raises LoginRefused with a Vietnamese message."""
    try:
        response = client.login(login.username, password, desk)
    except LoginRefused as error:
        raise LoginRefused(
            "Sai tên đăng nhập hoặc mật khẩu. Hãy kiểm tra lại (chú ý bộ gõ tiếng Việt và phím Caps Lock)."
        ) from error
    account = Login(login.server_url, response.username)
    credentials.remember(account, password=password, token=response.token)
    return SignedIn(account, response.full_name or response.username)
