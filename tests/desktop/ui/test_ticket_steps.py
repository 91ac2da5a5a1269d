"""The ticket list by step: received, with a unit (its working days left, red once late), returned by the
unit (its reason on the form, forwarded again with Ctrl+Shift+U), answered by the unit, called back, done;
the days left count the holiday catalog as the pull brings it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolButton
from test_callback_answer import unit_answer_pulled

from desktop.domain.clock import now_vn
from desktop.domain.codes import Level, Satisfaction, TicketStatus
from desktop.domain.ticket import TicketDraft
from desktop.domain.ticket_step import TicketStep
from desktop.services.catalogs import CatalogService
from desktop.services.phone.callbacks import CallbackQueue
from desktop.services.phone.codes import AttemptOutcome, CallbackKind
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.rows import ticket_snapshot
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.store.local import LocalStore
from desktop.sync.apply import apply_page
from desktop.ui.tickets.model import COL_CODE, COL_NAME, COL_RECEIVED, COL_STEP, OVERDUE_COLOUR
from protocol import Change

SHOTS = Path("build/screenshots/steps")
SHIFT = Qt.KeyboardModifier.ShiftModifier
UNIT = "ubnd-huyen-tan-hong"
NOT_OURS = "Không thuộc thẩm quyền của huyện; đề nghị chuyển Sở Xây dựng."


def unit_return_pulled(store: LocalStore, ticket_id: str, reason: str) -> None:
    """The server's edit of the ticket when the unit returns it, as the pull applies it."""
    with store.engine.connect() as connection:
        row = connection.execute(models.Ticket.__table__.select().where(models.Ticket.id == ticket_id)).one()
    fields = ticket_snapshot(row._mapping)
    fields.update(
        return_reason=reason,
        updated_by="don-vi:ubnd.tanhong",
        updated_at=now_vn().isoformat(),
        created_by=row.created_by,
        created_at=row.created_at.isoformat(),
    )
    change = Change(cursor=1, entity="ticket", entity_id=ticket_id, version=row.version + 1, fields=fields)
    apply_page(store, [change], cursor=1)


def listed(window) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Code -> the step column's text, for the rows the list shows."""
    model = window.model
    return {
        model.index(row, COL_CODE).data(): model.index(row, COL_STEP).data()
        for row in range(model.rowCount())
    }


def choose_step(qtbot, window, step: TicketStep | None) -> None:  # type: ignore[no-untyped-def]
    combo = window.filter_bar.step_combo
    index = 0 if step is None else combo.findData(step)
    assert index >= 0
    with qtbot.waitSignal(window.model.first_page_loaded, timeout=5000):
        combo.setCurrentIndex(index)


