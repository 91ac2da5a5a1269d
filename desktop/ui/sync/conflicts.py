"""The conflict view: each field two people changed at once, both versions, the operator's choice; each
conflict shown is a look at the ticket's data, on the access record."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services.access_log import AccessLog
from desktop.store.local import LocalStore
from desktop.sync.conflicts import OpenConflict, open_conflicts, settle
from desktop.ui.common.tasks import TaskRunner
from protocol.contract import FIELD_LABELS


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class SyncConflictView(QDialog):
    """Lists the open conflicts; keeping one version (or an edited text) settles it as a new change."""

    conflict_settled = Signal(str)
    loaded = Signal()

    def __init__(
        self, store: LocalStore, operator: str, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncConflictView")
        self.setWindowTitle(self.tr("Conflicts to settle"))
        self._store = store
        self._operator = operator
        self._runner = runner
        self._access = AccessLog(store, operator)
        self._looked: set[str] = (
            set()
        )  # the conflicts already on the access record (shown again: not a new look)
        self.conflicts: list[OpenConflict] = []

        self.list = QListWidget(self)
        self.list.setObjectName("conflictList")
        self.list.currentRowChanged.connect(self.on_list_current_row_changed)
        self.empty_label = QLabel(self.tr("No conflicts: every change has been merged."), self)
        self.empty_label.setObjectName("noConflicts")
        self.server_text = QPlainTextEdit(self)
        self.server_text.setObjectName("serverVersion")
        self.server_text.setReadOnly(True)
        self.other_text = QPlainTextEdit(self)
        self.other_text.setObjectName("otherVersion")
        self.other_text.setReadOnly(True)
        self.edited_text = QPlainTextEdit(self)
        self.edited_text.setObjectName("editedVersion")
        self.keep_server = QPushButton(self.tr("Keep the version on the ticket"), self)
        self.keep_server.setObjectName("keepServer")
        self.keep_other = QPushButton(self.tr("Keep the other version"), self)
        self.keep_other.setObjectName("keepOther")
        self.keep_edited = QPushButton(self.tr("Save the edited text"), self)
        self.keep_edited.setObjectName("keepEdited")
        self.keep_server.clicked.connect(lambda: self.settle_current(self.server_text.toPlainText()))
        self.keep_other.clicked.connect(lambda: self.settle_current(self.other_text.toPlainText()))
        self.keep_edited.clicked.connect(lambda: self.settle_current(self.edited_text.toPlainText()))
        self.error_label = QLabel(self)
        self.error_label.setObjectName("conflictError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        versions = QGridLayout()
        versions.addWidget(QLabel(self.tr("On the ticket (server)"), self), 0, 0)
        versions.addWidget(QLabel(self.tr("The other version"), self), 0, 1)
        versions.addWidget(self.server_text, 1, 0)
        versions.addWidget(self.other_text, 1, 1)
        versions.addWidget(self.keep_server, 2, 0)
        versions.addWidget(self.keep_other, 2, 1)
        edited_row = QHBoxLayout()
        edited_row.addWidget(self.keep_edited, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(versions, 2)
        layout.addWidget(QLabel(self.tr("Or write the text to keep"), self))
        layout.addWidget(self.edited_text, 1)
        layout.addLayout(edited_row)
        layout.addWidget(self.error_label)
        self.resize(880, 620)
        self._set_enabled(False)

    def reload(self) -> None:
        self._runner.run(lambda: open_conflicts(self._store), self._on_loaded, self._on_error)

    def _on_loaded(self, conflicts: Any) -> None:
        self.conflicts = list(conflicts)
        self.list.clear()
        names = {
            "content": self.tr("Content"),
            "answer": self.tr("Answer"),
            "citizen_name": self.tr("Caller's name"),
            "citizen_address": self.tr("Address"),
        }
        for conflict in self.conflicts:
            # A free-text field named here or not (the publication texts, a later one): the contract's label.
            name = names.get(conflict.field) or _capitalized(FIELD_LABELS.get(conflict.field, conflict.field))
            label = f"{conflict.ticket_code or conflict.ticket_id} · {name}"
            QListWidgetItem(label, self.list)
        self.empty_label.setVisible(not self.conflicts)
        if self.conflicts:
            self.list.setCurrentRow(0)
        else:
            self._set_enabled(False)
            for edit in (self.server_text, self.other_text, self.edited_text):
                edit.clear()
        self.loaded.emit()

    def on_list_current_row_changed(self, row: int) -> None:
        if not 0 <= row < len(self.conflicts):
            return
        conflict = self.conflicts[row]
        if conflict.conflict_id not in self._looked:  # a citizen's name, address or text is on screen
            self._looked.add(conflict.conflict_id)
            self._access.record("ticket", conflict.ticket_id, "conflict_view", "open")
        self.server_text.setPlainText(_text(conflict.server))
        self.other_text.setPlainText(_text(conflict.other))
        self.edited_text.setPlainText(_text(conflict.server))
        self._set_enabled(True)

    def settle_current(self, value: str) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.conflicts):
            return
        conflict_id = self.conflicts[row].conflict_id
        self._set_enabled(False)

        def done(_result: Any) -> None:
            self.conflict_settled.emit(conflict_id)
            self.reload()

        self._runner.run(
            lambda: settle(self._store, conflict_id, value, self._operator), done, self._on_error
        )

    def _on_error(self, error: BaseException) -> None:
        self.error_label.setText(str(error))
        self.error_label.show()
        self.reload()

    def _set_enabled(self, enabled: bool) -> None:
        for button in (self.keep_server, self.keep_other, self.keep_edited):
            button.setEnabled(enabled)


def _capitalized(label: str) -> str:
    return label[:1].upper() + label[1:]
