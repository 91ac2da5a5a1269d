"""The caller-history panel follows the phone field while it is typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import text
from uitest_support import KNOWN_NAME

from desktop.services.access_log import AccessLog


def test_history_fills_while_typing_a_known_number(qtbot, type_text, make_window, seeded):
    window = make_window()
    form, panel = window.form, window.history
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert form.phone_edit.hasFocus()

    type_text(form.phone_edit, "0912")
    qtbot.waitUntil(lambda: panel.suggestions.count() == 1)
    assert panel.suggestions.isVisible()
    assert KNOWN_NAME in panel.suggestions.item(0).text()

    type_text(form.phone_edit, " 345 678")
    qtbot.waitUntil(lambda: panel.current is not None)
    history = panel.current
    assert history.phone == "+84912345678"
    assert history.total_tickets == 2
    assert history.open_tickets == 1
    assert panel.repeat_badge.isVisible()
    assert KNOWN_NAME in panel.name_label.text()
    assert panel.ticket_ids() == [seeded["known_new"], seeded["known_old"]]
    assert not panel.suggestions.isVisible()


def test_clicking_a_history_ticket_opens_it(qtbot, type_text, make_window, seeded):
    window = make_window()
    form, panel = window.form, window.history
    type_text(form.phone_edit, "0912345678")
    qtbot.waitUntil(lambda: panel.tickets_view.topLevelItemCount() == 2)
    # the operator has typed a number only: nothing to lose, the ticket opens at once
    window.form.new_ticket()
    type_text(form.phone_edit, "0912345678")
    qtbot.waitUntil(lambda: panel.tickets_view.topLevelItemCount() == 2)
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert panel.tickets_view.hasFocus()
    qtbot.keyClick(panel.tickets_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.ticket is not None)
    assert form.ticket.id == seeded["known_new"]


def test_clicking_a_suggested_caller_fills_phone_and_name(qtbot, type_text, make_window, seeded):
    window = make_window()
    form, panel = window.form, window.history
    type_text(form.phone_edit, "0912 34")
    qtbot.waitUntil(lambda: panel.suggestions.count() == 1)
    item = panel.suggestions.item(0)
    rect = panel.suggestions.visualItemRect(item)
    qtbot.mouseClick(panel.suggestions.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert form.phone_edit.text() == "0912 345 678"
    assert form.name_edit.text() == KNOWN_NAME
    qtbot.waitUntil(lambda: panel.current is not None and panel.current.total_tickets == 2)


def test_unknown_number_shows_no_history(qtbot, type_text, make_window, seeded):
    window = make_window()
    panel = window.history
    type_text(window.form.phone_edit, "0399 999 999")
    qtbot.waitUntil(lambda: panel.current is not None)
    assert panel.current.total_tickets == 0
    assert panel.current.citizen is None
    assert not panel.repeat_badge.isVisible()


def test_each_caller_the_suggestions_show_is_on_the_access_record_once(
    qtbot, type_text, make_window, seeded, store
):
    window = make_window()
    form, panel = window.form, window.history
    type_text(form.phone_edit, "0912")
    qtbot.waitUntil(lambda: panel.suggestions.count() == 1)
    type_text(form.phone_edit, "3")  # refined: the same caller is still shown, not a new look
    qtbot.waitUntil(lambda: panel.suggestions.count() == 1 and "09123" in panel.name_label.text())
    assert AccessLog(store, "kiem.thu").flush()
    with store.engine.connect() as connection:
        looks = connection.execute(
            text("SELECT actor, subject, screen, reason FROM access_log WHERE screen = 'history_suggestions'")
        ).all()
    assert [tuple(look) for look in looks] == [("kiem.thu", "+84912345678", "history_suggestions", "search")]
