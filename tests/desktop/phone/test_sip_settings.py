"""SIP account settings against the real registrar: test connection, keyring or session-only password."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services.phone_secrets import SERVICE, SipPasswordStore
from desktop.settings import Settings
from desktop.ui.phone_audio import MediaDevices
from desktop.ui.sip_settings_dialog import SipSettingsDialog
from desktop.ui.tasks import TaskRunner

from .conftest import TEST_POLICY, MemoryKeyring
from .test_callback_queue import FailKeyring


def dialog_for(qtbot, kamailio, passwords) -> SipSettingsDialog:
    runner = TaskRunner()
    settings = Settings(operator="kiem.thu")
    dialog = SipSettingsDialog(settings, passwords, runner, TEST_POLICY)
    qtbot.addWidget(dialog)
    dialog.server_edit.setText("127.0.0.1")
    dialog.port_spin.setValue(kamailio.port)
    dialog.extension_edit.setText("1005")
    dialog.show()
    return dialog


def test_test_connection_says_ready_or_wrong_password_and_ok_keeps_the_password_in_the_keyring(
    qtbot, kamailio, siplab
):
    keyring = MemoryKeyring()
    dialog = dialog_for(qtbot, kamailio, SipPasswordStore(keyring))
    dialog.password_edit.setText("sai-mat-khau")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10000)
    assert dialog.test_label.property("registration") == "auth_failed"
    dialog.grab().save("/tmp/phone_settings_auth_failed.png")

    dialog.password_edit.setText(siplab.PASSWORDS["1005"])
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10000)
    assert dialog.test_label.property("registration") == "registered"

    dialog.on_buttons_accepted()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert keyring.secrets == {(SERVICE, "1005@127.0.0.1"): siplab.PASSWORDS["1005"]}
    assert dialog.session_password is None


def test_without_a_keyring_the_dialog_says_so_and_hands_the_password_to_this_session_only(qtbot, kamailio):
    dialog = dialog_for(qtbot, kamailio, SipPasswordStore(FailKeyring()))
    assert "không có kho khóa" in dialog.keyring_label.text()
    sound = MediaDevices()  # this machine's real devices: the label speaks only when something is missing
    assert bool(dialog.audio_label.text()) == (not sound.outputs() or not sound.inputs())
    dialog.grab().save("/tmp/phone_settings.png")
    dialog.password_edit.setText("pw1005")
    dialog.on_buttons_accepted()
    assert dialog.session_password == "pw1005"


def test_a_missing_field_is_explained_and_nothing_is_saved(qtbot, kamailio):
    keyring = MemoryKeyring()
    dialog = dialog_for(qtbot, kamailio, SipPasswordStore(keyring))
    dialog.extension_edit.clear()
    dialog.on_buttons_accepted()
    assert dialog.error_label.text() and dialog.result() != dialog.DialogCode.Accepted
    assert keyring.secrets == {}
