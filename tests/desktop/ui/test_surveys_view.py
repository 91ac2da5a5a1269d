"""The survey list typed key by key: answers stored with history and outbox, attempts, call-back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select
from uitest_support import draft

from desktop.domain.clock import now_vn
from desktop.domain.codes import DissatisfactionReason, HistoryAction, Satisfaction, TicketStatus
from desktop.services.supervisor.surveys import SurveyPolicy, SurveyService
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.ui.supervisor.surveys_view import SurveysView


@pytest.fixture
def due_ids(store) -> list[str]:  # type: ignore[no-untyped-def]
    """Three resolved, unrated tickets resolved an hour apart (oldest first), and one rated."""
    start = now_vn() - timedelta(days=2)
    moments = iter(start + timedelta(hours=n) for n in range(10))
    tickets = TicketService(store, "dtv-lan", clock=lambda: next(moments))
    ids = []
    for phone, name in (
        ("0912 345 678", "Nguyễn Văn An"),
        ("0362 112 233", "Lê Hoàng Phúc"),
        ("0987 654 321", "Trần Thị Bích"),
    ):
        ticket = tickets.create(
            draft(phone=phone, citizen_name=name, status=TicketStatus.RESOLVED, answer="Đã trả lời.")
        )
        ids.append(ticket.id)
    tickets.create(
        draft(status=TicketStatus.RESOLVED, answer="Đã trả lời.", satisfaction=Satisfaction.SATISFIED)
    )
    return ids


@pytest.fixture
def survey_service(store) -> SurveyService:  # type: ignore[no-untyped-def]
    return SurveyService(store, "kiem.thu")


@pytest.fixture
def view(qtbot, survey_service, runner, due_ids):  # type: ignore[no-untyped-def]
    widget = SurveysView(survey_service, runner)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.list_loaded, timeout=10000):
        widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.table.setFocus()
    return widget


def press(qtbot, view, *keys: str) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        qtbot.keyClick(view.table, key)


def recorded(qtbot, view, *keys: str):  # type: ignore[no-untyped-def]
    """Types the keys, waits for the answer to be stored and the list to come back."""
    with (
        qtbot.waitSignal(view.answer_recorded, timeout=10000) as answer,
        qtbot.waitSignal(view.list_loaded, timeout=10000),
    ):
        press(qtbot, view, *keys)
    return answer.args[0]


def stored_rows(store, ticket_id: str):  # type: ignore[no-untyped-def]
    with store.sessions() as session:
        history = list(
            session.scalars(
                select(models.TicketHistory)
                .where(models.TicketHistory.ticket_id == ticket_id)
                .order_by(models.TicketHistory.id)
            )
        )
        outbox = list(
            session.scalars(
                select(models.OutboxMutation)
                .where(models.OutboxMutation.entity == "ticket", models.OutboxMutation.entity_id == ticket_id)
                .order_by(models.OutboxMutation.seq)
            )
        )
        return history, outbox


def test_the_due_list_is_oldest_first(view, due_ids) -> None:
    assert [item.ticket_id for item in view.model.items] == due_ids
    assert view.total == 3
    assert view.model.index(0, 1).data() == "0912 345 678"
    assert view.table.currentIndex().row() == 0


def test_one_key_records_satisfied_with_history_and_outbox(qtbot, view, due_ids, store) -> None:
    result = recorded(qtbot, view, "1")
    assert result.ticket_id == due_ids[0] and result.satisfaction is Satisfaction.SATISFIED
    assert [item.ticket_id for item in view.model.items] == due_ids[1:]
    assert view.current_item().ticket_id == due_ids[1]  # on to the next citizen
    ticket = TicketService(store, "x").get(due_ids[0])
    assert ticket.draft.satisfaction is Satisfaction.SATISFIED
    history, outbox = stored_rows(store, due_ids[0])
    assert history[-1].action == HistoryAction.UPDATED.value and history[-1].actor == "kiem.thu"
    assert json.loads(history[-1].changes) == {"satisfaction": ["chua_danh_gia", "hai_long"]}
    assert json.loads(outbox[-1].payload)["changes"] == {"satisfaction": "hai_long"}


def test_two_keys_record_dissatisfied_with_the_reason(qtbot, view, due_ids, store) -> None:
    press(qtbot, view, "2")
    assert view._awaiting_reason
    assert DissatisfactionReason.UNIT_ANSWER.label in view.reasons_label.text()
    qtbot.wait(50)
    view.grab().save("/tmp/surveys-reasons.png")
    result = recorded(qtbot, view, "4")
    assert result.satisfaction is Satisfaction.DISSATISFIED
    assert result.reason is DissatisfactionReason.UNIT_ANSWER
    ticket = TicketService(store, "x").get(due_ids[0])
    assert ticket.draft.dissatisfaction_reason is DissatisfactionReason.UNIT_ANSWER
    history, _ = stored_rows(store, due_ids[0])
    assert json.loads(history[-1].changes)["dissatisfaction_reason"] == [None, "don_vi_tra_loi"]


def test_a_wrong_reason_key_is_ignored_and_the_third_key_answers(qtbot, view, due_ids) -> None:
    press(qtbot, view, "2", "9")
    assert view.model.rowCount() == 3 and view._awaiting_reason
    result = recorded(qtbot, view, "5")
    assert result.reason is DissatisfactionReason.OPERATOR_ANSWER


def test_escape_cancels_a_started_answer(qtbot, view, due_ids, survey_service) -> None:
    press(qtbot, view, "2")
    qtbot.keyClick(view.table, Qt.Key.Key_Escape)
    assert not view._awaiting_reason
    result = recorded(qtbot, view, "1")
    assert result.satisfaction is Satisfaction.SATISFIED


def test_unanswered_attempts_then_no_response_after_the_limit(qtbot, view, due_ids, survey_service) -> None:
    survey_service.set_policy(SurveyPolicy(max_attempts=2))
    first = recorded(qtbot, view, "0")
    assert first.still_due and first.attempts == 1
    assert view.current_item().ticket_id == due_ids[1]  # moved on; the first stays in the list
    assert view.model.items[0].attempts == 1
    assert view.model.index(0, 5).data() == "1"
    qtbot.keyClick(view.table, Qt.Key.Key_Up)
    assert view.current_item().ticket_id == due_ids[0]
    second = recorded(qtbot, view, "0")
    assert second.satisfaction is Satisfaction.NO_RESPONSE and second.attempts == 2
    assert [item.ticket_id for item in view.model.items] == due_ids[1:]
    qtbot.wait(50)
    view.grab().save("/tmp/surveys.png")


def test_three_is_no_response_at_once(qtbot, view, due_ids) -> None:
    result = recorded(qtbot, view, "3")
    assert result.satisfaction is Satisfaction.NO_RESPONSE and result.attempts == 1


def test_enter_asks_the_phone_to_call_the_citizen(qtbot, view, due_ids) -> None:
    with qtbot.waitSignal(view.call_requested) as called:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert called.args == ["+84912345678", due_ids[0]]


def test_the_call_the_phone_made_is_kept_with_the_attempt(qtbot, view, due_ids, survey_service) -> None:
    view.set_call_for(due_ids[0], "call-42")
    recorded(qtbot, view, "0")
    [attempt] = survey_service.attempts(due_ids[0])
    assert attempt.call_id == "call-42" and attempt.operator == "kiem.thu"


def test_the_attempt_limit_is_edited_in_the_view(qtbot, view, survey_service) -> None:
    assert view.attempts_spin.value() == 3
    view.attempts_spin.setValue(5)
    view.attempts_spin.editingFinished.emit()
    qtbot.waitUntil(lambda: survey_service.policy().max_attempts == 5, timeout=5000)
