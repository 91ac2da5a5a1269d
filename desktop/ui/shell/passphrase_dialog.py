"""The passphrase of the store, asked at start on a computer whose system has no keyring to keep the key."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.services.store_unlock import MIN_PASSPHRASE_LENGTH


class PassphraseDialog(QDialog):
    """Asks for the store's passphrase; for a new store twice, with its rules and what forgetting it means."""

    def __init__(self, *, new: bool, wrong: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.setWindowTitle(QCoreApplication.translate("StoreKey", "Password of the desk's data"))
        self.setMinimumWidth(520)
        self._new = new
        if new:
            intro = QCoreApplication.translate(
                "StoreKey",
                "This computer has no keyring of its own (Secret Service, Credential Manager), so the desk "
                "encrypts its data with a password you choose now. It is asked each time the desk opens. "
                "Without it the data on this computer cannot be read: keep it safe (what is synced stays "
                "on the central server).",
            )
        else:
            intro = QCoreApplication.translate(
                "StoreKey", "The desk's data on this computer is encrypted. Type its password to open it."
            )
        text = QLabel(intro, self)
        text.setWordWrap(True)
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit(self)
        self.repeat.setObjectName("passphraseRepeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("StoreKey", "&Password:"), self.passphrase)
        if new:
            form.addRow(QCoreApplication.translate("StoreKey", "&Again:"), self.repeat)
        else:
            self.repeat.hide()
        self.problem = QLabel(self)
        self.problem.setObjectName("passphraseProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        if wrong:
            self.problem.setText(
                QCoreApplication.translate(
                    "StoreKey",
                    "That password does not open the data. Check Caps Lock and the keyboard layout.",
                )
            )
        else:
            self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            QCoreApplication.translate("StoreKey", "&Open")
            if not new
            else QCoreApplication.translate("StoreKey", "&Set")
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            QCoreApplication.translate("StoreKey", "&Quit")
        )
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.passphrase.setFocus()

    def _accept_if_valid(self) -> None:
        problem = self.validation_problem()
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            self._layout.activate()
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))  # room for the line
            self.passphrase.setFocus()
            return
        self.accept()

    def validation_problem(self) -> str | None:
        value = self.passphrase.text()
        if not value:
            return QCoreApplication.translate("StoreKey", "Type the password.")
        if not self._new:
            return None
        if len(value) < MIN_PASSPHRASE_LENGTH:
            return QCoreApplication.translate(
                "StoreKey", "The password needs at least %1 characters."
            ).replace("%1", str(MIN_PASSPHRASE_LENGTH))
        if value != self.repeat.text():
            return QCoreApplication.translate(
                "StoreKey", "The two passwords differ. Type the same password twice."
            )
        return None


def ask_passphrase(*, new: bool, wrong: bool) -> str | None:
    """The passphrase the user typed, or None when they chose to quit."""
    dialog = PassphraseDialog(new=new, wrong=wrong)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.passphrase.text()
