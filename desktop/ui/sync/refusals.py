"""The list of changes the server refused, with its reason; opening it marks them read."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
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

from desktop.domain.clock import shown_vn
from desktop.store.local import LocalStore
from desktop.sync.refusals import Refusal, mark_read, refusals
from desktop.ui.common.tasks import TaskRunner


class SyncRefusalsView(QDialog):
    """Read-only: the change stays on this desk as saved; the reason says what to do about it."""

    loaded = Signal()
    marked_read = Signal()

    def __init__(self, store: LocalStore, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncRefusalsView")
        self.setWindowTitle(self.tr("Changes refused by the server"))
        self._store = store
        self._runner = runner
        self.refusals: list[Refusal] = []
        self.note = QLabel(
            self.tr(
                "The server did not apply these changes. They are still saved on this computer; "
                "the reason says what to do."
            ),
            self,
        )
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("refusalList")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Ticket"), self.tr("Change"), self.tr("Reason"), self.tr("Refused at")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(1, 120)
        self.table.setColumnWidth(3, 120)
        self.empty_label = QLabel(self.tr("The server has refused no change."), self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(buttons)
        self.resize(880, 420)

    def _op_name(self, op: str) -> str:
        names = {
            "create": self.tr("new ticket"),
            "import": self.tr("imported ticket"),
            "update": self.tr("edit"),
            "resolve": self.tr("resolution"),
            "settle": self.tr("conflict choice"),
        }
        return names.get(op, op)

    def reload(self) -> None:
        self._runner.run(lambda: refusals(self._store), self._on_loaded, self._on_error)

    def _on_loaded(self, found: Any) -> None:
        self.refusals = list(found)
        self.table.setRowCount(len(self.refusals))
        for row, refusal in enumerate(self.refusals):
            when = shown_vn(refusal.refused_at, "%H:%M %d/%m/%Y") if refusal.refused_at else ""
            cells = (
                refusal.ticket_code or refusal.entity_id,
                self._op_name(refusal.op),
                refusal.reason,
                when,
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if not refusal.seen:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        self.empty_label.setVisible(not self.refusals)
        self.loaded.emit()
        unseen = [r.client_seq for r in self.refusals if not r.seen]
        if unseen:
            self._runner.run(lambda: mark_read(self._store, unseen), lambda _r: self.marked_read.emit())

    def _on_error(self, error: BaseException) -> None:
        self.note.setText(str(error))