def test_the_list_filters_by_step_and_shows_a_units_working_days_left(
    qtbot, store: LocalStore, make_window, vietnamese
) -> None:
    tickets, now = TicketService(store, "kiem.thu"), now_vn()

    def make(content: str, level: Level, unit: str | None = UNIT, days_ago: int = 0, **more) -> str:  # type: ignore[no-untyped-def]
        draft = TicketDraft(
            content=content,
            phone="0912 345 678",
            level=level,
            unit_code=unit,
            received_at=now - timedelta(days=days_ago),
            **more,
        )
        return tickets.create(draft).id

    received = make("Hỏi giờ làm việc bộ phận một cửa", Level.ONE, unit=None)
    fresh = make("Đèn đường ấp Tân Hòa hư", Level.THREE)
    late = make("Trạm y tế xã đóng cửa giờ trưa", Level.TWO, days_ago=30)
    answered = make("Hồ sơ đất đai trễ hạn", Level.THREE, days_ago=3)
    called = make("Nước sinh hoạt bị đục", Level.TWO, days_ago=4)
    done = make(
        "Hỏi thủ tục khai sinh", Level.ONE, unit=None, status=TicketStatus.RESOLVED, answer="Đã hướng dẫn."
    )
    returned = make("Xin phép sửa chữa nhà ở", Level.TWO, days_ago=2)
    unit_answer_pulled(store, answered, "Đơn vị đã kiểm tra, hồ sơ trả trong tuần.")
    unit_return_pulled(store, returned, NOT_OURS)
    unit_answer_pulled(store, called, "Công ty cấp nước đã súc rửa đường ống.")
    queue = CallbackQueue(store, "kiem.thu")
    queue.sync_from_tickets()  # two answers ready (and the resolved ticket's survey)
    ready = next(item for item in queue.pending() if item.ticket_id == called)
    queue.record_attempt(ready.id, AttemptOutcome.REACHED)  # the citizen heard the answer
    code = {
        ticket_id: tickets.get(ticket_id).code
        for ticket_id in (received, fresh, late, returned, answered, called, done)
    }

    window = make_window()
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.model.rowCount() == 7)
    assert window.width() == 1366  # the step filter fits the filter bar of a 1366 px screen
    rows = listed(window)
    assert rows[code[received]] == "Tiếp nhận"
    calendar = CatalogService(store).work_calendar()
    # level 3: 5 working days after the day it came in (on a day off: from the next working day)
    left = 5 if calendar.is_working_day(now.date()) else 6
    assert rows[code[fresh]] == f"Còn {left} ngày · Đã chuyển đơn vị"  # the days first: seen even when cut
    assert rows[code[late]].startswith("Quá hạn ") and rows[code[late]].endswith(" ngày · Đã chuyển đơn vị")
    assert rows[code[returned]] == "Đơn vị trả lại"  # no days left: no unit has it
    assert rows[code[answered]] == "Đơn vị đã trả lời"
    assert rows[code[called]] == "Đã gọi lại"
    assert rows[code[done]] == "Hoàn thành"

    late_row = window.model.row_of(late)
    late_cell = window.model.index(late_row, COL_STEP)
    assert late_cell.data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE_COLOUR
    assert late_cell.data(Qt.ItemDataRole.FontRole).bold()
    header_tip = window.model.headerData(COL_STEP, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "ngày làm việc" in header_tip
    fresh_cell = window.model.index(window.model.row_of(fresh), COL_STEP)
    assert fresh_cell.data(Qt.ItemDataRole.ForegroundRole) is None

    assert [window.filter_bar.step_combo.itemText(i) for i in range(8)] == [
        "Tất cả",
        "Tiếp nhận",
        "Đã chuyển đơn vị",
        "Đơn vị trả lại",
        "Đơn vị đã trả lời",
        "Đã gọi lại",
        "Hoàn thành",
        "Đã khảo sát",
    ]
    expected = {
        TicketStep.RECEIVED: {received},
        TicketStep.FORWARDED: {fresh, late},
        TicketStep.RETURNED: {returned},
        TicketStep.UNIT_ANSWERED: {answered},
        TicketStep.CALLED_BACK: {called},
        TicketStep.DONE: {done},
    }
    for step, ids in expected.items():
        choose_step(qtbot, window, step)
        assert set(listed(window)) == {code[ticket_id] for ticket_id in ids}, step
        if step is TicketStep.FORWARDED:
            SHOTS.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(SHOTS / "ticket-list-forwarded-1366x768.png"))

    choose_step(qtbot, window, None)
    assert len(listed(window)) == 7
    window.grab().save(str(SHOTS / "ticket-list-steps-1366x768.png"))

    # A holiday the province announces later (pulled into the catalog) is a day less to answer in
    next_working_day = calendar.add_working_days(now.date(), 1)
    holiday = Change(
        cursor=2,
        entity="holiday",
        entity_id=next_working_day.isoformat(),
        version=1,
        fields={"name": "Nghỉ bù", "is_working_day": False},
    )
    apply_page(store, [holiday], cursor=2)
    with qtbot.waitSignal(window.model.first_page_loaded, timeout=5000):
        window.model.reload()
    assert listed(window)[code[fresh]] == f"Còn {left - 1} ngày · Đã chuyển đơn vị"


