"""Chuyển đơn vị: the operator sends a saved level 2-4 ticket to the unit that must answer it (through the
central server, which sets the deadline in working days and tells the unit)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.domain.ticket import Ticket
from desktop.services.bundle import CatalogReader
from desktop.services.catalogs import CatalogItem
from desktop.ui.common.host import DeskHost
from desktop.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.ui.sync.desk import SyncDesk

FORWARD_SHORTCUT = "Ctrl+Shift+U"

Forward = Callable[[str, str], dict[str, Any]]  # (ticket id, unit code) -> the server's answer


class ForwardDialog(QDialog):
    """Pick the unit; the server's answer (the deadline) or its refusal shows in the dialog."""

    def __init__(
        self, ticket_id: str, code: str, units: list[CatalogItem], forward: Forward, runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("forwardDialog")
        self.setWindowTitle(self.tr("Forward to a unit"))
        self.setMinimumWidth(440)
        self._ticket_id, self._forward, self._runner = ticket_id, forward, runner
        self.deadline: date | None = None
        intro = QLabel(
            self.tr("Ticket %1 goes to the unit that must answer it; the server sets its deadline.").replace(
                "%1", code
            ),
            self,
        )
        intro.setWordWrap(True)
        self.unit_combo = QComboBox(self)
        self.unit_combo.setObjectName("forwardUnit")
        self.unit_combo.setEditable(True)  # type to find the unit among a province's hundreds
        self.unit_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for unit in units:
            if unit.active:
                self.unit_combo.addItem(unit.name, unit.code)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("forwardResult")
        self.result_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Forward"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.unit_combo)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        index = self.unit_combo.findText(self.unit_combo.currentText(), Qt.MatchFlag.MatchFixedString)
        if index < 0:
            self.result_label.setText(self.tr("Choose a unit from the list."))
            return
        unit_code = str(self.unit_combo.itemData(index))
        self.buttons.setEnabled(False)
        self.result_label.setText(self.tr("Sending to the server…"))
        ticket_id, forward = self._ticket_id, self._forward
        self._runner.run(lambda: forward(ticket_id, unit_code), self._on_forwarded, self._on_failed)

    def _on_forwarded(self, answer: Any) -> None:
        self.buttons.setEnabled(True)
        self.deadline = date.fromisoformat(str(answer["deadline"]))
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.result_label.setProperty("refused", True)
        self.result_label.setText(str(getattr(error, "detail", "") or error))


def install_forwarding(
    window: DeskHost, sync: SyncDesk, catalogs: CatalogReader, runner: TaskRunner
) -> QAction:
    """The Ticket menu's "Forward to a unit…" (Ctrl+Shift+U), on for a saved level 2-4 ticket."""
    from desktop.ui.phone.presence_desk import presence_link

    action = QAction(QCoreApplication.translate("ForwardDialog", "Forward to a &unit…"), window.host_widget())
    action.setObjectName("forwardAction")
    action.setShortcut(QKeySequence(FORWARD_SHORTCUT))
    action.setToolTip(
        QCoreApplication.translate(
            "ForwardDialog", "Send this level 2-4 ticket to the unit that must answer it"
        )
    )

    def refresh(*_args: object) -> None:
        ticket = window.current_ticket()
        action.setEnabled(ticket is not None and ticket.draft.level >= 2)

    def forward(ticket_id: str, unit_code: str) -> dict[str, Any]:
        """Worker thread."""
        return presence_link(sync).call(lambda client, token: client.forward(token, ticket_id, unit_code))

    def open_dialog() -> None:
        ticket = window.current_ticket()
        if ticket is None or ticket.draft.level < 2:
            return
        runner.run(lambda: catalogs.units(), lambda units: show(ticket, units))

    def show(ticket: Ticket, units: list[CatalogItem]) -> None:
        dialog = ForwardDialog(ticket.id, ticket.code, units, forward, runner, window.host_widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.deadline is not None:
                unit = dialog.unit_combo.currentText()
                window.show_message(
                    QCoreApplication.translate("ForwardDialog", "Forwarded to %1; answer due %2.")
                    .replace("%1", unit)
                    .replace("%2", dialog.deadline.strftime("%d/%m/%Y")),
                    10000,
                )

        dialog.finished.connect(done)
        dialog.open()

    action.triggered.connect(open_dialog)
    window.on_ticket_shown(refresh)
    window.on_form_cleared(refresh)  # a new ticket has nothing to forward until it is saved
    refresh()
    window.add_ticket_action(action)
    return action
