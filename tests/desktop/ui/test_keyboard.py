"""A whole shift by keyboard: the form's Tab order, where focus starts, Esc, F1 and keys that say why."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from uitest_support import draft

from desktop.domain.codes import Publication, Satisfaction, TicketStatus
from desktop.services.phone.callbacks import CallbackQueue
from desktop.ui.common.widgets import select_data
from desktop.ui.phone.callbacks_panel import CallbacksPanel
from desktop.ui.shell.dialogs import ShortcutsDialog
from desktop.ui.shell.translations import ts_path

READING_ORDER = [
    "phone",
    "citizen_name",
    "channel",
    "citizen_address",
    "received_at",
    "request_type",
    "level",
    "is_tthc",
    "tthc_code",
    "field_code",
    "unit_code",
    "status",
    "content",
    "answer",
    "satisfaction",
    "dissatisfaction_reason",
    "publication",
    "public_question",
    "public_answer",
    "newButton",
    "resolveButton",
    "saveButton",
]


def _stop_name(form, widget) -> str:  # type: ignore[no-untyped-def]
    """The form's name for the widget holding the focus (an editable combo's line edit is the combo)."""
    while widget is not None and widget is not form:
        name = widget.objectName()
        if name.endswith("Input"):
            return name.removesuffix("Input")
        if name in {"newButton", "resolveButton", "saveButton"}:
            return name
        widget = widget.parentWidget()
    return "?"


def test_the_window_opens_with_the_focus_in_the_phone_field(make_window):
    window = make_window()
    assert QApplication.focusWidget() is window.form.phone_edit


def test_tab_walks_the_form_in_reading_order_with_one_stop_for_the_date(qtbot, make_window):
    window = make_window()
    form = window.form
    form.tthc_check.setChecked(True)  # the procedure code is a stop once the ticket is about one
    select_data(form.satisfaction_combo, Satisfaction.DISSATISFIED)  # and the reason once dissatisfied
    select_data(form.publication_combo, Publication.PUBLIC)  # and the public texts once the citizen agreed
    form.phone_edit.setFocus()
    walked = [_stop_name(form, QApplication.focusWidget())]
    for _ in range(len(READING_ORDER) - 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        walked.append(_stop_name(form, QApplication.focusWidget()))
    assert walked == READING_ORDER


def test_escape_closes_the_supervisor_dashboard(qtbot, make_window):
    window = make_window()
    dashboard = window.supervisor.open_dashboard()
    assert dashboard is not None
    qtbot.waitExposed(dashboard)
    dashboard.activateWindow()
    qtbot.waitUntil(dashboard.isActiveWindow)
    qtbot.keyClick(dashboard, Qt.Key.Key_Escape)
    assert not dashboard.isVisible()


def test_escape_closes_the_survey_list_unless_an_answer_was_started(qtbot, make_window, ticket_service):
    ticket_service.create(draft(status=TicketStatus.RESOLVED, answer="Đã trả lời."))  # a survey is due
    window = make_window()
    surveys = window.supervisor.open_surveys()
    assert surveys is not None
    qtbot.waitExposed(surveys)
    qtbot.waitUntil(lambda: surveys.total == 1, timeout=10000)
    surveys.table.setFocus()
    qtbot.keyClick(surveys.table, Qt.Key.Key_2)  # dissatisfied: the reasons are asked
    assert surveys.reasons_label.isVisible()
    qtbot.keyClick(surveys.table, Qt.Key.Key_Escape)  # takes the answer back; the list stays
    assert surveys.isVisible() and not surveys.reasons_label.isVisible()
    qtbot.keyClick(surveys.table, Qt.Key.Key_Escape)
    assert not surveys.isVisible()
    assert not window.isHidden()


def test_f1_lists_the_keys_of_the_pop_up_the_wrap_up_and_the_queues(qtbot, make_window):
    window = make_window()
    dialog = ShortcutsDialog(window.shortcut_actions(), window)
    qtbot.addWidget(dialog)
    keys = {dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())}
    for wanted in ("Enter / F9", "Esc / F10", "↑ ↓ · F4", "1 … 5", "1 / 2 / 3 / 4", "H / T", "0 / 3"):
        assert wanted in keys


def test_keys_in_an_empty_callback_queue_say_why_nothing_happened(qtbot, store, runner):
    panel = CallbacksPanel(CallbackQueue(store, "kiem.thu"), runner)
    qtbot.addWidget(panel)
    panel.show()
    panel.reload()
    qtbot.waitUntil(lambda: panel.status_label.text() != "")
    loaded = panel.status_label.text()
    requested = []
    panel.call_requested.connect(requested.append)
    for key in (Qt.Key.Key_1, Qt.Key.Key_H, Qt.Key.Key_Return):
        panel.status_label.setText(loaded)
        qtbot.keyClick(panel, key)
        assert panel.status_label.text() not in {"", loaded}
    assert requested == []


def test_every_translated_access_key_can_be_typed_on_a_us_keyboard():
    root = ET.parse(ts_path("vi")).getroot()
    untypable = []
    for message in root.iter("message"):
        text = message.findtext("translation") or ""
        for key in re.findall(r"&(.)", text.replace("&&", "")):
            if not (key == " " or (key.isascii() and key.isalnum())):
                untypable.append(text)
    assert untypable == []
