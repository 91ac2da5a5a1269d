"""The ringing pop-up: on top of every window, the caller and their history, answered or refused by key."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.clock import shown_vn
from desktop.domain.codes import CallDirection, Satisfaction
from desktop.domain.ticket import CallerHistory
from desktop.services.phone.session import RingingCall

ANSWER_KEYS = ("Return", "Enter", "F9")
REJECT_KEYS = ("Escape", "F10")


def _when(moment: object) -> str:
    return shown_vn(moment) if isinstance(moment, datetime) else ""


class CallPopup(QWidget):
    """Built once and reused: showing a call only fills labels and at most twenty short rows."""

    answer_requested = Signal(str)  # sip call id
    reject_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("callPopup")
        self.setWindowTitle(self.tr("Incoming call"))
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
        self.ringing: RingingCall | None = None
        self._flash = QTimer(self)
        self._flash.setInterval(500)
        self._flash.timeout.connect(self.on_flash_timeout)
        self._lit = False

        self.number_label = QLabel(self)
        self.number_label.setObjectName("callerNumber")
        self.number_label.setStyleSheet("font-size: 22pt; font-weight: bold;")
        self.name_label = QLabel(self)
        self.name_label.setObjectName("callerName")
        self.name_label.setStyleSheet("font-size: 14pt;")
        self.repeat_label = QLabel(self)
        self.repeat_label.setObjectName("repeatCaller")
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("callerSummary")
        self.summary_label.setWordWrap(True)
        self.silent_label = QLabel(self.tr("No ringing device: this call rings on screen only."), self)
        self.silent_label.setObjectName("silentRing")
        self.silent_label.setStyleSheet("color: #8a4b00;")
        self.silent_label.hide()
        self.tickets_view = self._tree(
            "popupTickets",
            [self.tr("Ticket"), self.tr("Received"), self.tr("Status"), self.tr("Unit"), self.tr("Content")],
        )
        self.calls_view = self._tree(
            "popupCalls", [self.tr("Time"), self.tr("Direction"), self.tr("Outcome"), self.tr("Ticket")]
        )
        self.satisfaction_view = self._tree("popupSatisfaction", [self.tr("Ticket"), self.tr("Answer")])
        self.answer_button = QPushButton(self.tr("Answer (Enter / F9)"), self)
        self.answer_button.setObjectName("answerButton")
        self.answer_button.setStyleSheet(
            "background: #1b7f3b; color: white; font-weight: bold; padding: 8px;"
        )
        self.reject_button = QPushButton(self.tr("Reject (Esc / F10)"), self)
        self.reject_button.setObjectName("rejectButton")
        self.reject_button.setStyleSheet("background: #b3261e; color: white; padding: 8px;")
        self.answer_button.clicked.connect(self.answer)
        self.reject_button.clicked.connect(self.reject)
        for keys, slot in ((ANSWER_KEYS, self.answer), (REJECT_KEYS, self.reject)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(slot)

        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(self.number_label)
        names.addWidget(self.name_label)
        header.addLayout(names, 1)
        header.addWidget(self.repeat_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.silent_label)
        layout.addWidget(QLabel(self.tr("Last tickets"), self))
        layout.addWidget(self.tickets_view, 3)
        lower = QHBoxLayout()
        calls_box = QVBoxLayout()
        calls_box.addWidget(QLabel(self.tr("Last calls"), self))
        calls_box.addWidget(self.calls_view)
        answers_box = QVBoxLayout()
        answers_box.addWidget(QLabel(self.tr("Earlier satisfaction answers"), self))
        answers_box.addWidget(self.satisfaction_view)
        lower.addLayout(calls_box, 3)
        lower.addLayout(answers_box, 2)
        layout.addLayout(lower, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.answer_button, 2)
        buttons.addWidget(self.reject_button, 1)
        layout.addLayout(buttons)
        self.resize(860, 560)

    def _tree(self, name: str, headers: list[str]) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setObjectName(name)
        tree.setHeaderLabels(headers)
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter always answers
        tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        tree.header().setStretchLastSection(True)
        return tree

    # -- showing a call -------------------------------------------------------------------------
    def show_call(self, ringing: RingingCall) -> None:
        """Fills the pop-up from the history read on the SIP thread and raises it above everything."""
        self.ringing = ringing
        history = ringing.history
        self.number_label.setText(ringing.local_number)
        name = history.citizen.name if history and history.citizen and history.citizen.name else ""
        self.name_label.setText(name or ringing.display_name or self.tr("Unknown caller"))
        self._fill(history)
        if ringing.history_error:
            self.summary_label.setText(ringing.history_error)
        self.answer_button.setEnabled(True)
        self.reject_button.setEnabled(True)
        self.show()
        self.raise_()
        self.activateWindow()
        self._flash.start()

    def _fill(self, history: CallerHistory | None) -> None:
        for view in (self.tickets_view, self.calls_view, self.satisfaction_view):
            view.clear()
        if history is None:
            self.repeat_label.setText("")
            self.summary_label.setText(self.tr("Hidden or foreign number: no history."))
            return
        repeat = history.is_repeat_caller
        self.repeat_label.setText(self.tr("Repeat caller") if repeat else self.tr("First call"))
        self.repeat_label.setProperty("repeat", repeat)
        self.repeat_label.setStyleSheet(
            "background: #f9a825; padding: 4px; font-weight: bold;" if repeat else "color: #555;"
        )
        self.summary_label.setText(
            self.tr("%1 tickets, %2 still open")
            .replace("%1", str(history.total_tickets))
            .replace("%2", str(history.open_tickets))
        )
        for row in history.tickets:
            item = QTreeWidgetItem(
                [row.code, _when(row.received_at), row.status.label, row.unit_name or "", row.content[:80]]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            self.tickets_view.addTopLevelItem(item)
        for call in history.calls:
            direction = "↘" if call.direction is CallDirection.INBOUND else "↗"
            call_item = QTreeWidgetItem(
                [
                    _when(call.started_at),
                    f"{direction} {call.direction.label}",
                    call.outcome.label,
                    call.ticket_code or "",
                ]
            )
            for column in range(4):
                call_item.setToolTip(column, call.audio_summary)  # loss, jitter, SRTP of the call
            self.calls_view.addTopLevelItem(call_item)
        for row in history.tickets:
            if row.satisfaction is not Satisfaction.NOT_RATED:
                self.satisfaction_view.addTopLevelItem(QTreeWidgetItem([row.code, row.satisfaction.label]))

    def set_audible(self, audible: bool) -> None:
        """Whether the ringtone is heard; when it is not, the pop-up says it only rings on screen."""
        self.silent_label.setVisible(not audible)

    def history_rows(self) -> dict[str, int]:
        """How many rows each list shows (tests and the benchmark read it)."""
        return {
            "tickets": self.tickets_view.topLevelItemCount(),
            "calls": self.calls_view.topLevelItemCount(),
            "satisfaction": self.satisfaction_view.topLevelItemCount(),
        }

    def close_call(self, sip_call_id: str | None = None) -> None:
        """Hides the pop-up (the call was answered, refused or abandoned)."""
        if sip_call_id is not None and self.ringing is not None and self.ringing.sip_call_id != sip_call_id:
            return
        self._flash.stop()
        self.ringing = None
        self.hide()

    # -- slots ---------------------------------------------------------------------------------
    def answer(self) -> None:
        if self.ringing is not None and self.answer_button.isEnabled():
            self.answer_button.setEnabled(False)
            self.answer_requested.emit(self.ringing.sip_call_id)

    def reject(self) -> None:
        if self.ringing is not None and self.reject_button.isEnabled():
            self.reject_button.setEnabled(False)
            self.reject_requested.emit(self.ringing.sip_call_id)

    def on_flash_timeout(self) -> None:
        """The visual ring (there is no sound device to ring on): the border blinks."""
        self._lit = not self._lit
        self.setStyleSheet(
            "QWidget#callPopup { border: 4px solid %s; }" % ("#f9a825" if self._lit else "#1b7f3b")
        )
