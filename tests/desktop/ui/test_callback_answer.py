"""Calling a citizen back with a unit's answer: the answer the pull brought is on screen, under the queue,
read-only and wrapped, while the operator reads it out; other callbacks show no answer box."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from desktop.changes import ChangeHub
from desktop.domain.clock import now_vn
from desktop.domain.codes import Level
from desktop.domain.ticket import TicketDraft
from desktop.services.phone.callbacks import CallbackQueue
from desktop.services.phone.codes import AttemptOutcome, CallbackKind
from desktop.services.tickets.rows import ticket_snapshot
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.store.local import LocalStore
from desktop.sync.apply import apply_page
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.callbacks_panel import CallbacksPanel
from protocol import Change

SHOTS = Path("build/screenshots/steps")
ANSWER = (
    "Trạm y tế xã Tân Hòa mở cửa lại từ thứ Hai 07/12, làm việc cả giờ trưa từ 7 giờ đến 17 giờ. "
    "Người dân mang theo thẻ bảo hiểm y tế và căn cước công dân khi đến khám. " * 8
).strip()


def unit_answer_pulled(store: LocalStore, ticket_id: str, answer: str) -> None:
    """The server's edit of the ticket by the unit's account, as the pull applies it."""
    with store.engine.connect() as connection:
        row = connection.execute(models.Ticket.__table__.select().where(models.Ticket.id == ticket_id)).one()
    fields = ticket_snapshot(row._mapping)
    fields.update(
        answer=answer,
        unit_answered_at=now_vn().isoformat(),  # the server stamps the moment with the answer
        updated_by="don-vi:yte.tanhoa",
        updated_at=now_vn().isoformat(),
        created_by=row.created_by,
        created_at=row.created_at.isoformat(),
    )
    change = Change(cursor=1, entity="ticket", entity_id=ticket_id, version=row.version + 1, fields=fields)
    apply_page(store, [change], cursor=1)


def test_an_answer_ready_shows_the_units_answer_while_the_operator_calls_back(
    qtbot, store: LocalStore, runner: TaskRunner, vietnamese
) -> None:
    tickets = TicketService(store, "kiem.thu")
    forwarded = tickets.create(
        TicketDraft(
            content="Trạm y tế xã đóng cửa giờ trưa",
            phone="0912 345 678",
            citizen_name="Trần Thị Mai",
            level=Level.TWO,
            unit_code="ubnd-huyen-tan-hong",
            received_at=now_vn() - timedelta(days=2),
        )
    )
    queue = CallbackQueue(store, "kiem.thu")
    queue.enqueue(CallbackKind.MISSED, "0901 222 333", due_at=now_vn() - timedelta(hours=1))
    unit_answer_pulled(store, forwarded.id, ANSWER)

    panel = CallbacksPanel(queue, runner)
    qtbot.addWidget(panel)
    panel.resize(420, 600)  # about the side panel at 1366x768
    panel.show()
    panel.reload()
    qtbot.waitUntil(lambda: len(panel.items) == 2)

    missed = next(item for item in panel.items if item.kind is CallbackKind.MISSED)
    ready = next(item for item in panel.items if item.kind is CallbackKind.ANSWER_READY)
    assert panel.current() == missed  # the missed call is the most overdue
    assert panel.answer_view.isHidden()  # a missed call has no answer to read

    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Down)  # the operator moves to the answer ready
    assert panel.current() == ready

    shown: QPlainTextEdit = panel.answer_view
    assert shown.isVisible()
    assert shown.toPlainText() == ANSWER
    assert shown.isReadOnly()
    assert shown.lineWrapMode() is QPlainTextEdit.LineWrapMode.WidgetWidth
    assert panel.answer_label.text() == "Trả lời của đơn vị, để đọc cho công dân:"
    qtbot.waitUntil(lambda: shown.verticalScrollBar().maximum() > 0)  # a long answer scrolls, whole
    assert shown.horizontalScrollBar().maximum() == 0  # and wraps: no line runs off the side
    SHOTS.mkdir(parents=True, exist_ok=True)
    panel.grab().save(str(SHOTS / "callback-answer-panel.png"))

    with qtbot.waitSignal(panel.call_requested) as calling:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # call back: the answer stays on screen
    assert calling.args == [ready]
    assert shown.isVisible() and shown.toPlainText() == ANSWER

    qtbot.keyClick(panel.view, Qt.Key.Key_Up)
    assert panel.answer_view.isHidden()


def test_an_answer_ready_without_an_answer_says_so(
    qtbot, store: LocalStore, runner: TaskRunner, vietnamese
) -> None:
    tickets = TicketService(store, "kiem.thu")
    ticket = tickets.create(
        TicketDraft(
            content="Hỏi tiến độ cấp sổ đỏ",
            phone="0912 345 679",
            level=Level.THREE,
            unit_code="ubnd-huyen-tan-hong",
        )
    )
    queue = CallbackQueue(store, "kiem.thu")
    queue.enqueue(CallbackKind.ANSWER_READY, "0912 345 679", ticket_id=ticket.id)
    panel = CallbacksPanel(queue, runner)
    qtbot.addWidget(panel)
    panel.show()
    panel.reload()
    qtbot.waitUntil(lambda: len(panel.items) == 1)
    assert panel.answer_label.isVisible()
    assert "chưa có nội dung trả lời" in panel.answer_label.text()
    assert panel.answer_view.toPlainText() == ""


def test_in_the_desk_at_1366x768_the_answer_has_room_beside_the_form(
    qtbot, store: LocalStore, runner: TaskRunner, make_window, vietnamese
) -> None:
    ticket = TicketService(store, "kiem.thu").create(
        TicketDraft(content="Trạm y tế xã đóng cửa giờ trưa", phone="0912 345 678", level=Level.TWO,
                    unit_code="ubnd-huyen-tan-hong")
    )  # fmt: skip
    unit_answer_pulled(store, ticket.id, ANSWER)
    window = make_window()
    window.resize(1366, 768)
    panel = CallbacksPanel(CallbackQueue(store, "kiem.thu"), runner, window)
    window.side_tabs.addTab(panel, "Gọi lại")  # as the phone desk adds it
    window.side_tabs.setCurrentWidget(panel)
    panel.reload()
    qtbot.waitUntil(lambda: panel.answer_view.isVisible())
    assert panel.answer_view.width() >= 250 and panel.answer_view.height() >= 120
    view = panel.view
    assert view.horizontalScrollBar().maximum() == 0  # every column in the side panel, no scrolling
    for column in range(view.columnCount()):
        if column != 3:  # "Why" elides, whole on hover; the others show their heading and values whole
            heading = view.headerItem().text(column)
            assert view.columnWidth(column) >= view.header().fontMetrics().horizontalAdvance(heading), heading
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "callback-answer-1366x768.png"))


def test_a_digit_after_the_phone_recorded_the_call_does_not_mark_the_next_citizen_called_back(
    qtbot, store: LocalStore, runner: TaskRunner, vietnamese
) -> None:
    tickets = TicketService(store, "kiem.thu")
    first, second = (
        tickets.create(
            TicketDraft(
                content=content,
                phone=phone,
                level=Level.TWO,
                unit_code="ubnd-huyen-tan-hong",
                received_at=now_vn() - timedelta(days=days),
            )
        )
        for content, phone, days in (("Đèn đường hư", "0912 345 601", 3), ("Nước đục", "0912 345 602", 2))
    )
    unit_answer_pulled(store, first.id, "Đã thay bóng đèn.")
    unit_answer_pulled(store, second.id, "Đã súc rửa đường ống.")
    queue = CallbackQueue(store, "kiem.thu")
    panel = CallbacksPanel(queue, runner)
    qtbot.addWidget(panel)
    panel.show()
    panel.reload()
    qtbot.waitUntil(lambda: len(panel.items) == 2)
    called = panel.current()
    assert called is not None and called.ticket_id == first.id
    panel.view.setFocus()
    with qtbot.waitSignal(panel.call_requested):
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    queue.record_attempt(called.id, AttemptOutcome.REACHED)  # the desk's phone: the citizen answered
    panel.reload()
    qtbot.waitUntil(lambda: len(panel.items) == 1)
    waiting = panel.current()
    assert waiting is not None and waiting.ticket_id == second.id

    qtbot.keyClick(panel.view, Qt.Key.Key_1)  # "1 reached", out of habit, after the phone's own record
    runner.wait_for_done()
    assert queue.get(waiting.id).attempts == 0  # the next citizen was not called: nothing recorded
    assert tickets.get(second.id).called_back_at is None
    assert panel.status_label.text().startswith("Chưa ghi: chưa gọi 0912 345 602")

    with qtbot.waitSignal(panel.call_requested):  # called on another phone (the desk's is not connected)
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    qtbot.keyClick(panel.view, Qt.Key.Key_2)  # no answer: recorded for this one
    qtbot.waitUntil(lambda: queue.get(waiting.id).attempts == 1, timeout=5000)
    assert queue.get(waiting.id).last_outcome is AttemptOutcome.NO_ANSWER


def test_an_answer_pulled_while_the_queue_is_on_screen_shows_in_it_at_once(
    qtbot, store: LocalStore, runner: TaskRunner, vietnamese
) -> None:
    ticket = TicketService(store, "kiem.thu").create(
        TicketDraft(
            content="Trạm y tế xã đóng cửa giờ trưa",
            phone="0912 345 603",
            level=Level.TWO,
            unit_code="ubnd-huyen-tan-hong",
        )
    )
    hub = ChangeHub()
    panel = CallbacksPanel(CallbackQueue(store, "kiem.thu"), runner)
    panel.follow(hub)
    qtbot.addWidget(panel)
    panel.show()
    panel.reload()
    qtbot.waitUntil(lambda: panel.status_label.text() != "")
    assert panel.items == []

    with store.engine.connect() as connection:
        row = connection.execute(models.Ticket.__table__.select().where(models.Ticket.id == ticket.id)).one()
    fields = ticket_snapshot(row._mapping)
    fields.update(answer=ANSWER, unit_answered_at=now_vn().isoformat(), updated_by="don-vi:yte.tanhoa",
                  updated_at=now_vn().isoformat(), created_by=row.created_by,
                  created_at=row.created_at.isoformat())  # fmt: skip
    page = apply_page(store, [Change(cursor=1, entity="ticket", entity_id=ticket.id, version=row.version + 1,
                                     fields=fields)], cursor=1)  # fmt: skip
    hub.publish(page.changes())  # what the desk's sync listener publishes for the pulled page

    qtbot.waitUntil(lambda: len(panel.items) == 1, timeout=5000)  # no Refresh, no Ctrl+B needed
    assert panel.items[0].kind is CallbackKind.ANSWER_READY
    assert panel.answer_view.isVisible() and panel.answer_view.toPlainText() == ANSWER
