"""A change saved elsewhere while a ticket is open in the form never costs the operator their edit."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from uitest_support import draft

from desktop.domain.codes import Satisfaction, TicketStatus
from desktop.services.supervisor.surveys import SurveyAnswer, SurveyService

CTRL = Qt.KeyboardModifier.ControlModifier


def _open(qtbot, window, ticket_id):  # type: ignore[no-untyped-def]
    window.form.open_ticket(ticket_id)
    qtbot.waitUntil(lambda: window.form.ticket is not None and window.form.ticket.id == ticket_id)


def test_a_survey_answered_meanwhile_is_merged_with_the_operators_edit(
    qtbot, type_text, make_window, ticket_service, store
):
    resolved = draft(
        status=TicketStatus.RESOLVED, answer="Đã hướng dẫn nộp hồ sơ tại UBND xã.", unit_code="tong-dai-1022"
    )
    ticket_id = ticket_service.create(resolved).id  # resolved, not rated yet: the survey is due
    window = make_window()
    form = window.form
    _open(qtbot, window, ticket_id)
    qtbot.keyClick(form.answer_edit, Qt.Key.Key_End, CTRL)
    type_text(form.answer_edit, " Đã gửi mẫu tờ khai qua Zalo.")
    SurveyService(store, "giam.sat").record(ticket_id, SurveyAnswer.satisfied())

    qtbot.keyClick(form.answer_edit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not form.is_saving)
    assert form.message[0] == "ok", form.message[1]
    stored = ticket_service.get(ticket_id).draft
    assert stored.answer.endswith("Đã gửi mẫu tờ khai qua Zalo.")
    assert stored.satisfaction is Satisfaction.SATISFIED
    assert form.satisfaction_combo.currentData() == Satisfaction.SATISFIED.value
    assert not form.is_dirty()


def test_the_same_field_changed_on_both_sides_keeps_the_operators_text_unsaved(
    qtbot, type_text, make_window, seeded, ticket_service
):
    ticket_id = seeded["other"]
    window = make_window()
    form = window.form
    _open(qtbot, window, ticket_id)
    qtbot.keyClick(form.content_edit, Qt.Key.Key_End, CTRL)
    type_text(form.content_edit, " Khu vực ấp 3.")
    elsewhere = ticket_service.get(ticket_id)
    ticket_service.update(
        ticket_id, replace(elsewhere.draft, content="Nước đục (giám sát sửa)"), elsewhere.version
    )

    qtbot.keyClick(form.content_edit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not form.is_saving)
    assert form.message[0] == "error"
    assert form.content_edit.toPlainText().endswith("Khu vực ấp 3.")
    assert form.is_dirty()
    assert ticket_service.get(ticket_id).draft.content == "Nước đục (giám sát sửa)"

    qtbot.keyClick(form.content_edit, Qt.Key.Key_S, CTRL)  # the operator looked and saves again
    qtbot.waitUntil(lambda: not form.is_saving and form.message[0] == "ok")
    stored = ticket_service.get(ticket_id)
    assert stored.draft.content.endswith("Khu vực ấp 3.")
    assert stored.draft.status is TicketStatus.IN_PROGRESS
