"""The in-call bar: who is on the line, for how long, whether the audio is encrypted, hang up, mute, the DTMF
keypad and hold."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class CallControls(QWidget):
    """Shown while a call is up; it only emits requests, the phone desk talks to the agent."""

    hangup_requested = Signal(str)
    mute_toggled = Signal(str, bool)
    digit_pressed = Signal(str, str)
    hold_toggled = Signal(str, bool)  # True: put on hold, False: resume

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callControls")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # a strip that stands out in a call
        self.setStyleSheet("#callControls { background: #eef3fb; border-top: 1px solid #b0bec5; }")
        self.sip_call_id: str | None = None
        self._since = 0.0
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self.on_clock_timeout)
        self.who_label = QLabel(self)
        self.who_label.setObjectName("callPeer")
        self.who_label.setStyleSheet("font-weight: bold;")
        self.time_label = QLabel("00:00", self)
        self.time_label.setObjectName("callDuration")
        self.audio_label = QLabel(self.tr("No headset"), self)
        self.audio_label.setObjectName("callAudioProblem")
        self.audio_label.setStyleSheet("color: #8a4b00;")
        self.audio_label.hide()
        self.hangup_button = QPushButton(self.tr("Hang up (F12)"), self)
        self.hangup_button.setObjectName("hangupButton")
        self.hangup_button.setStyleSheet("background: #b3261e; color: white;")
        self.mute_button = QPushButton(self.tr("Mute"), self)
        self.mute_button.setObjectName("muteButton")
        self.mute_button.setCheckable(True)
        self.hold_button = QPushButton(self.tr("Hold (F11)"), self)
        self.hold_button.setObjectName("holdButton")
        self.hold_button.setEnabled(False)
        self.hold_button.setToolTip(self.tr("The caller waits in silence and does not hear you (F11)."))
        self.hold_label = QLabel(self)
        self.hold_label.setObjectName("holdState")
        self.hold_label.setStyleSheet("background: #f9a825; padding: 2px 6px; font-weight: bold;")
        self.hold_label.hide()
        self.transfer_label = QLabel(self)
        self.transfer_label.setObjectName("transferState")
        self.transfer_label.setStyleSheet("background: #e3f2fd; padding: 2px 6px;")
        self.transfer_label.setWordWrap(True)
        self.transfer_label.hide()
        self.security_label = QLabel(self)
        self.security_label.setObjectName("callSecurity")
        self.security_label.hide()
        self._hold_pending = False
        self.keypad = QWidget(self)
        grid = QGridLayout(self.keypad)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(2)
        self.key_buttons: dict[str, QToolButton] = {}
        for index, digit in enumerate("123456789*0#"):
            button = QToolButton(self.keypad)
            button.setText(digit)
            button.setObjectName(f"dtmf_{digit}")
            button.clicked.connect(lambda _=False, d=digit: self._press(d))
            grid.addWidget(button, index // 6, index % 6)
            self.key_buttons[digit] = button
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.who_label)
        layout.addWidget(self.time_label)
        layout.addWidget(self.audio_label)
        layout.addWidget(self.hold_label)
        layout.addWidget(self.transfer_label, 2)
        layout.addWidget(self.security_label)
        layout.addStretch(1)
        layout.addWidget(self.keypad)
        layout.addWidget(self.mute_button)
        layout.addWidget(self.hold_button)
        layout.addWidget(self.hangup_button)
        self.hangup_button.clicked.connect(self.hang_up)
        self.mute_button.toggled.connect(self.on_mute_button_toggled)
        self.hold_button.clicked.connect(self.toggle_hold)
        self.hide()

    def start(self, sip_call_id: str, who: str, *, connected: bool) -> None:
        self.sip_call_id = sip_call_id
        self.who_label.setText(who)
        self.mute_button.setChecked(False)
        self.local_hold = self.remote_hold = False
        self._hold_pending = False
        self._show_hold()
        self.security_label.hide()
        self.set_transfer_note("")
        self.set_connected(connected)
        self.show()

    def set_connected(self, connected: bool) -> None:
        self.keypad.setEnabled(connected)
        self.mute_button.setEnabled(connected)
        self.hold_button.setEnabled(connected)
        if connected:
            self._since = time.monotonic()
            self.time_label.setText("00:00")
            self._clock.start()
        else:
            self.time_label.setText(self.tr("calling…"))

    def set_encryption(self, srtp_suite: str) -> None:
        """Whether the connected call's audio is encrypted (SRTP) or crosses the network in the clear."""
        if srtp_suite:
            self.security_label.setText(self.tr("Encrypted"))
            self.security_label.setToolTip(
                self.tr("The call's audio is encrypted on the network (SRTP, %1).").replace("%1", srtp_suite)
            )
            self.security_label.setStyleSheet("color: #1b5e20; font-weight: bold;")
        else:
            self.security_label.setText(self.tr("Not encrypted"))
            self.security_label.setToolTip(
                self.tr(
                    "The call's audio crosses the network unencrypted (plain RTP): the switchboard did not "
                    "offer SRTP. IT staff can require encryption in the switchboard account (F8)."
                )
            )
            self.security_label.setStyleSheet("color: #8a4b00;")
        self.security_label.show()

    def connected(self, sip_call_id: str) -> bool:
        """Whether the bar shows `sip_call_id` as a connected call."""
        return self.sip_call_id == sip_call_id and self.keypad.isEnabled()

    def set_transfer_note(self, text: str) -> None:
        """Where a consultation or transfer stands ("" hides it)."""
        self.transfer_label.setText(text)
        self.transfer_label.setVisible(bool(text))

    def set_audio_problem(self, problem: str) -> None:
        """'No headset' in the bar while the call cannot be heard or spoken into; why, in the tooltip."""
        self.audio_label.setToolTip(problem)
        self.audio_label.setVisible(bool(problem))

    @property
    def hold_pending(self) -> bool:
        return self._hold_pending

    def toggle_hold(self) -> None:
        """Asks for hold or resume; the switchboard's answer (`set_hold`) decides what the bar shows."""
        if self.sip_call_id and self.hold_button.isEnabled() and not self._hold_pending:
            self._hold_pending = True
            self.hold_button.setEnabled(False)
            self.hold_button.setText(self.tr("Resuming…") if self.local_hold else self.tr("Holding…"))
            self.hold_toggled.emit(self.sip_call_id, not self.local_hold)

    def set_hold(self, local_hold: bool, remote_hold: bool) -> None:
        """What the offer/answer settled: we hold the caller, the caller holds us, or neither."""
        self._hold_pending = False
        self.local_hold, self.remote_hold = local_hold, remote_hold
        self.hold_button.setEnabled(self.keypad.isEnabled())
        self._show_hold()

    def _show_hold(self) -> None:
        self.hold_button.setText(self.tr("Resume (F11)") if self.local_hold else self.tr("Hold (F11)"))
        if self.local_hold:
            self.hold_label.setText(self.tr("On hold"))
        elif self.remote_hold:
            self.hold_label.setText(self.tr("The caller put you on hold"))
        self.hold_label.setVisible(self.local_hold or self.remote_hold)

    def stop(self, sip_call_id: str | None = None) -> None:
        if sip_call_id is not None and sip_call_id != self.sip_call_id:
            return
        self._clock.stop()
        self.sip_call_id = None
        self.hide()

    def hang_up(self) -> None:
        if self.sip_call_id:
            self.hangup_requested.emit(self.sip_call_id)

    def _press(self, digit: str) -> None:
        if self.sip_call_id and self.keypad.isEnabled():
            self.digit_pressed.emit(self.sip_call_id, digit)

    def on_mute_button_toggled(self, checked: bool) -> None:
        if self.sip_call_id:
            self.mute_toggled.emit(self.sip_call_id, checked)

    def on_clock_timeout(self) -> None:
        seconds = int(time.monotonic() - self._since)
        self.time_label.setText(f"{seconds // 60:02d}:{seconds % 60:02d}")

    def keyPressEvent(self, event: object) -> None:  # digits typed while the bar has focus go out as DTMF
        text = getattr(event, "text", lambda: "")()
        if text and text in self.key_buttons:
            self._press(text)
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]
