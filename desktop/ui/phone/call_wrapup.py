"""Wrap-up after a call: the disposition in one keystroke (1-5), Enter confirms the proposed one; the
after-call-work timer runs while it is open."""

from __future__ import annotations

from time import monotonic

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QDialog, QLabel, QRadioButton, QVBoxLayout, QWidget

from desktop.domain.agent_state import AgentState, elapsed_text
from desktop.domain.phone import caller_phone, display_phone
from desktop.services.phone.codes import Disposition
from desktop.services.phone.session import FinishedCall


class WrapUpDialog(QDialog):
    """Non-modal, so the operator can finish the ticket first; a digit key chooses and closes."""

    chosen = Signal(object, object)  # FinishedCall, Disposition

    def __init__(self, finished: FinishedCall, proposed: Disposition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wrapUpDialog")
        self.setWindowTitle(self.tr("Wrap-up"))
        self.finished_call = finished
        number = display_phone(caller_phone(finished.number))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("How did the call with %1 end?").replace("%1", number), self))
        self.group = QButtonGroup(self)
        self.buttons: dict[Disposition, QRadioButton] = {}
        labels = {
            Disposition.TICKET_CREATED: self.tr("Ticket created"),
            Disposition.INFORMATION_GIVEN: self.tr("Information given"),
            Disposition.WRONG_NUMBER: self.tr("Wrong number"),
            Disposition.SILENT_CALL: self.tr("Silent call"),
            Disposition.PRANK: self.tr("Prank call"),
        }
        for disposition in Disposition:
            button = QRadioButton(f"&{disposition.key}  {labels[disposition]}", self)
            button.setObjectName(f"wrapUp_{disposition.value}")
            self.group.addButton(button)
            self.buttons[disposition] = button
            layout.addWidget(button)
        self.buttons[proposed].setChecked(True)
        hint = QLabel(self.tr("Press 1-5, or Enter for the marked choice."), self)
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)
        self.opened_at = monotonic()
        self.after_call_label = QLabel(self)
        self.after_call_label.setObjectName("afterCallTimer")
        layout.addWidget(self.after_call_label)
        self.after_call_timer = QTimer(self)
        self.after_call_timer.setInterval(1000)
        self.after_call_timer.timeout.connect(self.show_after_call_time)
        self.after_call_timer.start()
        self.finished.connect(self.after_call_timer.stop)
        self.show_after_call_time()

    def after_call_seconds(self) -> float:
        return monotonic() - self.opened_at

    def show_after_call_time(self) -> None:
        self.after_call_label.setText(
            f"{AgentState.AFTER_CALL_WORK.label}: {elapsed_text(self.after_call_seconds())}"
        )

    def selected(self) -> Disposition:
        for disposition, button in self.buttons.items():
            if button.isChecked():
                return disposition
        return Disposition.INFORMATION_GIVEN

    def choose(self, disposition: Disposition) -> None:
        self.buttons[disposition].setChecked(True)
        self.chosen.emit(self.finished_call, disposition)
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        for disposition in Disposition:
            if text == disposition.key:
                self.choose(disposition)
                return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.choose(self.selected())
            return
        super().keyPressEvent(event)
