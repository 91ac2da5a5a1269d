"""The SIP password: in the system keyring when there is one, else only in memory for this session."""

from __future__ import annotations

from typing import Any

SERVICE = "tongdai1022-sip"


def _usable(backend: Any) -> bool:
    """False for keyring's `fail` and `null` backends (no Secret Service, no KWallet...)."""
    if backend is None:
        return False
    module = type(backend).__module__
    try:
        priority = float(backend.priority)
    except Exception:
        priority = 0.0
    return not module.startswith(("keyring.backends.fail", "keyring.backends.null")) and priority > 0


def default_backend() -> Any:
    """The system keyring as chosen by the keyring library (may be its `fail` backend)."""
    try:
        import keyring

        return keyring.get_keyring()
    except Exception:
        return None


class SipPasswordStore:
    """`backend` is a keyring backend (tests hand in their own); without a usable one nothing is written."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self._session: dict[str, str] = {}

    @property
    def persistent(self) -> bool:
        return _usable(self._backend)

    def explain(self) -> str:
        """What happens to the password here, said to the operator."""
        if self.persistent:
            return "Mật khẩu được cất trong kho khóa của hệ điều hành."
        return (
            "Máy này không có kho khóa (keyring) của hệ điều hành, nên mật khẩu chỉ được giữ trong bộ nhớ "
            "cho phiên làm việc này và phải nhập lại khi mở lại phần mềm. Nhờ IT cài Secret Service "
            "(GNOME Keyring/KWallet) để phần mềm nhớ mật khẩu."
        )

    @staticmethod
    def _key(server: str, extension: str) -> str:
        return f"{extension}@{server}"

    def get(self, server: str, extension: str) -> str | None:
        key = self._key(server, extension)
        if key in self._session:
            return self._session[key]
        if self.persistent:
            try:
                value = self._backend.get_password(SERVICE, key)
            except Exception:
                return None
            return str(value) if value is not None else None
        return None

    def set(self, server: str, extension: str, password: str) -> bool:
        """True when the keyring keeps it; False when it is kept for this session only."""
        key = self._key(server, extension)
        if self.persistent:
            try:
                self._backend.set_password(SERVICE, key, password)
                self._session.pop(key, None)
                return True
            except Exception:
                pass
        self._session[key] = password
        return False
