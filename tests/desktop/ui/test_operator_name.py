"""Who is working: the server account when signed in, else a name chosen on the desk, never just "root"."""

from __future__ import annotations

import getpass
import json

from PySide6.QtWidgets import QDialogButtonBox

from desktop.settings import SETTINGS_FILENAME, Settings
from desktop.ui.operator_name import OperatorName


def test_a_desk_signed_in_to_the_server_works_under_the_server_account(data_dir):
    data_dir.mkdir(parents=True)
    Settings(operator="Lan", sync_server="https://may-chu:8022", sync_user="dtv.lan").save(data_dir)
    settings = Settings.load(data_dir)
    assert (settings.operator, settings.operator_source) == ("dtv.lan", "server")
    settings.save(data_dir)
    stored = json.loads((data_dir / SETTINGS_FILENAME).read_text(encoding="utf-8"))
    assert stored["operator"] == "Lan"  # the desk's own name survives, for when it signs out


def test_the_pc_login_stands_in_until_a_name_is_chosen_and_is_never_stored_as_one(data_dir):
    data_dir.mkdir(parents=True)
    settings = Settings.load(data_dir)
    assert (settings.operator, settings.operator_source) == (getpass.getuser(), "pc")
    settings.save(data_dir)
    assert json.loads((data_dir / SETTINGS_FILENAME).read_text(encoding="utf-8"))["operator"] == ""
    assert Settings.load(data_dir).operator_source == "pc"


def test_the_first_start_asks_the_name_and_keeps_it(qtbot, type_text, make_window, data_dir):
    window = make_window()
    settings = Settings.load(data_dir)
    operator = OperatorName(
        window, window.file_menu, window.operator_label, settings, lambda s: s.save(data_dir)
    )
    qtbot.waitUntil(lambda: operator.dialog is not None and operator.dialog.isVisible())
    assert window.isVisible()  # the question does not stop the desk
    assert "File" in window.operator_label.text() or "Tệp" in window.operator_label.text()
    line = operator.dialog.findChild(type(window.filter_bar.search_edit))
    type_text(line, "Nguyễn Thị Lan")
    operator.dialog.findChild(QDialogButtonBox).accepted.emit()
    qtbot.waitUntil(lambda: Settings.load(data_dir).operator == "Nguyễn Thị Lan")
    assert Settings.load(data_dir).operator_source == "setting"
    assert "Nguyễn Thị Lan" in window.operator_label.text()
    assert operator.action in window.file_menu.actions()


def test_a_desk_with_a_name_or_an_account_does_not_ask(qtbot, make_window, data_dir):
    window = make_window()
    data_dir.mkdir(parents=True, exist_ok=True)
    Settings(sync_server="https://may-chu:8022", sync_user="dtv.lan").save(data_dir)
    operator = OperatorName(
        window, window.file_menu, window.operator_label, Settings.load(data_dir), lambda s: s.save(data_dir)
    )
    qtbot.wait(50)
    assert operator.dialog is None
    assert "dtv.lan" in window.operator_label.text()
