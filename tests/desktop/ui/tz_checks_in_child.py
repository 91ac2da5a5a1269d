"""Run by test_pc_time_zone.py in a child whose zone is set by TZ: form, list, history keep Vietnam time."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt

from desktop.domain.clock import VN_TZ, now_vn, to_vn
from desktop.services.tickets.query import TicketFilter, TicketQuery

CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_new_ticket_is_received_now_in_vietnam_time(qtbot, type_text, make_window, store):
    window = make_window()
    form = window.form
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    shown = form.received_edit.dateTime().toString("yyyy-MM-dd HH:mm")
    this_minute = now_vn()
    assert shown in {f"{this_minute:%Y-%m-%d %H:%M}", f"{this_minute - timedelta(minutes=1):%Y-%m-%d %H:%M}"}
    type_text(form.phone_edit, "0912 345 678")
    type_text(form.content_edit, "Hỏi giờ làm việc của bộ phận một cửa")
    qtbot.keyClick(form.content_edit, Qt.Key.Key_S, CTRL)
    query = TicketQuery(store)
    qtbot.waitUntil(lambda: query.count(TicketFilter()) == 1)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    received = to_vn(window.model.row_at(0).received_at)
    assert abs(received - now_vn()) < timedelta(minutes=2)


def test_a_stored_time_is_shown_and_kept_as_vietnam_time(qtbot, type_text, make_window, ticket_service):
    from uitest_support import draft

    at_1725 = datetime(2026, 3, 8, 17, 25, tzinfo=VN_TZ)
    before_dawn = datetime(2026, 3, 8, 2, 30, tzinfo=VN_TZ)  # a DST gap of the US zones that night
    for moment in (at_1725, before_dawn):
        ticket = ticket_service.create(draft(content="Hỏi về cấp phép xây dựng", received_at=moment))
        window = make_window()
        form = window.form
        form.open_ticket(ticket.id)
        qtbot.waitUntil(
            lambda form=form, ticket=ticket: form.ticket is not None and form.ticket.id == ticket.id
        )
        assert form.received_edit.dateTime().toString("dd/MM/yyyy HH:mm") == moment.strftime("%d/%m/%Y %H:%M")
        type_text(form.content_edit, " gấp")
        qtbot.keyClick(form.content_edit, Qt.Key.Key_S, CTRL)
        qtbot.waitUntil(lambda ticket=ticket: ticket_service.get(ticket.id).version > ticket.version)
        assert to_vn(ticket_service.get(ticket.id).draft.received_at) == moment


def test_the_list_filter_ends_today_in_vietnam(make_window):
    window = make_window()
    today = now_vn().date()
    assert window.filter_bar.to_date.date().toPython() == today


def test_the_list_and_the_caller_history_show_vietnam_time(qtbot, type_text, make_window, ticket_service):
    from uitest_support import draft

    from desktop.ui.tickets.model import COL_RECEIVED

    at_1725 = datetime(2026, 3, 8, 17, 25, tzinfo=VN_TZ)
    ticket_service.create(draft(phone="0912 345 678", content="Hỏi lịch tiếp công dân", received_at=at_1725))
    window = make_window()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.index(0, COL_RECEIVED).data() == "08/03/2026 17:25"
    type_text(window.form.phone_edit, "0912345678")
    qtbot.waitUntil(lambda: window.history.tickets_view.topLevelItemCount() == 1)
    assert window.history.tickets_view.topLevelItem(0).text(0) == "08/03/2026 17:25"