def test_an_answer_ready_not_yet_reached_is_still_answered_not_called_back(
    qtbot, store: LocalStore, make_window
) -> None:
    tickets = TicketService(store, "kiem.thu")
    ticket = tickets.create(
        TicketDraft(content="Hỏi tiến độ cấp sổ đỏ", phone="0912 345 679", level=Level.THREE, unit_code=UNIT)
    )
    unit_answer_pulled(store, ticket.id, "Sở đã ký, trả hồ sơ thứ Sáu.")
    queue = CallbackQueue(store, "kiem.thu")
    queue.sync_from_tickets()
    ready = next(item for item in queue.pending() if item.kind is CallbackKind.ANSWER_READY)
    queue.record_attempt(ready.id, AttemptOutcome.NO_ANSWER)  # tried, the citizen did not pick up
    window = make_window()
    choose_step(qtbot, window, TicketStep.CALLED_BACK)
    assert listed(window) == {}
    choose_step(qtbot, window, TicketStep.UNIT_ANSWERED)
    assert list(listed(window).values()) == ["Đơn vị đã trả lời"]


def test_a_returned_ticket_shows_the_units_reason_and_can_be_forwarded_again(
    qtbot, store: LocalStore, make_window, services, runner, vietnamese
) -> None:
    from desktop.ui.tickets.forward_dialog import FORWARD_SHORTCUT, install_forwarding

    tickets = TicketService(store, "kiem.thu")
    ticket = tickets.create(
        TicketDraft(content="Xin phép sửa chữa nhà ở", phone="0912 345 670", level=Level.TWO, unit_code=UNIT)
    )
    unit_return_pulled(store, ticket.id, NOT_OURS)
    assert tickets.get(ticket.id).return_reason == NOT_OURS
    window = make_window()
    forward = install_forwarding(window, None, services.catalogs, runner)
    choose_step(qtbot, window, TicketStep.RETURNED)
    assert list(listed(window).values()) == ["Đơn vị trả lại"]
    with qtbot.waitSignal(window.form.ticket_loaded, timeout=5000):
        window.open_ticket(ticket.id)
    label = window.form.returned_label
    qtbot.waitUntil(label.isVisible)
    assert NOT_OURS in label.text() and "Ctrl+Shift+U" in label.text()
    assert label.text().startswith("Đơn vị trả lại phiếu:")
    assert forward.isEnabled() and forward.shortcut().toString() == FORWARD_SHORTCUT
    on_form = window.form.findChild(QToolButton, "forwardActionButton")  # "Chuyển đơn vị" on the form too
    assert on_form is not None and on_form.isVisible() and on_form.isEnabled()
    assert on_form.defaultAction() is forward and on_form in window.form.tab_chain()
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "returned-ticket-1366x768.png"))

    window.form.new_ticket()
    assert not label.isVisible()  # a new ticket was never returned
    assert not on_form.isEnabled()  # nothing saved to forward yet


def test_an_operators_own_note_in_the_answer_field_is_no_units_answer(store: LocalStore) -> None:
    tickets = TicketService(store, "kiem.thu")
    note = "Đã hẹn công dân: đơn vị sẽ trả lời trong 5 ngày làm việc."
    ticket = tickets.create(
        TicketDraft(
            content="Hỏi tiến độ giải quyết hồ sơ đất đai",
            phone="0912 345 671",
            level=Level.TWO,
            unit_code=UNIT,
            answer=note,  # what the operator told the citizen while the unit has the ticket
        )
    )
    rows = TicketQuery(store).page(TicketFilter()).rows
    (row,) = [row for row in rows if row.id == ticket.id]
    assert row.step is TicketStep.FORWARDED
    assert row.deadline is not None and row.days_left is not None  # still counting the unit's days
    answered = TicketQuery(store).page(TicketFilter(steps=frozenset({TicketStep.UNIT_ANSWERED}))).rows
    assert answered == []
    queue = CallbackQueue(store, "kiem.thu")
    queue.sync_from_tickets()
    assert [item for item in queue.pending() if item.kind is CallbackKind.ANSWER_READY] == []


def every_row(qtbot, window) -> list:  # type: ignore[no-untyped-def]
    """The list's rows once every page is fetched (the model reads a page at a time)."""
    model = window.model
    while model.has_more:
        with qtbot.waitSignal(model.page_loaded, timeout=5000):
            model.fetchMore()
    return [model.row_at(row) for row in range(model.rowCount())]


def click_header(qtbot, window, column: int) -> None:  # type: ignore[no-untyped-def]
    header = window.table.horizontalHeader()
    at = QPoint(
        header.sectionViewportPosition(column) + header.sectionSize(column) // 2, header.height() // 2
    )
    with qtbot.waitSignal(window.model.first_page_loaded, timeout=5000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)


