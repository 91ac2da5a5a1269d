"""The survey service over a real store: due list, attempts, answers written with history and outbox."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import DissatisfactionReason, HistoryAction, Satisfaction, TicketStatus
from desktop.services.access_log import AccessLog
from desktop.services.supervisor.surveys import (
    NO_ANSWER,
    REASON_KEYS,
    SurveyAnswer,
    SurveyPolicy,
    SurveyRejected,
    SurveyService,
)
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.store.local import LocalStore
from desktop.store.survey_models import SurveyAttempt

DAY = datetime(2024, 3, 18, 10, 0, tzinfo=VN_TZ)


@pytest.fixture
def surveys(store: LocalStore, clock) -> SurveyService:  # type: ignore[no-untyped-def]
    return SurveyService(store, "dtv-hoa", clock=clock)


def _outbox(store: LocalStore) -> list[models.OutboxMutation]:
    with store.sessions() as session:
        return list(session.scalars(select(models.OutboxMutation).order_by(models.OutboxMutation.seq)))


def _count(store: LocalStore, table: type[models.Base]) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_due_list_holds_resolved_unrated_tickets_oldest_resolution_first(
    surveys: SurveyService, resolve_at, tickets: TicketService
) -> None:
    newer = resolve_at(DAY, phone="0987 111 222", unit_code="so-tu-phap")
    older = resolve_at(DAY - timedelta(days=2), phone="0362 112 233")
    resolve_at(DAY - timedelta(days=1), satisfaction=Satisfaction.SATISFIED)  # already rated
    resolve_at(DAY, status=TicketStatus.IN_PROGRESS, answer="")  # not resolved yet

    due = surveys.due()

    assert [item.ticket_id for item in due.items] == [older.id, newer.id]
    assert due.total == 2
    first, second = due.items
    assert first.phone == "+84362112233"
    assert first.resolved_at == DAY - timedelta(days=2)
    assert first.attempts == 0 and first.last_attempt_at is None
    assert second.unit_code == "so-tu-phap"
    assert second.unit_name == "Sở Tư pháp"
    assert due.policy == SurveyPolicy()


def test_satisfied_answer_rates_the_ticket_with_history_and_outbox_in_one_go(
    surveys: SurveyService, resolve_at, tickets: TicketService, store: LocalStore, clock
) -> None:
    ticket = resolve_at(DAY)
    outbox_before = len(_outbox(store))
    clock.now = DAY + timedelta(hours=3)

    result = surveys.record(ticket.id, SurveyAnswer.satisfied(), call_id="call-1")

    assert result.satisfaction is Satisfaction.SATISFIED and not result.still_due
    assert result.attempts == 1
    stored = tickets.get(ticket.id)
    assert stored.draft.satisfaction is Satisfaction.SATISFIED
    assert stored.version == ticket.version + 1
    at, actor, action, changes = tickets.history(ticket.id)[-1]
    assert (at, actor, action) == (clock.now, "dtv-hoa", HistoryAction.UPDATED)
    assert changes == {"satisfaction": ["chua_danh_gia", "hai_long"]}
    added = _outbox(store)[outbox_before:]
    assert [(m.entity, m.op) for m in added] == [("survey_attempt", "create"), ("ticket", "update")]
    attempt_payload = json.loads(added[0].payload)
    assert attempt_payload["ticket_id"] == ticket.id
    assert attempt_payload["outcome"] == "hai_long"
    assert attempt_payload["call_id"] == "call-1"
    # Never pulled back from a server: the edit starts from the server's version 1 of this desk's create.
    assert added[1].entity_id == ticket.id and added[1].base_version == 1
    assert json.loads(added[1].payload) == {
        "changes": {"satisfaction": "hai_long"},
        "before": {"satisfaction": "chua_danh_gia"},
    }
    assert surveys.due().items == []
    [attempt] = surveys.attempts(ticket.id)
    assert (attempt.at, attempt.operator, attempt.outcome, attempt.call_id) == (
        clock.now,
        "dtv-hoa",
        "hai_long",
        "call-1",
    )


def test_dissatisfied_answer_keeps_its_reason(surveys: SurveyService, resolve_at, tickets) -> None:
    ticket = resolve_at(DAY)
    surveys.record(ticket.id, SurveyAnswer.dissatisfied(DissatisfactionReason.UNIT_ANSWER))
    stored = tickets.get(ticket.id)
    assert stored.draft.satisfaction is Satisfaction.DISSATISFIED
    assert stored.draft.dissatisfaction_reason is DissatisfactionReason.UNIT_ANSWER
    changes = tickets.history(ticket.id)[-1][3]
    assert changes == {
        "satisfaction": ["chua_danh_gia", "khong_hai_long"],
        "dissatisfaction_reason": [None, "don_vi_tra_loi"],
    }


def test_reason_digits_follow_domain_order() -> None:
    assert [REASON_KEYS[str(n)].value for n in range(1, 7)] == [
        "co_che_chinh_sach",
        "nguon_luc",
        "yeu_cau_khong_phu_hop",
        "don_vi_tra_loi",
        "tong_dai_vien",
        "khac",
    ]


def test_unanswered_attempts_are_counted_then_become_no_response(
    surveys: SurveyService, resolve_at, tickets, store: LocalStore, clock
) -> None:
    ticket = resolve_at(DAY)
    times = [DAY + timedelta(hours=1), DAY + timedelta(days=1), DAY + timedelta(days=2)]
    results = []
    for moment in times:
        clock.now = moment
        results.append(surveys.record(ticket.id, SurveyAnswer.no_answer()))

    assert [r.attempts for r in results] == [1, 2, 3]
    assert [r.still_due for r in results] == [True, True, False]
    assert results[-1].satisfaction is Satisfaction.NO_RESPONSE
    assert [a.at for a in surveys.attempts(ticket.id)] == times
    assert {a.outcome for a in surveys.attempts(ticket.id)} == {NO_ANSWER}
    assert tickets.get(ticket.id).draft.satisfaction is Satisfaction.NO_RESPONSE
    history = tickets.history(ticket.id)
    assert len(history) == 2  # created, then rated once: unanswered attempts change no field
    assert history[-1][3] == {"satisfaction": ["chua_danh_gia", "khong_phan_hoi"]}
    entities = [m.entity for m in _outbox(store)]
    assert entities.count("survey_attempt") == 3


def test_due_list_shows_attempts_so_far(surveys: SurveyService, resolve_at, clock) -> None:
    ticket = resolve_at(DAY)
    clock.now = DAY + timedelta(hours=2)
    surveys.record(ticket.id, SurveyAnswer.no_answer())
    [item] = surveys.due().items
    assert item.attempts == 1
    assert item.last_attempt_at == DAY + timedelta(hours=2)


def test_the_attempt_limit_is_a_setting(surveys: SurveyService, resolve_at) -> None:
    surveys.set_policy(SurveyPolicy(max_attempts=1))
    assert surveys.policy().max_attempts == 1
    ticket = resolve_at(DAY)
    result = surveys.record(ticket.id, SurveyAnswer.no_answer())
    assert result.satisfaction is Satisfaction.NO_RESPONSE
    surveys.set_policy(SurveyPolicy(max_attempts=5, due_within_days=0))
    assert surveys.policy() == SurveyPolicy(max_attempts=5, due_within_days=0)
    with pytest.raises(SurveyRejected):
        SurveyPolicy(max_attempts=0)


def test_the_due_list_reaches_back_as_far_as_the_policy_says(
    surveys: SurveyService, resolve_at, clock
) -> None:
    old = resolve_at(clock.now - timedelta(days=45))
    recent = resolve_at(clock.now - timedelta(days=5))
    assert [i.ticket_id for i in surveys.due().items] == [recent.id]
    surveys.set_policy(SurveyPolicy(due_within_days=0))
    assert [i.ticket_id for i in surveys.due().items] == [old.id, recent.id]
    assert surveys.due(limit=1).total == 2


def test_a_ticket_rated_elsewhere_is_refused_and_nothing_is_written(
    surveys: SurveyService, resolve_at, store: LocalStore
) -> None:
    ticket = resolve_at(DAY)
    surveys.record(ticket.id, SurveyAnswer.satisfied())
    assert AccessLog(store, "dtv-hoa").flush()  # the accepted contact's access record is in the outbox
    attempts, outbox = _count(store, SurveyAttempt), len(_outbox(store))
    with pytest.raises(SurveyRejected, match="đã có đánh giá «Hài lòng»"):
        surveys.record(ticket.id, SurveyAnswer.no_answer())
    assert (_count(store, SurveyAttempt), len(_outbox(store))) == (attempts, outbox)


def test_a_reopened_ticket_cannot_be_surveyed(surveys: SurveyService, resolve_at, tickets) -> None:
    ticket = resolve_at(DAY)
    reopened = tickets.update(ticket.id, _with(ticket, status=TicketStatus.IN_PROGRESS), ticket.version)
    assert reopened.draft.status is TicketStatus.IN_PROGRESS
    with pytest.raises(SurveyRejected, match="đang xử lý"):
        surveys.record(ticket.id, SurveyAnswer.satisfied())


def test_bad_answers_are_refused_in_vietnamese() -> None:
    with pytest.raises(SurveyRejected, match="lý do"):
        SurveyAnswer(Satisfaction.DISSATISFIED.value).check()
    with pytest.raises(SurveyRejected, match="không hợp lệ"):
        SurveyAnswer(Satisfaction.NOT_RATED.value).check()


def _with(ticket, **values):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(ticket.draft, **values)


def _looks(store: LocalStore) -> list[tuple[str, str, str, str, str]]:
    assert AccessLog(store, "dtv-hoa").flush()
    with store.sessions() as session:
        rows = session.execute(
            text(
                "SELECT actor, subject_kind, subject, screen, reason FROM access_log WHERE reason = 'survey'"
            )
        )
        return [tuple(row) for row in rows]


def test_each_survey_contact_is_on_the_access_record_and_a_refused_one_is_not(
    surveys: SurveyService, resolve_at, store: LocalStore, clock
) -> None:
    ticket = resolve_at(DAY)
    clock.now = DAY + timedelta(hours=3)
    surveys.record(ticket.id, SurveyAnswer.no_answer())
    surveys.record(ticket.id, SurveyAnswer.satisfied())
    with pytest.raises(SurveyRejected):
        surveys.record(ticket.id, SurveyAnswer.satisfied())  # rated already: nobody was contacted
    assert _looks(store) == [("dtv-hoa", "ticket", ticket.id, "surveys_view", "survey")] * 2
    pushed = [m for m in _outbox(store) if m.entity == "access"]
    assert sum('"reason": "survey"' in m.payload for m in pushed) == 2  # the server's trail gets them
