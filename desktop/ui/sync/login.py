"""Signing in to the central server: address, user name, password; the secrets go to the keyring."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.keyring_service import PLAINTEXT_MESSAGE
from desktop.store.local import DeskIdentity
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login, SignedIn, sign_in
from desktop.ui.common.tasks import TaskRunner


class SyncLoginDialog(QDialog):
    """Runs the login on the task runner; a refusal is shown in the dialog, which stays open."""

    def __init__(
        self,
        credentials: Credentials,
        desk: DeskIdentity,
        runner: TaskRunner,
        make_client: Callable[[str], SyncClient] = SyncClient,
        server_url: str = "",
        username: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncLoginDialog")
        self.setWindowTitle(self.tr("Sign in to the central server"))
        self._credentials = credentials
        self._desk = desk
        self._runner = runner
        self._make_client = make_client
        self.full_name = ""
        self.login: Login | None = None

        self.url_edit = QLineEdit(server_url, self)
        self.url_edit.setObjectName("serverUrl")
        self.url_edit.setPlaceholderText("https://tongdai1022.example.gov.vn")
        self.user_edit = QLineEdit(username, self)
        self.user_edit.setObjectName("userName")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Server address"), self.url_edit)
        form.addRow(self.tr("User name"), self.user_edit)
        form.addRow(self.tr("Password"), self.password_edit)

        self.keyring_note = QLabel(
            self.tr(
                "This computer has no password store (keyring): the password is kept for this session "
                "only, never written to disk, and asked again next time."
            )
            if not credentials.refused_in_the_clear
            else PLAINTEXT_MESSAGE,
            self,
        )
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(not credentials.persistent)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("loginError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Work offline"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def submit(self) -> None:
        url = self.url_edit.text().strip()
        username = self.user_edit.text().strip()
        password = self.password_edit.text()
        if not url or not username or not password:
            self._show_error(self.tr("Enter the server address, your user name and your password."))
            return
        if not url.startswith(("http://", "https://")):
            url = "https://" + url
        login = Login(url.rstrip("/"), username)
        self.buttons.setEnabled(False)
        self.error_label.hide()

        def task() -> SignedIn:
            """Runs on a worker thread."""
            client = self._make_client(login.server_url)
            try:
                return sign_in(client, self._credentials, login, password, self._desk)
            finally:
                client.close()

        def done(signed: Any) -> None:
            assert isinstance(signed, SignedIn)
            self.full_name = signed.full_name
            self.login = signed.login  # the account's user name, as the server records it
            self.buttons.setEnabled(True)
            self.accept()

        self._runner.run(task, done, self._on_error)

    def _on_error(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.password_edit.selectAll()
        self.password_edit.setFocus()
        self._show_error(str(error))

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
