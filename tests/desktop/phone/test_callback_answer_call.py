"""Calling a citizen back with a unit's answer, on the real switchboard (Kamailio, a sipp callee): while the
call is up the answer is on screen beside the form, whole and uncovered by any other window; when the
citizen hung up, the called-back step is on the ticket and the wrap-up closes with one key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop.domain.clock import now_vn
from desktop.domain.codes import Level, TicketStatus
from desktop.domain.ticket import TicketDraft
from desktop.services.phone.codes import AttemptOutcome, CallbackKind, CallbackStatus
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.rows import ticket_snapshot
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.store.local import LocalStore
from desktop.sync.apply import apply_page
from desktop.ui.shell.translations import install_translations, remove_translations
from desktop.ui.tickets.form import UnsavedChoice
from protocol import Change

NO_KEYS = Qt.KeyboardModifier.NoModifier
SHOTS = Path("build/screenshots/steps")
ANSWER = (
    "UBND xã Tân Hòa đã cho sửa đèn đường ấp Tân Hòa ngày 04/12; từ nay đèn sáng từ 18 giờ đến 5 giờ sáng. "
    "Nếu đèn còn hỏng, người dân báo trưởng ấp hoặc gọi lại Tổng đài 1022."
)


@pytest.fixture
def vietnamese(qapp: object) -> Iterator[None]:
    translators = install_translations(qapp)  # type: ignore[arg-type]
    yield
    remove_translations(qapp, translators)  # type: ignore[arg-type]


def unit_answer_pulled(store: LocalStore, ticket_id: str, answer: str) -> None:
    """The server's edit of the ticket by the unit's account, as the pull applies it."""
    with store.engine.connect() as connection:
        row = connection.execute(models.Ticket.__table__.select().where(models.Ticket.id == ticket_id)).one()
    fields = ticket_snapshot(row._mapping)
    fields.update(
        answer=answer,
        unit_answered_at=now_vn().isoformat(),
        updated_by="don-vi:ubnd.tanhoa",
        updated_at=now_vn().isoformat(),
        created_by=row.created_by,
        created_at=row.created_at.isoformat(),
    )
    change = Change(cursor=1, entity="ticket", entity_id=ticket_id, version=row.version + 1, fields=fields)
    apply_page(store, [change], cursor=1)


def global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())


def windows_over(widget: QWidget) -> list[str]:
    """The other visible top-level windows that cover part of `widget` (a pop-up, a dialog)."""
    mine = widget.window()
    area = global_rect(widget)
    return [
        other.objectName() or type(other).__name__
        for other in QApplication.topLevelWidgets()
        if other is not mine and other.isVisible() and other.frameGeometry().intersects(area)
    ]


def test_the_units_answer_stays_on_screen_during_the_call_and_the_called_back_step_follows(
    qtbot, make_desk, kamailio, sipp, store, vietnamese
) -> None:
    ticket = TicketService(store, "kiem.thu").create(
        TicketDraft(
            content="Đèn đường ấp Tân Hòa hư",
            phone="0907 654 321",
            citizen_name="Trần Thị Mai",
            level=Level.TWO,
            unit_code="ubnd-huyen-tan-hong",
            received_at=now_vn() - timedelta(days=2),
        )
    )
    unit_answer_pulled(store, ticket.id, ANSWER)
    desk = make_desk(kamailio, user="1003", record=False)
    desk.window.resize(1366, 768)
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)
    trunk = sipp.uas("uas_trunk_bye.xml", kamailio.trunk_port, "-d", "4000")  # the citizen talks 4 s
    desk.phone.focus_callbacks()  # Ctrl+B
    panel = desk.phone.callbacks
    qtbot.waitUntil(lambda: panel.current() is not None, timeout=5000)
    ready = panel.current()
    assert ready is not None and ready.kind is CallbackKind.ANSWER_READY and ready.ticket_id == ticket.id

    qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # call back
    controls = desk.phone.controls
    qtbot.waitUntil(lambda: controls.isVisible() and controls.keypad.isEnabled(), timeout=8000)  # connected
    answer = panel.answer_view
    assert desk.window.side_tabs.currentWidget() is panel
    assert answer.isVisible() and answer.toPlainText() == ANSWER
    assert answer.visibleRegion().boundingRect() == answer.rect()  # no sibling widget covers part of it
    assert answer.height() >= 80 and answer.width() >= 250
    assert answer.verticalScrollBar().maximum() == 0  # this answer is read whole, without scrolling
    assert windows_over(answer) == []  # nor a dialog or a pop-up
    desk.window.sync_label.setText("Đồng bộ: trực tuyến · 3 chờ gửi · lúc 12:55 06/12")  # a working desk's
    QApplication.processEvents()
    cut = [
        label.text()
        for label in controls.findChildren(QLabel)
        if label.isVisible() and not label.wordWrap() and label.width() < label.sizeHint().width()
    ]
    assert cut == []  # the call bar's words are whole: who, how long, no headset, not encrypted
    SHOTS.mkdir(parents=True, exist_ok=True)
    desk.window.grab().save(str(SHOTS / "callback-answer-during-the-call-1366x768.png"))

    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=15000)  # the citizen hung up
    assert trunk.wait(10) == 0, trunk.output()
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_Return)  # one key closes the call's record
    assert desk.session.flush()
    callback = desk.session.callbacks.get(ready.id)
    assert (callback.status, callback.last_outcome) == (CallbackStatus.DONE, AttemptOutcome.REACHED)
    called = TicketService(store, "kiem.thu").get(ticket.id)
    assert called.called_back_at is not None  # the called-back step, synced like any edit


def test_calling_back_from_the_queue_opens_its_ticket_on_the_form_after_asking_about_the_typing(
    qtbot, make_desk, kamailio, sipp, store, vietnamese
) -> None:
    """After the call the operator resolves the ticket on the form, without looking for it in the list;
    a new ticket half typed is asked about first, as when any other ticket opens (Hủy calls no one)."""
    service = TicketService(store, "kiem.thu")
    ticket = service.create(
        TicketDraft(
            content="Đèn đường ấp Tân Hòa hư",
            phone="0907 654 321",
            citizen_name="Trần Thị Mai",
            level=Level.TWO,
            unit_code="ubnd-huyen-tan-hong",
            received_at=now_vn() - timedelta(days=2),
        )
    )
    unit_answer_pulled(store, ticket.id, ANSWER)
    answers = [UnsavedChoice.CANCEL, UnsavedChoice.SAVE]
    asked: list[UnsavedChoice] = []

    def operator_answers(_form: object) -> UnsavedChoice:
        asked.append(answers.pop(0))
        return asked[-1]

    desk = make_desk(kamailio, user="1003", record=False, confirm_unsaved=operator_answers)
    desk.window.resize(1366, 768)
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)
    form = desk.window.form
    typed = "Hỏi giờ làm việc của bộ phận một cửa"
    qtbot.keyClicks(form.phone_edit, "0912345678")
    for letter in typed:  # key by key: QTest.keyClicks knows only Latin-1 keys
        QTest.sendKeyEvent(QTest.KeyAction.Click, form.content_edit, Qt.Key.Key_unknown, letter, NO_KEYS)
    desk.phone.focus_callbacks()  # Ctrl+B
    panel = desk.phone.callbacks
    qtbot.waitUntil(lambda: panel.current() is not None, timeout=5000)

    qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # call back; the form asks; Hủy
    assert asked == [UnsavedChoice.CANCEL]
    qtbot.wait(500)
    assert desk.phone.active_call is None and not desk.phone.controls.isVisible()  # no one called
    assert form.ticket is None and form.content_edit.toPlainText() == typed

    trunk = sipp.uas("uas_trunk_bye.xml", kamailio.trunk_port, "-d", "3000")
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # again; Lưu
    assert asked == [UnsavedChoice.CANCEL, UnsavedChoice.SAVE]
    controls = desk.phone.controls
    qtbot.waitUntil(lambda: controls.isVisible() and controls.keypad.isEnabled(), timeout=8000)  # connected
    qtbot.waitUntil(lambda: form.ticket is not None and form.ticket.id == ticket.id, timeout=5000)
    assert form.content_edit.toPlainText() == "Đèn đường ấp Tân Hòa hư"
    assert form.name_edit.text() == "Trần Thị Mai"
    saved = TicketQuery(store).page(TicketFilter(text="một cửa")).rows
    assert [row.phone for row in saved] == ["+84912345678"]  # the typed ticket was saved, not lost
    qtbot.wait(500)  # the caller history of the opened ticket has loaded: a repeat caller (her ticket)
    assert desk.window.history.current is not None and desk.window.history.current.is_repeat_caller
    assert desk.window.side_tabs.currentWidget() is panel  # the answer stays on screen during the call
    assert panel.answer_view.isVisible() and panel.answer_view.toPlainText() == ANSWER
    SHOTS.mkdir(parents=True, exist_ok=True)
    desk.window.grab().save(str(SHOTS / "callback-opens-its-ticket-1366x768.png"))

    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=15000)  # the citizen hung up
    assert trunk.wait(10) == 0, trunk.output()
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_Return)
    assert desk.session.flush()
    qtbot.waitUntil(lambda: service.get(ticket.id).called_back_at is not None, timeout=5000)
    assert form.ticket is not None and form.ticket.id == ticket.id  # still on the form after the call
    assert form.resolve_and_save()  # the answer was given: resolved from the form at once
    qtbot.waitUntil(lambda: service.get(ticket.id).draft.status is TicketStatus.RESOLVED, timeout=5000)
    resolved = service.get(ticket.id)
    assert resolved.called_back_at is not None and resolved.draft.answer == ANSWER


def test_calling_back_from_the_queue_moves_the_lists_row_to_its_ticket_so_alt_down_goes_on_from_it(
    qtbot, make_desk, kamailio, sipp, store, vietnamese
) -> None:
    """The list and the form agree on the ticket called back, during the call and after its wrap-up
    changed the ticket: Alt+↓ then opens the ticket below it, not the one below the row chosen before."""
    service = TicketService(store, "kiem.thu")

    def ticket(content: str, phone: str, days_ago: int) -> str:
        draft = TicketDraft(
            content=content,
            phone=phone,
            level=Level.TWO,
            unit_code="ubnd-huyen-tan-hong",
            received_at=now_vn() - timedelta(days=days_ago),
        )
        return service.create(draft).id

    newest = ticket("Hỏi lịch tiêm chủng", "0912 111 222", 1)
    called = ticket("Đèn đường ấp Tân Hòa hư", "0907 654 321", 2)
    oldest = ticket("Cống thoát nước bị nghẹt", "0913 333 444", 3)
    unit_answer_pulled(store, called, ANSWER)
    desk = make_desk(kamailio, user="1003", record=False)
    window = desk.window
    qtbot.waitUntil(lambda: window.sip_label.property("registration") == "ok", timeout=8000)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=5000)

    def listed() -> str | None:
        row = window.model.row_at(window.table.currentIndex().row())
        return row.id if row is not None else None

    window.next_action.trigger()  # Alt+↓: the operator was on the newest ticket
    qtbot.waitUntil(lambda: window.form.ticket is not None and window.form.ticket.id == newest, timeout=5000)
    assert listed() == newest
    trunk = sipp.uas("uas_trunk_bye.xml", kamailio.trunk_port, "-d", "2000")
    desk.phone.focus_callbacks()  # Ctrl+B
    panel = desk.phone.callbacks
    qtbot.waitUntil(lambda: panel.current() is not None, timeout=5000)

    qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # call back
    qtbot.waitUntil(lambda: window.form.ticket is not None and window.form.ticket.id == called, timeout=8000)
    assert listed() == called
    assert window.table.selectionModel().isRowSelected(window.model.row_of(called))

    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=15000)  # the citizen hung up
    assert trunk.wait(10) == 0, trunk.output()
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_Return)
    assert desk.session.flush()
    qtbot.waitUntil(lambda: service.get(called).called_back_at is not None, timeout=5000)
    assert listed() == called  # still, after the call changed the ticket

    window.next_action.trigger()  # Alt+↓
    qtbot.waitUntil(lambda: window.form.ticket is not None and window.form.ticket.id == oldest, timeout=5000)
    assert listed() == oldest
