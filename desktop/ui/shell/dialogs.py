"""Help dialogs: the keyboard shortcuts (built from the live actions) and the About box."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def shortcut_text(action: QAction) -> str:
    return " / ".join(
        key.toString(QKeySequence.SequenceFormat.NativeText)
        for key in action.shortcuts()
        if not key.isEmpty()
    )


class ShortcutsDialog(QDialog):
    """Every action that has a shortcut, with its keys, in the order of the menus."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = [(action.text().replace("&", ""), shortcut_text(action)) for action in actions]
        rows = [(text, keys) for text, keys in rows if keys] + self.context_rows()
        intro = QLabel(self.tr("Everything an operator does during a call has a key:"), self)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        for number, (text, keys) in enumerate(rows):
            self.table.setItem(number, 0, QTableWidgetItem(text))
            self.table.setItem(number, 1, QTableWidgetItem(keys))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 600)

    def context_rows(self) -> list[tuple[str, str]]:
        """Keys that work only in one place (pop-up, wrap-up, queues), so no menu action carries them."""
        return [
            (self.tr("Ringing pop-up: answer (a new ticket linked to the call opens)"), "Enter / F9"),
            (self.tr("Ringing pop-up: reject"), "Esc / F10"),
            (self.tr("Ringing pop-up: choose a past call, play or stop its recording"), "↑ ↓ · F4"),
            (
                self.tr(
                    "After a call (wrap-up): ticket created, information given, wrong number, silent, prank"
                ),
                "1 … 5",
            ),
            (self.tr("Callback queue: call the selected citizen back"), "Enter"),
            (self.tr("Callback queue: reached, no answer, busy, wrong number"), "1 / 2 / 3 / 4"),
            (self.tr("Callback queue: again in one hour / tomorrow at 8:00"), "H / T"),
            (self.tr("Surveys: call the citizen"), "Enter"),
            (self.tr("Surveys: satisfied / dissatisfied (then the reason 1…6)"), "1 / 2"),
            (self.tr("Surveys: no answer this time / the citizen does not respond"), "0 / 3"),
            (self.tr("Supervisor dashboard: close"), "Esc"),
        ]
