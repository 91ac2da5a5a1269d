"""Who is working: the server account when signed in, else a name chosen on the desk, never just "root"."""

from __future__ import annotations

import getpass
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop.settings import SETTINGS_FILENAME, Settings
from desktop.ui.shell.operator_name import OperatorName


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


def _rename(qtbot, type_text, window, operator: OperatorName, name: str) -> None:  # type: ignore[no-untyped-def]
    operator.ask()
    qtbot.waitUntil(lambda: operator.dialog is not None and operator.dialog.isVisible())
    line = operator.dialog.findChild(type(window.filter_bar.search_edit))
    line.selectAll()
    type_text(line, name)
    operator.dialog.findChild(QDialogButtonBox).accepted.emit()


def test_a_new_name_is_written_from_the_next_ticket_on_without_a_restart(
    qtbot, type_text, make_window, data_dir, ticket_service
):
    window = make_window()  # its services started as "kiem.thu"
    data_dir.mkdir(parents=True, exist_ok=True)
    Settings(operator="kiem.thu").save(data_dir)
    operator = OperatorName(
        window,
        window.file_menu,
        window.operator_label,
        Settings.load(data_dir),
        lambda s: s.save(data_dir),
        window.operator,
    )
    _rename(qtbot, type_text, window, operator, "Trần Thị Mai")
    qtbot.waitUntil(lambda: window.operator.name == "Trần Thị Mai")
    assert "Trần Thị Mai" in window.operator_label.text()
    assert "kiem.thu" not in window.operator_label.text()  # no "from the next start"

    form = window.form
    type_text(form.phone_edit, "0912 345 678")
    type_text(form.content_edit, "Hỏi lịch tiếp công dân")
    qtbot.keyClick(form.content_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.ticket is not None)
    [(_at, actor, _action, _changes)] = ticket_service.history(form.ticket.id)
    assert actor == "Trần Thị Mai"
    assert Settings.load(data_dir).operator == "Trần Thị Mai"


def test_signing_in_while_the_desk_runs_puts_the_account_in_the_status_bar_at_once(
    qtbot, make_window, data_dir
):
    window = make_window()
    data_dir.mkdir(parents=True, exist_ok=True)
    Settings(operator="Lan").save(data_dir)
    settings = Settings.load(data_dir)
    operator = OperatorName(
        window, window.file_menu, window.operator_label, settings, lambda s: s.save(data_dir), window.operator
    )
    # what the sync desk does on a successful sign-in, then its after_sign_in hooks
    settings.sync_server, settings.sync_user = "https://may-chu:8022", "dtv.lan"
    operator.on_signed_in()
    assert window.operator.name == "dtv.lan"
    assert "dtv.lan" in window.operator_label.text()
    assert (
        "(server account)" in window.operator_label.text()
        or "tài khoản máy chủ" in window.operator_label.text()
    )
    settings.save(data_dir)
    stored = json.loads((data_dir / SETTINGS_FILENAME).read_text(encoding="utf-8"))
    assert stored["operator"] == "Lan"  # the desk's own name is kept for when it signs out


def test_the_sign_in_hook_is_wired_in_the_launch() -> None:
    import inspect

    from desktop.ui.shell import launch

    assert "after_sign_in.append(operator_name.on_signed_in)" in inspect.getsource(launch)
