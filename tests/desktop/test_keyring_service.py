"""One keyring service behind the SIP password and the server's token and password."""

from __future__ import annotations

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from memory_keyring import MemoryKeyring

from desktop.services.phone_secrets import SipPasswordStore
from desktop.sync.account import Login
from desktop.sync.credentials import Credentials

LOGIN = Login("https://tongdai.example.vn", "op1")


class GoneKeyring(MemoryKeyring):
    """A keyring whose D-Bus session went away: every call breaks with a non-keyring error."""

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")


@pytest.mark.parametrize("backend", [None, fail.Keyring(), null.Keyring()], ids=["none", "fail", "null"])
def test_both_stores_agree_there_is_no_keyring(backend: KeyringBackend | None) -> None:
    assert not SipPasswordStore(backend).persistent
    assert not Credentials(backend).persistent


def test_both_stores_keep_their_secrets_in_a_working_keyring_under_their_own_names() -> None:
    keyring = MemoryKeyring()
    assert SipPasswordStore(keyring).set("pbx.local", "1001", "sip-secret")
    Credentials(keyring).remember(LOGIN, password="server-secret", token="tok")

    assert SipPasswordStore(keyring).get("pbx.local", "1001") == "sip-secret"
    assert Credentials(keyring).password(LOGIN) == "server-secret"
    assert Credentials(keyring).token(LOGIN) == "tok"
    assert {service for service, _ in keyring.secrets} == {"tongdai1022-sip", "tongdai1022"}


def test_a_keyring_that_breaks_mid_session_leaves_every_secret_for_this_session_only() -> None:
    passwords, credentials = SipPasswordStore(GoneKeyring()), Credentials(GoneKeyring())

    assert passwords.set("pbx.local", "1001", "sip-secret") is False
    credentials.remember(LOGIN, password="server-secret", token="tok")

    assert passwords.get("pbx.local", "1001") == "sip-secret"
    assert credentials.token(LOGIN) == "tok"
    assert not passwords.persistent and not credentials.persistent
    credentials.forget(LOGIN)
    assert credentials.password(LOGIN) is None
