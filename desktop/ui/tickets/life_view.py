"""Lịch sử xử lý: the life of the ticket open on the form, every step oldest first (received, forwarded,
more time asked/granted/refused, answered, returned, called back, resolved, surveyed), from this desk's
store alone, so it shows offline too. Ticket ▸ Ticket's history… (Ctrl+Shift+H)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, Qt
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

from desktop.changes import OpChanges
from desktop.domain.ticket import Ticket
from desktop.services.tickets.life import LifeStep, LifeStepKind
from desktop.ui.common.host import DeskHost
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.common.vn_time import to_qt_vn

LIFE_SHORTCUT = "Ctrl+Shift+H"  # Ctrl+H goes to the caller's history; with Shift, the ticket's own
ReadLife = Callable[[str], list[LifeStep]]  # a ticket's id -> its steps (on a worker thread)
COLUMNS = 5  # time, step, who, unit, what was said


class TicketLifeDialog(QDialog):
    """One table, a row per step; long answers and reasons wrap in the last column."""

    def __init__(
        self,
        ticket_id: str,
        ticket_code: str,
        read: ReadLife,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ticketLifeDialog")
        self.ticket_id = ticket_id
        self._read = read
        self._runner = runner
        self._generation = 0
        self.steps: list[LifeStep] = []
        self.setWindowTitle(self.tr("Ticket's history — %1").replace("%1", ticket_code))
        self.status_label = QLabel(self.tr("Reading the ticket's history…"), self)
        self.status_label.setObjectName("lifeStatusLabel")
        self.status_label.setWordWrap(True)
        self.table = QTableWidget(0, COLUMNS, self)
        self.table.setObjectName("lifeTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("Step"), self.tr("By"), self.tr("Unit"), self.tr("Details")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in range(COLUMNS - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName(self.tr("Steps of the ticket, oldest first"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(1100, 560)  # fits a 1366x768 screen with the task bar

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        ticket_id = self.ticket_id
        self._runner.run(
            lambda: self._read(ticket_id),
            lambda steps: self._show(steps, generation),
            lambda error: self._failed(error, generation),
        )

    def on_changes(self, changes: OpChanges) -> None:
        """A pull or a save that wrote this ticket (or its forwardings) reads it again."""
        if self.ticket_id in changes.tickets or changes.other_tickets:
            self.reload()

    def _show(self, steps: list[LifeStep], generation: int) -> None:
        if generation != self._generation:
            return
        self.steps = steps
        self.table.setRowCount(len(steps))
        for row, step in enumerate(steps):
            for column, text in enumerate(self.row_texts(step)):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                item.setToolTip(text if column == COLUMNS - 1 else "")
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
        if steps:
            self.status_label.setText(
                self.tr("%1 steps, oldest first; times in Vietnam time.").replace("%1", str(len(steps)))
            )
            self.table.setCurrentCell(len(steps) - 1, 0)  # the latest step, where the ticket stands
        else:
            self.status_label.setText(self.tr("This desk has no history of the ticket yet."))

    def _failed(self, error: BaseException, generation: int) -> None:
        if generation == self._generation:
            self.status_label.setText(
                self.tr("Could not read the ticket's history: %1 Close and open it again.").replace(
                    "%1", type(error).__name__
                )
            )

    def shown_rows(self) -> list[list[str]]:
        """What the table shows, row by row (the tests read it as an operator would)."""
        rows = []
        for row in range(self.table.rowCount()):
            items = [self.table.item(row, column) for column in range(COLUMNS)]
            rows.append([item.text() if item is not None else "" for item in items])
        return rows

    def row_texts(self, step: LifeStep) -> list[str]:
        moment = to_qt_vn(step.at).toString("dd/MM/yyyy HH:mm")
        return [moment, self.step_name(step.kind), step.by, step.unit, self.details(step)]

    def step_name(self, kind: LifeStepKind) -> str:
        names = {
            LifeStepKind.RECEIVED: self.tr("Received"),
            LifeStepKind.FORWARDED: self.tr("Forwarded to the unit"),
            LifeStepKind.EXTENSION_ASKED: self.tr("More time asked"),
            LifeStepKind.EXTENSION_GRANTED: self.tr("More time granted"),
            LifeStepKind.EXTENSION_REFUSED: self.tr("More time refused"),
            LifeStepKind.ANSWERED: self.tr("Unit answered"),
            LifeStepKind.RETURNED: self.tr("Returned by the unit"),
            LifeStepKind.CALLED_BACK: self.tr("Citizen called back"),
            LifeStepKind.RESOLVED: self.tr("Resolved"),
            LifeStepKind.SURVEYED: self.tr("Satisfaction survey"),
        }
        return names[kind]

    def details(self, step: LifeStep) -> str:
        kind = step.kind
        if kind is LifeStepKind.FORWARDED and step.deadline is not None:
            return self.tr("Answer due %1").replace("%1", _day(step.deadline))
        if kind is LifeStepKind.EXTENSION_ASKED:
            asked = (
                self.tr("%1 more working days: %2").replace("%1", str(step.days)).replace("%2", step.words)
            )
            return asked
        if kind is LifeStepKind.EXTENSION_GRANTED and step.deadline is not None:
            return self.tr("New deadline %1").replace("%1", _day(step.deadline))
        if kind is LifeStepKind.ANSWERED and step.attachment:
            return step.words + "\n" + self.tr("(with an official reply attached, kept on the server)")
        return step.words


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def install_ticket_life(window: DeskHost, read: ReadLife, runner: TaskRunner) -> QAction:
    """Ticket ▸ Ticket's history… (Ctrl+Shift+H) and its button on the form, on for a saved ticket."""
    action = QAction(
        QCoreApplication.translate("TicketLifeDialog", "Ticket's &history…"), window.host_widget()
    )
    action.setObjectName("ticketLifeAction")
    action.setShortcut(QKeySequence(LIFE_SHORTCUT))
    action.setToolTip(
        QCoreApplication.translate(
            "TicketLifeDialog",
            "Every step of this ticket with its time, who and the unit's words (Ctrl+Shift+H)",
        )
    )

    def refresh(*_args: object) -> None:
        action.setEnabled(window.current_ticket() is not None)

    def open_dialog() -> None:
        ticket: Ticket | None = window.current_ticket()
        if ticket is None:
            return
        dialog = TicketLifeDialog(ticket.id, ticket.code, read, runner, window.host_widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        unsubscribe = window.changes.subscribe(dialog.on_changes)
        dialog.finished.connect(lambda _result: unsubscribe())
        dialog.reload()
        dialog.open()

    action.triggered.connect(open_dialog)
    window.on_ticket_shown(refresh)
    window.on_form_cleared(refresh)
    refresh()
    window.add_ticket_action(action)
    return action
