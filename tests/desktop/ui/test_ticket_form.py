"""The ticket form driven by keystrokes: create, validate, edit, resolve, save errors."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import event

from desktop.domain.codes import HistoryAction, Level, TicketStatus
from desktop.services.bundle import DeskServices
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.store.errors import StoreError
from desktop.ui.tickets.model import COL_CODE

CTRL = Qt.KeyboardModifier.ControlModifier


def test_create_ticket_by_keystrokes_and_ctrl_s(qtbot, type_text, make_window, store):
    window = make_window()
    form = window.form
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert form.phone_edit.hasFocus()
    type_text(form.phone_edit, "0912 345 678")
    type_text(form.name_edit, "Nguyễn Thị Lan")
    type_text(form.content_edit, "Hỏi thủ tục cấp lại căn cước công dân")
    qtbot.keyClick(form.content_edit, Qt.Key.Key_2, CTRL)
    type_text(form.unit_combo.lineEdit(), "tan hong")
    popup = form.unit_combo.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.unit_combo.currentData() == "ubnd-huyen-tan-hong"
    qtbot.keyClick(form.content_edit, Qt.Key.Key_S, CTRL)

    query = TicketQuery(store)
    qtbot.waitUntil(lambda: query.count(TicketFilter()) == 1)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    row = window.model.row_at(0)
    assert row.phone == "+84912345678"
    assert row.citizen_name == "Nguyễn Thị Lan"
    assert row.level is Level.TWO
    assert row.unit_name == "UBND huyện Tân Hồng"
    assert form.ticket is not None and form.ticket.code == row.code
    assert not form.is_dirty()
    qtbot.waitUntil(lambda: window.table.currentIndex().row() == 0)
    qtbot.waitUntil(lambda: window.ticket_count == 1)


def test_empty_content_and_garbage_phone_show_errors_and_write_nothing(qtbot, type_text, make_window, store):
    window = make_window()
    form = window.form
    type_text(form.phone_edit, "12ab")
    qtbot.keyClick(form.phone_edit, Qt.Key.Key_S, CTRL)
    errors = form.field_errors()
    assert set(errors) >= {"phone", "content"}
    assert form.error_labels["phone"].isVisible()
    assert form.phone_edit.property("invalid") is True
    assert form.content_edit.property("invalid") is True
    assert form.phone_edit.hasFocus()  # the first bad field
    assert form.message[0] == "error"
    assert TicketQuery(store).count(TicketFilter()) == 0
    assert form.phone_edit.text() == "12ab"
    # fixing the fields clears the errors on the next save
    form.phone_edit.clear()
    type_text(form.phone_edit, "0912345678")
    type_text(form.content_edit, "Hỏi giờ làm việc")
    qtbot.keyClick(form.content_edit, Qt.Key.Key_S, CTRL)
    assert form.field_errors() == {}
    qtbot.waitUntil(lambda: TicketQuery(store).count(TicketFilter()) == 1)


def test_edit_then_resolve_writes_history(qtbot, type_text, make_window, seeded, ticket_service):
    window = make_window()
    form = window.form
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    row = window.model.row_of(seeded["other"])
    window.table.setFocus()
    window.table.setCurrentIndex(window.model.index(row, COL_CODE))
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.ticket is not None and form.ticket.id == seeded["other"])
    assert form.content_edit.toPlainText() == "Nước sinh hoạt bị đục có mùi lạ"

    type_text(form.address_edit, "Xã Tân Hồng")
    assert form.is_dirty()
    qtbot.keyClick(form.address_edit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: form.ticket.version == 2 or form.message[0] == "error")
    assert form.message[0] != "error", form.message[1]

    type_text(form.answer_edit, "Đã chuyển Công ty cấp nước kiểm tra.")
    qtbot.keyClick(form.answer_edit, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: form.ticket.version == 3)
    stored = ticket_service.get(seeded["other"])
    assert stored.draft.status is TicketStatus.RESOLVED
    assert stored.draft.citizen_address == "Xã Tân Hồng"
    actions = [action for _at, _who, action, _changes in ticket_service.history(seeded["other"])]
    assert actions == [HistoryAction.CREATED, HistoryAction.UPDATED, HistoryAction.RESOLVED]
    # the list was refreshed and still selects the saved ticket
    qtbot.waitUntil(
        lambda: (
            window.model.row_of(seeded["other"]) >= 0
            and window.table.currentIndex().row() == window.model.row_of(seeded["other"])
        )
    )
    assert window.model.row_at(window.model.row_of(seeded["other"])).status is TicketStatus.RESOLVED


def test_resolve_without_answer_is_refused_next_to_the_answer(
    qtbot, type_text, make_window, seeded, ticket_service
):
    window = make_window()
    form = window.form
    window.open_ticket(seeded["other"])
    qtbot.waitUntil(lambda: form.ticket is not None)
    qtbot.keyClick(form.content_edit, Qt.Key.Key_Return, CTRL)
    assert "answer" in form.field_errors()
    assert form.answer_edit.hasFocus()
    assert ticket_service.get(seeded["other"]).version == 1


class FailingTickets:
    """A ticket service whose store refuses every write."""

    def __init__(self, real) -> None:  # type: ignore[no-untyped-def]
        self._real = real

    def deadline_for(self, received, level):  # type: ignore[no-untyped-def]
        return self._real.deadline_for(received, level)

    def get(self, ticket_id):  # type: ignore[no-untyped-def]
        return self._real.get(ticket_id)

    def create(self, draft):  # type: ignore[no-untyped-def]
        raise StoreError("Ổ đĩa đã đầy nên chưa lưu được.")

    def update(self, ticket_id, draft, expected_version):  # type: ignore[no-untyped-def]
        raise StoreError("Ổ đĩa đã đầy nên chưa lưu được.")


def test_save_error_is_shown_and_typed_text_kept(
    qtbot, type_text, make_window, services, ticket_service, store
):
    failing = DeskServices(
        operator=services.operator,
        query=services.query,
        history=services.history,
        catalogs=services.catalogs,
        make_tickets=lambda: FailingTickets(ticket_service),
        page_size=services.page_size,
    )
    window = make_window(failing)
    form = window.form
    type_text(form.phone_edit, "0912345678")
    type_text(form.content_edit, "Phản ánh ổ gà trên đường Nguyễn Huệ")
    with qtbot.waitSignal(form.save_failed, timeout=5000):
        qtbot.keyClick(form.content_edit, Qt.Key.Key_S, CTRL)
    kind, text = form.message
    assert kind == "error"
    assert "Ổ đĩa đã đầy" in text
    assert form.content_edit.toPlainText() == "Phản ánh ổ gà trên đường Nguyễn Huệ"
    assert form.phone_edit.text() == "0912345678"
    assert form.is_dirty()
    assert form.save_action.isEnabled()
    assert TicketQuery(store).count(TicketFilter()) == 0


def test_read_only_store_save_error_keeps_text(qtbot, type_text, make_window, store):
    """A real store that refuses writes (SQLite query_only, as a read-only folder would)."""
    window = make_window()
    form = window.form
    type_text(form.phone_edit, "0912345678")
    type_text(form.content_edit, "Hỏi lịch tiếp công dân")

    def read_only(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA query_only=ON")

    event.listen(store.engine, "connect", read_only)
    store.engine.dispose()
    with qtbot.waitSignal(form.save_failed, timeout=8000):
        qtbot.keyClick(form.content_edit, Qt.Key.Key_S, CTRL)
    assert form.message[0] == "error"
    assert form.content_edit.toPlainText() == "Hỏi lịch tiếp công dân"
    assert form.phone_edit.text() == "0912345678"
    assert form.ticket is None
    assert form.is_dirty()
    event.remove(store.engine, "connect", read_only)
    store.engine.dispose()
    assert TicketQuery(store).count(TicketFilter()) == 0


def test_dissatisfaction_reason_enabled_only_when_dissatisfied(qtbot, type_text, make_window):
    window = make_window()
    form = window.form
    assert not form.reason_combo.isEnabled()
    form.satisfaction_combo.setCurrentIndex(form.satisfaction_combo.findText("Không hài lòng"))
    assert form.reason_combo.isEnabled()
    form.satisfaction_combo.setCurrentIndex(0)
    assert not form.reason_combo.isEnabled()


def test_deadline_follows_level_live(qtbot, type_text, make_window):
    window = make_window()
    form = window.form
    level_one = form.deadline_label.text()
    qtbot.keyClick(form.phone_edit, Qt.Key.Key_4, CTRL)
    assert form.level_combo.currentData() == 4
    assert form.deadline_label.text() != level_one


def test_dirty_guard_cancel_keeps_the_form(qtbot, type_text, make_window, seeded):
    from desktop.ui.tickets.form import UnsavedChoice

    asked = []

    def cancel(_parent):  # type: ignore[no-untyped-def]
        asked.append(True)
        return UnsavedChoice.CANCEL

    window = make_window(confirm=cancel)
    form = window.form
    type_text(form.content_edit, "Đang gõ dở")
    window.open_ticket(seeded["other"])
    qtbot.keyClick(form.content_edit, Qt.Key.Key_N, CTRL)
    assert len(asked) == 2
    assert form.ticket is None
    assert form.content_edit.toPlainText() == "Đang gõ dở"
    QApplication.processEvents()


def test_an_unlisted_number_is_saved_with_a_visible_warning_and_found_by_history(
    qtbot, type_text, make_window, store
):
    window = make_window()
    form = window.form
    qtbot.keyClick(window, Qt.Key.Key_F2)
    type_text(form.phone_edit, "0892 000 111")
    assert form.phone_warning.isVisibleTo(form)
    assert "chưa có trong danh bạ nhà mạng" in form.phone_warning.text()
    type_text(form.content_edit, "Hỏi lịch tiếp công dân")
    qtbot.keyClick(form.content_edit, Qt.Key.Key_S, CTRL)
    query = TicketQuery(store)
    qtbot.waitUntil(lambda: query.count(TicketFilter()) == 1)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.row_at(0).phone == "+84892000111"
    form.phone_edit.setText("0912 345 678")
    assert not form.phone_warning.isVisibleTo(form)
    form.phone_edit.setText("0892 000 111")
    panel = window.history
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.phone == "+84892000111", timeout=5000)
    assert panel.current.total_tickets == 1


def test_a_resolved_ticket_without_a_unit_is_refused_and_the_operators_text_kept(
    qtbot, type_text, make_window, store, ticket_service
):
    window = make_window()
    form = window.form
    type_text(form.phone_edit, "0912 345 678")
    type_text(form.content_edit, "Hỏi giờ làm việc của bộ phận một cửa")
    type_text(form.answer_edit, "Đã hướng dẫn: sáng 7g30, chiều 13g30.")
    form.status_combo.setFocus()
    qtbot.keyClick(form.status_combo, Qt.Key.Key_Down)
    assert form.status_combo.currentData() == TicketStatus.RESOLVED.value
    qtbot.keyClick(form.status_combo, Qt.Key.Key_S, CTRL)

    assert "unit_code" in form.field_errors()
    assert "Tổng đài 1022" in form.field_errors()["unit_code"]  # says what to choose
    assert form.error_labels["unit_code"].isVisible()
    assert form.message[0] == "error"
    assert TicketQuery(store).count(TicketFilter()) == 0
    assert form.content_edit.toPlainText() == "Hỏi giờ làm việc của bộ phận một cửa"
    assert form.answer_edit.toPlainText() == "Đã hướng dẫn: sáng 7g30, chiều 13g30."
    assert form.is_dirty()

    type_text(form.unit_combo.lineEdit(), "Tổng đài 1022")
    qtbot.keyClick(form.unit_combo.lineEdit(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: form.ticket is not None)  # the save came back to the form
    assert TicketQuery(store).count(TicketFilter()) == 1
    assert form.field_errors() == {}
    assert ticket_service.get(form.ticket.id).draft.unit_code == "tong-dai-1022"


def test_resolving_a_level_one_ticket_with_no_unit_names_the_hotline(
    qtbot, type_text, make_window, seeded, ticket_service
):
    window = make_window()
    form = window.form
    window.open_ticket(seeded["other"])  # level 1, no unit yet
    qtbot.waitUntil(lambda: form.ticket is not None)
    type_text(form.answer_edit, "Đã hướng dẫn người dân gọi Công ty cấp nước.")
    qtbot.keyClick(form.answer_edit, Qt.Key.Key_Return, CTRL)  # "Resolved"
    qtbot.waitUntil(lambda: form.ticket.version == 2 or form.message[0] == "error")
    assert form.message[0] != "error", form.message[1]
    stored = ticket_service.get(seeded["other"]).draft
    assert (stored.status, stored.unit_code) == (TicketStatus.RESOLVED, "tong-dai-1022")
    assert form.unit_combo.currentText() == "Tổng đài 1022"  # shown, not only stored
