"""After a connection test the focus is back on the test button: the next Enter tests again, never saves."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.services.phone.sip_password import SipPasswordStore

from .conftest import MemoryKeyring
from .test_sip_settings import dialog_for


def test_enter_after_a_connection_test_does_not_save_the_account(qtbot, kamailio):
    dialog = dialog_for(qtbot, kamailio, SipPasswordStore(MemoryKeyring()))
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.password_edit.setText("sai-mat-khau")
    dialog.test_button.setFocus()
    qtbot.keyClick(dialog.test_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled(), timeout=10000)
    assert QApplication.focusWidget() is dialog.test_button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.result() != dialog.DialogCode.Accepted
