"""One keyring service behind the SIP password and the server's token and password."""

from __future__ import annotations

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from memory_keyring import MemoryKeyring

from desktop.services.phone.sip_password import SipPasswordStore
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
    assert Credentials(keyring).token(LOGIN) == "tok"
    assert Credentials(keyring).password(LOGIN) is None  # the server password is never kept
    assert "server-secret" not in keyring.secrets.values()
    assert {service for service, _ in keyring.secrets} == {"tongdai1022-sip", "tongdai1022"}


def test_a_server_password_an_older_desk_kept_is_taken_out_of_the_keyring() -> None:
    keyring = MemoryKeyring()
    keyring.set_password("tongdai1022", f"{LOGIN.username}@{LOGIN.server_url}#password", "server-secret")
    credentials = Credentials(keyring)
    assert credentials.password(LOGIN) == "server-secret"  # used this session, to renew the token
    assert keyring.secrets == {}


def test_a_keyring_that_writes_secrets_in_a_plain_file_is_refused_and_said_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from keyrings.alt.file import PlaintextKeyring

    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "keyring_pass.cfg")  # type: ignore[misc]
    passwords, credentials = SipPasswordStore(plain), Credentials(plain)
    passwords.set("pbx.local", "1001", "sip-secret")
    credentials.remember(LOGIN, token="tok-bi-mat")

    assert not passwords.persistent and not credentials.persistent
    assert credentials.refused_in_the_clear and "keyrings.alt" in passwords.explain()
    assert not (tmp_path / "keyring_pass.cfg").exists()  # nothing written in the clear
    assert passwords.get("pbx.local", "1001") == "sip-secret" and credentials.token(LOGIN) == "tok-bi-mat"


def test_a_keyring_that_breaks_mid_session_leaves_every_secret_for_this_session_only() -> None:
    passwords, credentials = SipPasswordStore(GoneKeyring()), Credentials(GoneKeyring())

    assert passwords.set("pbx.local", "1001", "sip-secret") is False
    credentials.remember(LOGIN, password="server-secret", token="tok")

    assert passwords.get("pbx.local", "1001") == "sip-secret"
    assert credentials.token(LOGIN) == "tok"
    assert not passwords.persistent and not credentials.persistent
    credentials.forget(LOGIN)
    assert credentials.password(LOGIN) is None
