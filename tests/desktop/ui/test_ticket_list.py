"""The lazy ticket list: pages on demand, filters that narrow it, navigation keys."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from sqlalchemy import select
from uitest_support import bulk_tickets

from desktop.domain.codes import TicketStatus
from desktop.services.tickets.query import TicketFilter
from desktop.store import models
from desktop.ui.tickets.model import COL_NAME, COL_UNIT, TicketTableModel

ALT = Qt.KeyboardModifier.AltModifier


def test_lazy_model_loads_a_page_then_more(qtbot, store, services, runner):
    bulk_tickets(store, 5000)
    model = TicketTableModel(services.query, runner, page_size=200)
    with qtbot.waitSignal(model.first_page_loaded, timeout=5000):
        model.set_filter(TicketFilter())
    assert model.rowCount() == 200
    assert model.canFetchMore(QModelIndex())
    # newest first
    assert model.row_at(0).code == "240101-BULK0-04999"
    with qtbot.waitSignal(model.page_loaded, timeout=5000):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 400
    assert model.row_at(399).code == "240101-BULK0-04600"
    # a second fetchMore while one is running starts nothing more
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: not model.is_loading)
    assert model.rowCount() == 600


def test_scrolling_the_view_fetches_more(qtbot, store, make_window):
    bulk_tickets(store, 5000)
    window = make_window()
    qtbot.waitUntil(lambda: window.model.rowCount() >= 50)
    first = window.model.rowCount()
    assert first < 5000
    qtbot.waitUntil(lambda: window.ticket_count == 5000)
    bar = window.table.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: window.model.rowCount() > first)
    assert window.model.rowCount() < 5000


def test_filter_change_drops_late_pages(qtbot, store, services, runner):
    bulk_tickets(store, 500)
    model = TicketTableModel(services.query, runner, page_size=100)
    model.set_filter(TicketFilter())
    model.set_filter(TicketFilter(statuses=frozenset({TicketStatus.RESOLVED})))
    runner.wait_for_done()
    qtbot.waitUntil(lambda: runner.pending == 0)
    assert model.rowCount() == 0
    assert not model.has_more


def test_filters_narrow_the_list(qtbot, type_text, make_window, seeded):
    window = make_window()
    bar, model = window.filter_bar, window.model
    qtbot.waitUntil(lambda: model.rowCount() == 3)

    bar.status_combo.setCurrentIndex(bar.status_combo.findData(TicketStatus.RESOLVED.value))
    qtbot.waitUntil(lambda: model.rowCount() == 1 and not model.is_loading)
    assert model.row_at(0).id == seeded["known_new"]
    qtbot.waitUntil(lambda: window.ticket_count == 1)
    bar.status_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: model.rowCount() == 3)

    qtbot.waitUntil(lambda: bar.unit_combo.count() > 10)
    bar.unit_combo.setCurrentIndex(bar.unit_combo.findData("ubnd-huyen-tan-hong"))
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.row_at(0).id == seeded["known_old"])
    bar.unit_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: model.rowCount() == 3)

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert bar.search_edit.hasFocus()
    type_text(bar.search_edit, "nuoc sinh hoat")
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.row_at(0).id == seeded["other"])
    qtbot.waitUntil(lambda: window.ticket_count == 1)
    qtbot.keyClick(bar.search_edit, Qt.Key.Key_Escape)
    assert bar.search_edit.text() == ""
    qtbot.waitUntil(lambda: model.rowCount() == 3)


def test_period_today_filter(qtbot, make_window, seeded):
    window = make_window()
    bar, model = window.filter_bar, window.model
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    bar.period_combo.setCurrentIndex(bar.period_combo.findData("7days"))
    qtbot.waitUntil(lambda: model.rowCount() == 3 and not model.is_loading)
    assert bar.from_date.isEnabled()
    spec = bar.current_filter()
    assert spec.received_from is not None and spec.received_to is not None
    bar.period_combo.setCurrentIndex(bar.period_combo.findData("last_month"))
    qtbot.waitUntil(lambda: not model.is_loading)


def test_alt_down_up_walk_the_list(qtbot, make_window, seeded):
    window = make_window()
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    qtbot.keyClick(window, Qt.Key.Key_Down, ALT)
    qtbot.waitUntil(lambda: window.form.ticket is not None)
    assert window.form.ticket.id == window.model.row_at(0).id
    qtbot.keyClick(window, Qt.Key.Key_Down, ALT)
    qtbot.waitUntil(lambda: window.form.ticket.id == window.model.row_at(1).id)
    qtbot.keyClick(window, Qt.Key.Key_Up, ALT)
    qtbot.waitUntil(lambda: window.form.ticket.id == window.model.row_at(0).id)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)


def test_a_long_unit_or_caller_name_cut_by_its_column_shows_whole_on_hover(qtbot, make_window, seeded):
    window = make_window()
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    model = window.model
    row = model.row_of(seeded["known_old"])
    tip = Qt.ItemDataRole.ToolTipRole
    assert model.data(model.index(row, COL_UNIT), tip) == "UBND huyện Tân Hồng"
    assert model.data(model.index(row, COL_NAME), tip) == "Nguyễn Văn An"
    no_unit = model.row_of(seeded["other"])
    assert model.data(model.index(no_unit, COL_UNIT), tip) is None  # nothing to show, no empty tip
    history = window.history
    history.on_form_phone_changed("0912345678")
    qtbot.waitUntil(lambda: history.tickets_view.topLevelItemCount() == 2)
    units = [history.tickets_view.topLevelItem(i).toolTip(3) for i in range(2)]
    assert "UBND huyện Tân Hồng" in units


def test_a_ticket_opened_from_elsewhere_becomes_the_lists_row_only_when_loaded(qtbot, store, make_window):
    """Opened by a callback or the caller history: its loaded row is selected (Alt+↓ goes on from it);
    one not in the loaded pages leaves no other ticket highlighted and loads no page to find it."""
    bulk_tickets(store, 500)
    window = make_window()
    qtbot.waitUntil(lambda: window.model.rowCount() >= 50 and not window.model.is_loading)
    loaded = window.model.rowCount()
    assert loaded < 500
    with store.sessions.begin() as session:
        oldest = session.scalar(select(models.Ticket.id).where(models.Ticket.code == "240101-BULK0-00000"))
    tenth = window.model.row_at(10)
    assert tenth is not None

    window.open_ticket(tenth.id)
    qtbot.waitUntil(lambda: window.form.ticket is not None and window.form.ticket.id == tenth.id)
    assert window.table.currentIndex().row() == 10
    window.next_action.trigger()  # Alt+↓
    qtbot.waitUntil(lambda: window.form.ticket is not None and window.form.ticket.id != tenth.id)
    assert window.table.currentIndex().row() == 11

    window.open_ticket(str(oldest))
    qtbot.waitUntil(lambda: window.form.ticket is not None and window.form.ticket.id == oldest)
    assert not window.table.currentIndex().isValid()
    assert not window.table.selectionModel().hasSelection()
    assert window.model.rowCount() == loaded
