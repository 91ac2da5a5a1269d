"""One policy for every number: listed, unlisted-but-possible, foreign, short codes, withheld callers."""

from __future__ import annotations

import time

import pytest

from desktop.domain.codes import CallDirection, CallOutcome
from desktop.domain.phone import (
    HIDDEN_PHONE,
    InvalidPhoneNumber,
    caller_phone,
    display_phone,
    is_hidden,
    is_unverified,
    normalize_phone,
)
from desktop.services.phone.calls import CallLog
from desktop.services.phone.session import PhoneSession
from desktop.store import cipher, models
from desktop.telephony.events import IncomingCall


@pytest.mark.parametrize(
    ("typed", "stored", "unverified"),
    [
        ("0912 345 678", "+84912345678", False),
        ("0892000111", "+84892000111", True),  # a mobile shape phonenumbers does not list yet
        ("0895987864", "+84895987864", True),
        ("0992 623 726", "+84992623726", True),
        ("84892000111", "+84892000111", True),
        ("+1 202 555 0143", "+12025550143", False),
        ("1022", "1022", False),
    ],
)
def test_a_number_that_can_be_one_is_stored_in_one_form(typed: str, stored: str, unverified: bool) -> None:
    assert normalize_phone(typed) == stored
    assert is_unverified(stored) is unverified
    assert normalize_phone(display_phone(stored)) == stored  # what the operator reads types back


@pytest.mark.parametrize("garbage", ["abc", "12", "0123", "0200000000", "091234567890123456"])
def test_only_what_cannot_be_a_number_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        normalize_phone(garbage)


@pytest.mark.parametrize(
    ("sip_user", "stored"),
    [
        ("", HIDDEN_PHONE),
        ("anonymous", HIDDEN_PHONE),
        ("Anonymous", HIDDEN_PHONE),
        ("unknown", HIDDEN_PHONE),
        ("0912345678;phone-context=+84", "+84912345678"),
        ("0892000111", "+84892000111"),
        ("1001", "1001"),  # a colleague's extension
    ],
)
def test_a_switchboard_caller_always_has_a_stored_form(sip_user: str, stored: str) -> None:
    assert caller_phone(sip_user) == stored


def test_a_withheld_caller_matches_no_typed_number_and_reads_so_nan() -> None:
    assert is_hidden(HIDDEN_PHONE) and display_phone(HIDDEN_PHONE) == "Số ẩn"
    with pytest.raises(InvalidPhoneNumber):
        normalize_phone(HIDDEN_PHONE)


@pytest.mark.parametrize("number", ["", "anonymous", "0892000111", "+12025550143", "1022"])
def test_the_call_log_takes_every_caller(store, number: str) -> None:
    calls = CallLog(store, "dtv-lan")
    log_id = calls.started(number, CallDirection.INBOUND)
    calls.finished(log_id, CallOutcome.MISSED)
    with store.sessions() as session:
        row = session.get(models.Call, log_id)
        assert row is not None and row.phone == caller_phone(number) and row.citizen_id is None


@pytest.mark.slow
def test_a_call_the_store_cannot_take_now_is_kept_and_written_when_it_can(store, data_dir) -> None:
    said: list[str] = []
    session = PhoneSession(store, "dtv-lan", on_error=said.append, retry_seconds=0.2)
    blocker = cipher.connect(store.path, store.key, timeout=0, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another program holds the store: every write waits, then fails
    try:
        ringing = session.on_incoming(
            IncomingCall(
                call_id="c1@pbx",
                number="anonymous",
                display_name="",
                remote_uri="sip:anonymous@anonymous.invalid",
                identity_source="From",
                received_at=time.monotonic(),
            )
        )
        deadline = time.monotonic() + 30
        while not said and time.monotonic() < deadline:
            time.sleep(0.1)
        assert said and "sẽ tự ghi" in said[0]
    finally:
        blocker.rollback()  # the other program lets go
        blocker.close()
    assert session.flush(timeout=20)
    with store.sessions() as db:
        row = db.get(models.Call, ringing.log_id)
        assert row is not None and row.phone == HIDDEN_PHONE
    assert "không mất cuộc gọi nào" in said[-1]
    session.close()
