"""The callback queue and the SIP password store on a real migrated store, without Qt or SIP."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import CallDirection, CallOutcome, Level, Satisfaction, TicketStatus
from desktop.domain.ticket import TicketDraft
from desktop.services.phone.callbacks import CallbackQueue
from desktop.services.phone.calls import CallLog
from desktop.services.phone.codes import AttemptOutcome, CallbackKind, CallbackStatus
from desktop.services.phone.sip_password import SipPasswordStore
from desktop.services.supervisor.surveys import SurveyAnswer, SurveyService
from desktop.services.tickets.service import TicketService


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)

    def __call__(self) -> datetime:
        return self.now


def test_a_number_missed_twice_waits_once_and_no_answer_reschedules_until_closed(store):
    clock = Clock()
    queue = CallbackQueue(store, "dtv-lan", clock)
    calls = CallLog(store, "dtv-lan", clock)
    first = calls.started("0912 345 678", CallDirection.INBOUND)
    second = calls.started("+84912345678", CallDirection.INBOUND)
    callback = queue.enqueue(CallbackKind.MISSED, "0912345678", call_id=first)
    assert queue.enqueue(CallbackKind.ABANDONED, "84912345678", call_id=second) == callback
    [item] = queue.pending()
    assert (item.phone, item.call_id, item.attempts, item.due_at) == ("+84912345678", second, 0, clock.now)

    item = queue.record_attempt(callback, AttemptOutcome.NO_ANSWER)
    assert (item.status, item.attempts, item.due_at) == (
        CallbackStatus.PENDING,
        1,
        clock.now + timedelta(minutes=15),
    )
    item = queue.record_attempt(callback, AttemptOutcome.BUSY)
    assert item.due_at == clock.now + timedelta(hours=1)
    later = clock.now + timedelta(days=1)
    assert queue.reschedule(callback, later).due_at == later
    for _ in range(3):
        item = queue.record_attempt(callback, AttemptOutcome.NO_ANSWER)
    assert (item.status, item.attempts) == (CallbackStatus.CLOSED, 5)
    assert [outcome for _, outcome, _ in queue.attempts(callback)] == [
        AttemptOutcome.NO_ANSWER,
        AttemptOutcome.BUSY,
        *[AttemptOutcome.NO_ANSWER] * 3,
    ]
    with pytest.raises(ValueError, match="không thể hẹn lại"):
        queue.reschedule(callback, later)
    assert queue.pending() == []


def test_reached_is_done_a_wrong_number_closes_and_an_answered_caller_settles_their_missed_calls(store):
    queue = CallbackQueue(store, "dtv-lan", Clock())
    reached = queue.enqueue(CallbackKind.MISSED, "0911111111")
    wrong = queue.enqueue(CallbackKind.MISSED, "0922222222")
    settled = queue.enqueue(CallbackKind.ABANDONED, "0933333333")
    assert queue.record_attempt(reached, AttemptOutcome.REACHED).status is CallbackStatus.DONE
    assert queue.record_attempt(wrong, AttemptOutcome.WRONG_NUMBER).status is CallbackStatus.CLOSED
    assert queue.settle_for_caller("0933 333 333") == 1
    assert queue.get(settled).status is CallbackStatus.DONE
    assert queue.pending() == []


def test_resolved_phone_tickets_become_answer_and_survey_callbacks_once(store):
    clock = Clock()
    tickets = TicketService(store, "dtv-lan")
    forwarded = tickets.create(
        TicketDraft(
            content="Đèn đường hư", phone="0944444444", level=Level.TWO, unit_code="ubnd-huyen-tan-hong"
        )
    )
    tickets.update(
        forwarded.id,
        TicketDraft(
            content="Đèn đường hư",
            phone="0944444444",
            level=Level.TWO,
            unit_code="ubnd-huyen-tan-hong",
            status=TicketStatus.RESOLVED,
            answer="Đã sửa",
        ),
        forwarded.version,
    )
    answered = tickets.create(
        TicketDraft(
            content="Hỏi thủ tục", phone="0955555555", status=TicketStatus.RESOLVED, answer="Đã hướng dẫn"
        )
    )
    tickets.create(
        TicketDraft(
            content="Đã đánh giá",
            phone="0966666666",
            status=TicketStatus.RESOLVED,
            answer="Xong",
            satisfaction=Satisfaction.SATISFIED,
        )
    )
    tickets.create(TicketDraft(content="Còn xử lý", phone="0977777777"))
    clock.now = datetime.now(VN_TZ)
    queue = CallbackQueue(store, "dtv-lan", clock)

    assert queue.sync_from_tickets() == 2
    assert queue.sync_from_tickets() == 0
    kinds = {item.ticket_id: item.kind for item in queue.pending()}
    assert kinds == {forwarded.id: CallbackKind.ANSWER_READY, answered.id: CallbackKind.SURVEY}

    # The survey answered from the survey list leaves the callback queue at its next refresh.
    SurveyService(store, "dtv-lan").record(answered.id, SurveyAnswer.satisfied())
    queue.sync_from_tickets()
    assert {item.ticket_id for item in queue.pending()} == {forwarded.id}


class FailKeyring:
    """What keyring.get_keyring() gives on a machine without Secret Service."""

    priority = 0

    def get_password(self, service: str, user: str) -> str | None:
        raise RuntimeError("No recommended backend was available")

    def set_password(self, service: str, user: str, password: str) -> None:
        raise RuntimeError("No recommended backend was available")


def test_without_a_keyring_the_password_is_kept_for_the_session_only_and_the_operator_is_told(tmp_path):
    passwords = SipPasswordStore(FailKeyring())
    assert not passwords.persistent
    assert "kho khóa" in passwords.explain() and "phiên làm việc" in passwords.explain()
    assert passwords.set("pbx", "1001", "bí-mật") is False
    assert passwords.get("pbx", "1001") == "bí-mật"
    assert SipPasswordStore(FailKeyring()).get("pbx", "1001") is None  # a new session asks again
    assert not any(
        "bí-mật" in path.read_text(errors="ignore") for path in tmp_path.rglob("*") if path.is_file()
    )


def test_the_call_log_takes_the_id_given_at_ring_time_and_links_the_first_ticket(store, ticket_service):
    from desktop.store import models

    calls = CallLog(store, "dtv-lan")
    call_id = calls.started("0912345678", CallDirection.INBOUND, call_id="given-at-ring-time")
    calls.answered(call_id)
    first = ticket_service.create(TicketDraft(content="Một", phone="0912345678", call_id=call_id))
    second = ticket_service.create(TicketDraft(content="Hai", phone="0912345678", call_id=call_id))
    calls.link_ticket(call_id, first.id)
    calls.link_ticket(call_id, second.id)
    calls.finished(call_id, CallOutcome.ANSWERED)
    with store.sessions() as session:
        row = session.get(models.Call, "given-at-ring-time")
        assert row is not None
        assert (row.outcome, row.ticket_id) == (CallOutcome.ANSWERED.value, first.id)
        assert row.answered_at is not None and row.ended_at >= row.answered_at
