"""SIP account settings against the real registrar: test connection, keyring or session-only password."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.services.phone.sip_password import SERVICE, SipPasswordStore
from desktop.settings import Settings
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.audio import MediaDevices
from desktop.ui.phone.sip_settings_dialog import SipSettingsDialog
from desktop.ui.shell.translations import install_translations, remove_translations

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

    dialog.on_buttons_accepted()  # the keyring is written on a worker, then the dialog closes
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
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
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    assert dialog.session_password == "pw1005"


def test_a_missing_field_is_explained_and_nothing_is_saved(qtbot, kamailio):
    keyring = MemoryKeyring()
    dialog = dialog_for(qtbot, kamailio, SipPasswordStore(keyring))
    dialog.extension_edit.clear()
    dialog.on_buttons_accepted()
    assert dialog.error_label.text() and dialog.result() != dialog.DialogCode.Accepted
    assert keyring.secrets == {}


@pytest.fixture
def vietnamese(qapp):
    translators = install_translations(qapp)
    yield
    remove_translations(qapp, translators)


def test_the_dialog_has_a_softphones_addressing_and_the_test_uses_it(
    qtbot, kamailio, siplab, tmp_path, vietnamese
):
    keyring = MemoryKeyring()
    dialog = dialog_for(qtbot, kamailio, SipPasswordStore(keyring))
    assert not dialog.ca_edit.isEnabled()  # a CA file only means something over TLS
    dialog.transport_combo.setCurrentIndex(dialog.transport_combo.findData("tls"))
    assert dialog.ca_edit.isEnabled() and dialog.ca_button.isEnabled()
    dialog.ca_edit.setText(str(tmp_path / "khong-co.pem"))
    dialog.password_edit.setText(siplab.PASSWORDS["1005"])
    dialog.on_buttons_accepted()
    assert "chứng chỉ CA" in dialog.error_label.text() and dialog.result() != dialog.DialogCode.Accepted

    dialog.transport_combo.setCurrentIndex(dialog.transport_combo.findData("udp"))
    dialog.ca_edit.clear()
    dialog.proxy_edit.setText("10.0.0.5:cong")
    dialog.on_buttons_accepted()
    assert "máy:cổng" in dialog.error_label.text() and dialog.result() != dialog.DialogCode.Accepted

    # the registrar named by a domain the desk cannot resolve, reached through the outbound proxy
    dialog.server_edit.setText("pbx.lab.invalid")
    dialog.port_spin.setValue(5060)
    dialog.proxy_edit.setText(f"127.0.0.1:{kamailio.port}")
    dialog.domain_edit.setText(f"127.0.0.1:{kamailio.port}")
    dialog.stun_edit.clear()
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10000)
    assert dialog.test_label.property("registration") == "registered"
    dialog.grab().save("/tmp/phone_settings_addressing.png")

    dialog.on_buttons_accepted()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    saved = dialog._settings
    assert (saved.sip_transport, saved.sip_outbound_proxy, saved.sip_domain) == (
        "udp",
        f"127.0.0.1:{kamailio.port}",
        f"127.0.0.1:{kamailio.port}",
    )
