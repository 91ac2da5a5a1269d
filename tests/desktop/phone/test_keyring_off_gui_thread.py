"""The saved SIP password is read from the keyring on a worker: a slow or locked keyring (a Secret Service
waiting for its unlock prompt) never freezes the window, and a desk stopped meanwhile starts nothing.

Through the lab's real Kamailio, offscreen Qt, a keyring in memory that answers only when released."""

from __future__ import annotations

import threading

from memory_keyring import MemoryKeyring

from desktop.services.phone.sip_password import SipPasswordStore


class LockedKeyring(MemoryKeyring):
    """Answers a read only once `unlocked` is set, and remembers on which thread it was asked."""

    def __init__(self) -> None:
        super().__init__()
        self.unlocked = threading.Event()
        self.read_on: list[threading.Thread] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.read_on.append(threading.current_thread())
        self.unlocked.wait(10)
        return super().get_password(service, username)


def locked_copy_of(desk) -> LockedKeyring:  # type: ignore[no-untyped-def]
    keyring = LockedKeyring()
    keyring.secrets = dict(desk.keyring.secrets)
    desk.phone.passwords = SipPasswordStore(keyring)
    return keyring


def test_a_locked_keyring_does_not_freeze_the_window_and_the_phone_registers_once_it_answers(
    qtbot, make_desk, kamailio
):
    desk = make_desk(kamailio, start=False)
    keyring = locked_copy_of(desk)
    desk.phone.start()  # returns at once: the keyring has not answered yet
    qtbot.waitUntil(lambda: keyring.read_on != [])
    assert keyring.read_on[0] is not threading.main_thread()
    assert desk.phone.agent is None
    desk.window.form.phone_edit.setText("0912 345 678")  # the window still answers the operator
    keyring.unlocked.set()
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)


def test_a_desk_closed_while_the_keyring_is_locked_starts_no_phone(qtbot, make_desk, kamailio):
    desk = make_desk(kamailio, start=False)
    keyring = locked_copy_of(desk)
    desk.phone.start()
    qtbot.waitUntil(lambda: keyring.read_on != [])
    desk.phone.stop()
    keyring.unlocked.set()
    desk.runner.wait_for_done(10000)
    qtbot.wait(300)
    assert desk.phone.agent is None


def test_the_account_dialog_opens_before_a_locked_keyring_answers_then_says_the_password_is_kept(qtbot):
    from desktop.settings import Settings
    from desktop.ui.common.tasks import TaskRunner
    from desktop.ui.phone.sip_settings_dialog import SipSettingsDialog

    keyring = LockedKeyring()
    SipPasswordStore(keyring).set("10.0.0.5", "101", "mat-khau-may-le")  # saved at an earlier session
    passwords = SipPasswordStore(keyring)
    runner = TaskRunner()
    dialog = SipSettingsDialog(Settings(sip_server="10.0.0.5", sip_extension="101"), passwords, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: keyring.read_on != [])
    assert keyring.read_on[0] is not threading.main_thread()
    assert dialog.password_edit.placeholderText() == "the extension's password"
    keyring.unlocked.set()
    qtbot.waitUntil(lambda: dialog.password_edit.placeholderText() == "(unchanged)")
    assert dialog._edited()[1] == "mat-khau-may-le"  # OK and Test use the password read at opening
    runner.wait_for_done(5000)


class LockedForWrites(MemoryKeyring):
    """Keeps a password only once `unlocked` is set; remembers on which thread each call came."""

    def __init__(self) -> None:
        super().__init__()
        self.unlocked = threading.Event()
        self.used_on: list[threading.Thread] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.used_on.append(threading.current_thread())
        self.unlocked.wait(10)
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.used_on.append(threading.current_thread())
        self.unlocked.wait(10)
        super().set_password(service, username, password)


def test_ok_in_the_account_dialog_writes_the_password_on_a_worker_and_closes_once_it_is_kept(qtbot):
    from desktop.settings import Settings
    from desktop.ui.common.tasks import TaskRunner
    from desktop.ui.phone.sip_settings_dialog import SipSettingsDialog

    keyring = LockedForWrites()
    runner = TaskRunner()
    settings = Settings()
    dialog = SipSettingsDialog(settings, SipPasswordStore(keyring), runner)
    qtbot.addWidget(dialog)
    dialog.server_edit.setText("10.0.0.5")
    dialog.extension_edit.setText("101")
    dialog.password_edit.setText("mat-khau-may-le")
    dialog.on_buttons_accepted()  # returns at once: the keyring asks to be unlocked
    qtbot.waitUntil(lambda: keyring.used_on != [])
    assert keyring.used_on[0] is not threading.main_thread()
    assert dialog.result() != dialog.DialogCode.Accepted and not dialog.buttons.isEnabled()
    keyring.unlocked.set()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    assert dialog.session_password is None and settings.sip_extension == "101"
    assert SipPasswordStore(keyring).get("10.0.0.5", "101") == "mat-khau-may-le"
    runner.wait_for_done(5000)


def test_another_account_without_a_typed_password_is_looked_up_on_a_worker(qtbot):
    from desktop.settings import Settings
    from desktop.ui.common.tasks import TaskRunner
    from desktop.ui.phone.sip_settings_dialog import SipSettingsDialog

    keyring = LockedForWrites()
    keyring.unlocked.set()
    SipPasswordStore(keyring).set("10.0.0.5", "102", "mat-khau-may-102")  # saved at an earlier session
    keyring.unlocked.clear()
    keyring.used_on.clear()
    runner = TaskRunner()
    dialog = SipSettingsDialog(Settings(), SipPasswordStore(keyring), runner)
    qtbot.addWidget(dialog)
    dialog.server_edit.setText("10.0.0.5")
    dialog.extension_edit.setText("102")  # another extension, its password not typed
    dialog.on_buttons_accepted()
    qtbot.waitUntil(lambda: keyring.used_on != [])
    assert keyring.used_on[0] is not threading.main_thread()
    keyring.unlocked.set()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    assert dialog.session_password == "mat-khau-may-102"
    runner.wait_for_done(5000)


def test_the_phone_desk_finds_the_system_keyring_on_a_worker_even_without_an_account(
    qtbot, store, tmp_path, monkeypatch
):
    import desktop.services.phone.sip_password as phone_secrets
    from desktop.desk import Desk
    from desktop.settings import Settings
    from desktop.ui.common.tasks import TaskRunner
    from desktop.ui.phone.desk import install_phone
    from desktop.ui.shell.main_window import MainWindow
    from desktop.ui.tickets.form import UnsavedChoice

    found_on: list[threading.Thread] = []
    keyring = MemoryKeyring()

    def slow_system_keyring() -> MemoryKeyring:  # finding Secret Service asks D-Bus: it may take a while
        found_on.append(threading.current_thread())
        return keyring

    monkeypatch.setattr(phone_secrets, "default_backend", slow_system_keyring)
    runner = TaskRunner()
    opened = Desk.open(store, "kiem.thu", page_size=50)
    window = MainWindow(opened, None, runner, lambda _w: UnsavedChoice.DISCARD)
    qtbot.addWidget(window)
    phone = install_phone(window, opened, Settings(operator="kiem.thu"), tmp_path, runner)
    try:
        runner.wait_for_done(5000)
        assert found_on and threading.main_thread() not in found_on
        assert phone.passwords.persistent  # the keyring it found keeps the password
    finally:
        phone.stop()
        runner.wait_for_done(10000)
        opened.close()
