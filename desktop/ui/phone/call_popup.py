"""The ringing pop-up: on top of every window, the caller and their history, answered or refused by key;
a past call's recording can be heard from it (the phone desk plays it)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
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
PLAY_KEY = "F4"  # plays the chosen past call's recording, or stops it
CHOOSE_KEYS = ("Up", "Down")  # choose the past call (the lists never take the focus: Enter answers)
CALL_ID_ROLE = Qt.ItemDataRole.UserRole
RECORDED_ROLE = Qt.ItemDataRole.UserRole + 1


def _when(moment: object) -> str:
    return shown_vn(moment) if isinstance(moment, datetime) else ""


class CallPopup(QWidget):
    """Built once and reused: showing a call only fills labels and at most twenty short rows."""

    answer_requested = Signal(str)  # sip call id
    reject_requested = Signal(str)
    recording_requested = Signal(str)  # a past call's log id: the phone desk plays its recording
    stop_recording_requested = Signal()

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
        self.playing = False
        self.play_button = QPushButton(self)
        self.play_button.setObjectName("popupPlay")
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolTip(
            self.tr("Listen to the chosen past call's recording (Up/Down choose the call, F4 plays or stops)")
        )
        self.play_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter always answers
        self.play_button.clicked.connect(self.toggle_recording)
        self.recording_notice = QLabel(self)
        self.recording_notice.setObjectName("popupRecordingNotice")
        self.recording_notice.setWordWrap(True)
        self.recording_notice.setStyleSheet("color: #8a4b00;")
        self.recording_notice.hide()
        self._show_play_state()
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
        play = QShortcut(QKeySequence(PLAY_KEY), self)
        play.setContext(Qt.ShortcutContext.WindowShortcut)
        play.activated.connect(self.toggle_recording)
        for key, step in zip(CHOOSE_KEYS, (-1, 1), strict=True):
            choose = QShortcut(QKeySequence(key), self)
            choose.setContext(Qt.ShortcutContext.WindowShortcut)
            choose.activated.connect(lambda step=step: self.choose_call(step))

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
        calls_header = QHBoxLayout()
        calls_header.addWidget(QLabel(self.tr("Last calls"), self), 1)
        calls_header.addWidget(self.play_button)
        calls_box.addLayout(calls_header)
        calls_box.addWidget(self.calls_view)
        calls_box.addWidget(self.recording_notice)
        answers_box = QVBoxLayout()
        answers_label = QLabel(self.tr("Earlier satisfaction answers"), self)
        answers_label.setMinimumHeight(self.play_button.sizeHint().height())  # level with the calls' header
        answers_box.addWidget(answers_label)
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
        self.recording_notice.hide()
        self.play_button.setVisible(history is not None and any(call.recorded for call in history.calls))
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
            call_item.setData(0, CALL_ID_ROLE, call.id)
            if call.recorded:
                call_item.setData(0, RECORDED_ROLE, True)
                call_item.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
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

    def recorded_rows(self) -> list[int]:
        """The rows of the calls list that have a recording to play (tests read it)."""
        return [
            index
            for index in range(self.calls_view.topLevelItemCount())
            if (item := self.calls_view.topLevelItem(index)) is not None and item.data(0, RECORDED_ROLE)
        ]

    def chosen_recording(self) -> str | None:
        """The log id F4 plays: the chosen call's when it was recorded, else the newest recorded call's."""
        item = self.calls_view.currentItem()
        if item is None or not item.data(0, RECORDED_ROLE):
            rows = self.recorded_rows()
            item = self.calls_view.topLevelItem(rows[0]) if rows else None
        if item is None:
            return None
        self.calls_view.setCurrentItem(item)  # the row heard is the row highlighted
        return str(item.data(0, CALL_ID_ROLE))

    def choose_call(self, step: int) -> None:
        """Up/Down: the previous or next past call becomes the chosen one (for F4)."""
        count = self.calls_view.topLevelItemCount()
        if not count:
            return
        current = self.calls_view.currentItem()
        index = self.calls_view.indexOfTopLevelItem(current) if current is not None else -1
        index = min(max(index + step, 0), count - 1) if index >= 0 else 0
        item = self.calls_view.topLevelItem(index)
        if item is not None:
            self.calls_view.setCurrentItem(item)

    def set_playing(self, playing: bool) -> None:
        """Whether a recording chosen here is being heard (the phone desk says so)."""
        self.playing = playing
        if playing:
            self.recording_notice.hide()
        self._show_play_state()

    def show_recording_problem(self, message: str) -> None:
        """Why the recording cannot be heard, in the pop-up itself (it covers the status bar)."""
        self.recording_notice.setText(message)
        self.recording_notice.setVisible(bool(message))

    def _show_play_state(self) -> None:
        icon = QStyle.StandardPixmap.SP_MediaStop if self.playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText(self.tr("Stop (F4)") if self.playing else self.tr("Play recording (F4)"))

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

    def toggle_recording(self) -> None:
        """The play button and F4: the chosen call's recording starts, or the one playing stops."""
        if self.ringing is None:
            return
        if self.playing:
            self.stop_recording_requested.emit()
            return
        log_id = self.chosen_recording()
        if log_id is None:
            self.show_recording_problem(self.tr("None of this caller's past calls has a recording."))
            return
        self.recording_requested.emit(log_id)

    def on_flash_timeout(self) -> None:
        """The visual ring (there is no sound device to ring on): the border blinks."""
        self._lit = not self._lit
        self.setStyleSheet(
            "QWidget#callPopup { border: 4px solid %s; }" % ("#f9a825" if self._lit else "#1b7f3b")
        )
