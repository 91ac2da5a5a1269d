"""The transfer dialog: a specialist or supervisor from the centre's short directory, or a number typed, and
whether to hand the call over at once (blind) or to talk to them first (consultation)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

_NUMBER = re.compile(r"\+?[0-9]{2,15}")


@dataclass(frozen=True)
class DirectoryEntry:
    """One line of the transfer directory: who (a unit's specialist, the supervisor) and their number."""

    label: str
    number: str


def transfer_directory(raw: object) -> list[DirectoryEntry]:
    """The setting `transfer_directory` ([{"label": ..., "number": ...}, ...]); unusable lines are skipped."""
    entries = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        label, number = str(item.get("label", "")).strip(), str(item.get("number", "")).strip()
        if label and _NUMBER.fullmatch(number):
            entries.append(DirectoryEntry(label, number))
    return entries


class TransferMode(StrEnum):
    BLIND = "blind"  # REFER now: the operator leaves the call
    CONSULT = "consult"  # hold the citizen, call the target, then complete, join or go back


class TransferDialog(QDialog):
    """Picks the target and the mode; `number` and `mode` hold the choice once accepted."""

    def __init__(self, directory: list[DirectoryEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transferDialog")
        self.setWindowTitle(self.tr("Transfer the call"))
        self.number = ""
        self.mode = TransferMode.BLIND
        self.directory_list = QListWidget(self)
        self.directory_list.setObjectName("transferDirectory")
        for entry in directory:
            item = QListWidgetItem(f"{entry.label} — {entry.number}", self.directory_list)
            item.setData(Qt.ItemDataRole.UserRole, entry.number)
        self.directory_list.currentItemChanged.connect(self.on_directory_list_current_item_changed)
        self.directory_list.itemDoubleClicked.connect(lambda _item: self.choose(TransferMode.CONSULT))
        directory_label = QLabel(self.tr("&Directory:"), self)
        directory_label.setBuddy(self.directory_list)
        empty = QLabel(
            self.tr("The directory is empty: IT staff can fill it in (transfer_directory in settings.json)."),
            self,
        )
        empty.setWordWrap(True)
        empty.setVisible(not directory)
        self.number_edit = QLineEdit(self)
        self.number_edit.setObjectName("transferNumber")
        self.number_edit.setPlaceholderText(self.tr("Extension or phone number"))
        number_label = QLabel(self.tr("&Number:"), self)
        number_label.setBuddy(self.number_edit)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("transferError")
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = QDialogButtonBox(self)
        self.blind_button = QPushButton(self.tr("Transfer &now"), self)
        self.blind_button.setObjectName("blindTransferButton")
        self.blind_button.setToolTip(
            self.tr("The citizen is put through to this number and you leave the call.")
        )
        self.consult_button = QPushButton(self.tr("&Talk to them first"), self)
        self.consult_button.setObjectName("consultButton")
        self.consult_button.setToolTip(
            self.tr("The citizen waits on hold while you call this number; then complete, join or go back.")
        )
        buttons.addButton(self.consult_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.blind_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.blind_button.clicked.connect(lambda: self.choose(TransferMode.BLIND))
        self.consult_button.clicked.connect(lambda: self.choose(TransferMode.CONSULT))
        self.consult_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(directory_label)
        layout.addWidget(self.directory_list)
        layout.addWidget(empty)
        layout.addWidget(number_label)
        layout.addWidget(self.number_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        (self.directory_list if directory else self.number_edit).setFocus()
        if directory:
            self.directory_list.setCurrentRow(0)

    def on_directory_list_current_item_changed(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None:
            self.number_edit.setText(str(item.data(Qt.ItemDataRole.UserRole)))

    def choose(self, mode: TransferMode) -> None:
        """Accepts with `mode` when the number is one; otherwise says why and stays open."""
        number = re.sub(r"[\s.\-()]", "", self.number_edit.text())
        if not _NUMBER.fullmatch(number):
            self.error_label.setText(
                self.tr(
                    "This is not a number to transfer to: type an extension or a phone number (digits only)."
                )
            )
            self.error_label.show()
            self.number_edit.setFocus()
            return
        self.number, self.mode = number, mode
        self.accept()