def test_a_click_on_the_step_header_sorts_by_days_left_overdue_first_across_pages(
    qtbot, store: LocalStore, services, make_window, vietnamese
) -> None:
    tickets, now = TicketService(store, "kiem.thu"), now_vn()

    def make(content: str, level: Level, days_ago: int, unit: str | None = UNIT, **more) -> str:  # type: ignore[no-untyped-def]
        draft = TicketDraft(content=content, phone="0912 345 678", level=level, unit_code=unit,
                            received_at=now - timedelta(days=days_ago), **more)  # fmt: skip
        return tickets.create(draft).id

    very_late = make("Cống thoát nước bị nghẹt", Level.TWO, days_ago=40)
    late = make("Trạm y tế xã đóng cửa giờ trưa", Level.TWO, days_ago=20)
    soon = make("Đèn đường ấp Tân Hòa hư", Level.TWO, days_ago=1)
    later = make("Hồ sơ đất đai trễ hạn", Level.FOUR, days_ago=0)
    received = make("Hỏi giờ làm việc bộ phận một cửa", Level.ONE, days_ago=0, unit=None)
    surveyed = make("Hỏi thủ tục khai sinh", Level.ONE, days_ago=3, unit=None, status=TicketStatus.RESOLVED,
                    answer="Đã hướng dẫn.", satisfaction=Satisfaction.SATISFIED)  # fmt: skip
    done = make("Hỏi thủ tục kết hôn", Level.ONE, days_ago=2, unit=None, status=TicketStatus.RESOLVED,
                answer="Đã hướng dẫn.")  # fmt: skip
    forwarded = [very_late, late, soon, later]
    window = make_window(replace(services, page_size=2))  # pages of two: the order holds across pages
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.model.rowCount() > 0)
    assert [row.id for row in every_row(qtbot, window)][:2] == [received, later]  # newest first

    click_header(qtbot, window, COL_STEP)
    rows = every_row(qtbot, window)
    assert [row.id for row in rows][:4] == forwarded  # overdue first, then the fewest days left
    left = [row.days_left for row in rows[:4]]
    assert left == sorted(left) and left[0] < left[1] < 0 <= left[2] < left[3]
    assert {row.id for row in rows[4:]} == {received, surveyed, done}  # no unit, no days left: after
    header = window.table.horizontalHeader()
    assert header.sortIndicatorSection() == COL_STEP
    overdue = window.model.index(0, COL_STEP)
    visible = window.table.visualRect(overdue).intersected(window.table.viewport().rect())
    shown_days = overdue.data().split(" · ")[0]  # "Quá hạn 25 ngày": whole within the visible part
    assert window.table.fontMetrics().horizontalAdvance(shown_days) * 1.15 + 8 < visible.width()
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "ticket-list-by-days-left-1366x768.png"))

    click_header(qtbot, window, COL_STEP)  # again: the most days left first, the others still after
    assert [row.id for row in every_row(qtbot, window)][:4] == forwarded[::-1]

    with qtbot.waitSignal(window.model.first_page_loaded, timeout=5000):  # by keyboard: newest first
        qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | SHIFT)
    assert [row.id for row in every_row(qtbot, window)][:2] == [received, later]
    assert not window.days_left_action.isChecked()
    with qtbot.waitSignal(window.model.first_page_loaded, timeout=5000):  # and by days left again
        qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | SHIFT)
    assert [row.id for row in every_row(qtbot, window)][:4] == forwarded
    assert window.days_left_action.isChecked() and header.sortIndicatorSection() == COL_STEP
    assert window.days_left_action in window.shortcut_actions()  # F1 lists it

    click_header(qtbot, window, COL_NAME)  # a column the list cannot sort by: back to newest first
    assert header.sortIndicatorSection() == COL_RECEIVED
    assert [row.id for row in every_row(qtbot, window)][:2] == [received, later]

    choose_step(qtbot, window, TicketStep.SURVEYED)  # resolved, then surveyed: the last step
    assert [row.id for row in every_row(qtbot, window)] == [surveyed]
    assert listed(window)[tickets.get(surveyed).code] == "Đã khảo sát"
    choose_step(qtbot, window, TicketStep.DONE)
    assert [row.id for row in every_row(qtbot, window)] == [done]
