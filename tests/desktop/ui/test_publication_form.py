"""The form's publication choice (#17 point 5): the operator records whether the citizen agrees to publish
and rewrites the question and answer for the public page; a rewritten text that still names the citizen
is refused next to its field, and a resolved ticket the citizen agreed to publish needs both texts."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from desktop.domain.codes import Publication
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.store import models
from desktop.ui.common.widgets import select_data

CTRL = Qt.KeyboardModifier.ControlModifier
SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots" / "published"
QUESTION = "Hỏi lệ phí cấp đổi giấy phép lái xe hạng B2"
ANSWER = "Lệ phí 135.000 đồng, nộp tại Bộ phận một cửa hoặc Cổng dịch vụ công."


def fill_caller(form, type_text) -> None:  # type: ignore[no-untyped-def]
    type_text(form.phone_edit, "0912 345 678")
    type_text(form.name_edit, "Trần Thị Hạnh")
    type_text(form.address_edit, "Ấp 3, xã Mỹ Hiệp")
    type_text(form.content_edit, "Chị Hạnh hỏi lệ phí đổi bằng lái B2")
    type_text(form.answer_edit, "Đã hướng dẫn chị Hạnh lệ phí 135.000 đồng.")


def test_the_texts_for_the_public_are_written_only_once_the_citizen_agreed(make_window) -> None:  # type: ignore[no-untyped-def]
    form = make_window().form
    assert form.publication_combo.currentData() == Publication.NOT_ASKED
    assert not form.public_question_edit.isEnabled() and not form.public_answer_edit.isEnabled()
    select_data(form.publication_combo, Publication.PUBLIC)
    assert form.public_question_edit.isEnabled() and form.public_answer_edit.isEnabled()
    select_data(form.publication_combo, Publication.NOT_PUBLIC)
    assert not form.public_question_edit.isEnabled()


def test_the_choice_and_the_rewritten_texts_are_saved_with_history_and_outbox(
    qtbot, type_text, make_window, store
) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    form = window.form
    fill_caller(form, type_text)
    select_data(form.publication_combo, Publication.PUBLIC)
    type_text(form.public_question_edit, QUESTION)
    type_text(form.public_answer_edit, ANSWER)
    qtbot.keyClick(form.content_edit, Qt.Key.Key_Return, CTRL)  # resolve and save
    qtbot.waitUntil(lambda: form.ticket is not None and not form.is_dirty(), timeout=10000)
    assert form.message[0] != "error", form.message[1]
    saved = form.ticket
    assert saved is not None
    assert saved.draft.publication is Publication.PUBLIC
    assert (saved.draft.public_question, saved.draft.public_answer) == (QUESTION, ANSWER)
    with store.sessions() as session:
        payload = json.loads(
            session.scalar(
                select(models.OutboxMutation.payload).where(models.OutboxMutation.entity_id == saved.id)
            )
        )
        (history,) = session.scalars(
            select(models.TicketHistory.changes).where(models.TicketHistory.ticket_id == saved.id)
        ).all()
    assert (payload["publication"], payload["public_question"], payload["public_answer"]) == (
        "cong_khai",
        QUESTION,
        ANSWER,
    )
    assert "public_answer" in json.loads(history)

    form.new_ticket()
    form.open_ticket(saved.id)  # read back into the widgets as saved
    qtbot.waitUntil(lambda: form.public_answer_edit.toPlainText() == ANSWER, timeout=10000)
    assert form.publication_combo.currentData() == Publication.PUBLIC and form.public_answer_edit.isEnabled()
    assert not form.is_dirty()


def test_a_public_text_naming_the_citizen_is_refused_next_to_the_field_and_nothing_is_saved(
    qtbot, type_text, make_window, store
) -> None:  # type: ignore[no-untyped-def]
    form = make_window().form
    fill_caller(form, type_text)
    select_data(form.publication_combo, Publication.PUBLIC)
    type_text(form.public_question_edit, "Chị Trần Thị Hạnh hỏi lệ phí đổi giấy phép lái xe")
    type_text(form.public_answer_edit, "Gọi lại số 0912.345.678 báo lệ phí; CCCD 079188001234")
    qtbot.keyClick(form.content_edit, Qt.Key.Key_S, CTRL)
    errors = form.field_errors()
    assert "thông tin cá nhân" in errors["public_question"] and "thông tin cá nhân" in errors["public_answer"]
    assert form.error_labels["public_question"].isVisible()
    assert TicketQuery(store).count(TicketFilter()) == 0


def test_a_resolved_ticket_the_citizen_agreed_to_publish_needs_both_texts(
    qtbot, type_text, make_window, store
) -> None:  # type: ignore[no-untyped-def]
    form = make_window().form
    fill_caller(form, type_text)
    select_data(form.publication_combo, Publication.PUBLIC)
    type_text(form.public_question_edit, QUESTION)
    qtbot.keyClick(form.content_edit, Qt.Key.Key_Return, CTRL)
    errors = form.field_errors()
    assert set(errors) == {"public_answer"} and "Không công khai" in errors["public_answer"]
    assert TicketQuery(store).count(TicketFilter()) == 0
    select_data(form.publication_combo, Publication.NOT_PUBLIC)  # the citizen changed their mind
    qtbot.keyClick(form.content_edit, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: TicketQuery(store).count(TicketFilter()) == 1, timeout=10000)


def test_choosing_publication_on_an_office_screen_brings_the_texts_into_view(
    qtbot, qapp, type_text, make_window
) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.shell.style import apply_style
    from desktop.ui.shell.translations import install_translations, remove_translations

    sheet, font = qapp.styleSheet(), qapp.font()
    translators = install_translations(qapp)
    apply_style(qapp)
    try:
        window = make_window()
        window.resize(1366, 768 - 40)  # most provincial offices' screen, less Windows' taskbar
        form = window.form
        fill_caller(form, type_text)
        form.publication_combo.setFocus()
        area = form.scroll_area.viewport()
        assert not area.rect().contains(form.public_answer_edit.mapTo(area, QPoint(0, 0)))
        qtbot.keyClick(form.publication_combo, Qt.Key.Key_Down)  # Chưa hỏi → Đồng ý công khai
        assert form.publication_combo.currentData() == Publication.PUBLIC
        QApplication.processEvents()
        corner = form.public_answer_edit.mapTo(area, QPoint(0, form.public_answer_edit.height() - 1))
        assert area.rect().contains(corner), "the public texts need scrolling once chosen"
        type_text(form.public_question_edit, QUESTION)
        type_text(form.public_answer_edit, ANSWER)
        QApplication.processEvents()
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / "desk-form-1366x768.png"))
    finally:
        remove_translations(qapp, translators)
        qapp.setStyleSheet(sheet)
        qapp.setFont(font)
