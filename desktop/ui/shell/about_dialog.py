"""The About dialog: version, licences and credits, the data and log folders, and the support bundle."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.logs import log_dir
from desktop.store.cipher import StoreKey
from desktop.ui.common.tasks import TaskRunner


def about_html() -> str:
    return (
        f"<h3>{QCoreApplication.translate('About', '1022 Hotline Desk')} {__version__}</h3><p>"
        + QCoreApplication.translate(
            "About",
            "The desktop of operators of the provincial public-service information hotline 1022: "
            "tickets, caller history, offline first.",
        )
        + "</p><p>"
        + QCoreApplication.translate(
            "About",
            "Free software under the GNU General Public License, version 3 or later (GPL-3.0-or-later).",
        )
        + "</p><p>"
        + QCoreApplication.translate(
            "About",
            "Uses pyVoIP (GNU GPL v3) to read SDP and SIP reason phrases (the SIP stack is its own), "
            "Qt for Python — PySide6 (GNU LGPL v3), SQLAlchemy and Alembic (MIT), phonenumbers (Apache 2.0), "
            "openpyxl (MIT) and python-docx (MIT).",
        )
        + "</p>"
    )


class AboutDialog(QDialog):
    """What an IT officer asks first: which version, where the data and the logs are, and a bundle to send."""

    def __init__(
        self,
        data_dir: Path,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        store_key: StoreKey | None = None,
    ) -> None:
        super().__init__(parent)
        self._store_key = store_key
        self.setObjectName("aboutDialog")
        self.setWindowTitle(QCoreApplication.translate("About", "About 1022 Hotline Desk"))
        self.setMinimumWidth(560)
        self._data_dir = data_dir
        self._runner = runner
        text = QLabel(about_html(), self)
        text.setObjectName("aboutText")
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        self.data_edit = self._folder_row(
            form, QCoreApplication.translate("About", "Data folder"), data_dir, "dataFolder"
        )
        self.log_edit = self._folder_row(
            form, QCoreApplication.translate("About", "Log folder"), log_dir(data_dir), "logFolder"
        )
        self.bundle_button = QPushButton(QCoreApplication.translate("About", "Make a support bundle…"), self)
        self.bundle_button.setObjectName("makeSupportBundle")
        self.bundle_button.setToolTip(
            QCoreApplication.translate(
                "About",
                "A zip for IT: versions, settings, checks and logs, without personal data or passwords.",
            )
        )
        self.bundle_button.clicked.connect(self.choose_bundle_file)
        self.bundle_label = QLabel(self)
        self.bundle_label.setObjectName("bundleResult")
        self.bundle_label.setWordWrap(True)
        self.bundle_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.bundle_button)
        layout.addWidget(self.bundle_label)
        layout.addWidget(buttons)

    def _folder_row(self, form: QFormLayout, label: str, folder: Path, name: str) -> QLineEdit:
        edit = QLineEdit(str(folder), self)
        edit.setObjectName(name)
        edit.setReadOnly(True)
        button = QPushButton(QCoreApplication.translate("About", "Open"), self)
        button.setObjectName(name + "Open")
        button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(button)
        form.addRow(label, row)
        return edit

    def choose_bundle_file(self) -> None:
        suggested = str(Path.home() / "tongdai1022-ho-tro.zip")
        path, _filter = QFileDialog.getSaveFileName(
            self, QCoreApplication.translate("About", "Save the support bundle"), suggested, "Zip (*.zip)"
        )
        if path:
            self.make_bundle(Path(path))

    def make_bundle(self, target: Path) -> None:
        """Runs the doctor's checks (network included: up to a few seconds) and writes the zip, off the
        GUI thread; the button waits and the label says what happened."""
        from desktop.commands.doctor import check_sound

        data_dir, key = self._data_dir, self._store_key
        sound = check_sound()  # Qt's device list is read here, on the GUI thread

        def task() -> Path:
            from desktop.commands.doctor import run_checks
            from desktop.support_bundle import write_bundle

            return write_bundle(target, data_dir, run_checks(data_dir, sound=sound, key=key), key=key)

        self.bundle_button.setEnabled(False)
        self.setCursor(Qt.CursorShape.BusyCursor)
        self.bundle_label.setText(
            QCoreApplication.translate("About", "Checking this computer and writing the bundle…")
        )
        self._runner.run(task, self._on_bundle_written, self._on_bundle_failed)

    def _on_bundle_written(self, path: object) -> None:
        self.bundle_button.setEnabled(True)
        self.unsetCursor()
        self.bundle_label.setProperty("written", str(path))
        self.bundle_label.setText(
            QCoreApplication.translate(
                "About", "Support bundle written: %1. Send this file to IT; it holds no personal data."
            ).replace("%1", str(path))
        )

    def _on_bundle_failed(self, error: BaseException) -> None:
        self.bundle_button.setEnabled(True)
        self.unsetCursor()
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        self.bundle_label.setText(
            QCoreApplication.translate(
                "About", "Could not write the support bundle (%1). Choose another folder, e.g. Documents."
            ).replace("%1", reason)
        )
