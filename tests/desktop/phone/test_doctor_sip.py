"""`doctor`'s switchboard check against the lab's Kamailio: an account with its password in the keyring
registers; a wrong password, a PBX that does not answer and a password missing from the keyring are
each said with what to do."""

from __future__ import annotations

import socket
from typing import Any

import keyring
import pytest
from memory_keyring import MemoryKeyring

from desktop.commands.doctor import FAIL, OK, WARN, check_sip
from desktop.services.phone.sip_password import SipPasswordStore
from desktop.settings import Settings


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """The doctor reads the platform's keyring: here, one in memory, put back after the test."""
    backend = MemoryKeyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    return backend


def account(port: int, extension: str = "1002") -> Settings:
    return Settings(sip_server="127.0.0.1", sip_port=port, sip_extension=extension)


def test_an_account_with_its_password_in_the_keyring_registers(
    kamailio: Any, siplab: Any, keys: MemoryKeyring
) -> None:
    SipPasswordStore(keys).set("127.0.0.1", "1002", siplab.PASSWORDS["1002"])
    found = check_sip(account(kamailio.port))
    assert found.status == OK, found
    assert "máy nhánh 1002" in found.detail and "đăng ký được" in found.detail


def test_a_wrong_password_fails_and_says_to_check_the_account(kamailio: Any, keys: MemoryKeyring) -> None:
    SipPasswordStore(keys).set("127.0.0.1", "1002", "not-the-password")
    found = check_sip(account(kamailio.port))
    assert found.status == FAIL, found
    assert "mật khẩu" in found.advice and "F8" in found.advice


def test_a_switchboard_that_does_not_answer_is_said_with_the_network_to_check(keys: MemoryKeyring) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # a UDP port nobody answers on
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        SipPasswordStore(keys).set("127.0.0.1", "1002", "whatever")
        found = check_sip(account(port))
    assert found.status == FAIL, found
    assert "tường lửa" in found.advice


def test_a_password_missing_from_the_keyring_is_a_warning_pointing_to_sip_check(keys: MemoryKeyring) -> None:
    found = check_sip(account(5060))
    assert found.status == WARN
    assert "sip-check" in found.advice


def test_no_account_set_is_fine() -> None:
    assert check_sip(Settings()).status == OK
