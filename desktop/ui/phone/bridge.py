"""The one way from the SIP agent's threads onto the GUI thread: its events re-emitted as queued signals."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from desktop.services.phone.session import PhoneSession
from desktop.telephony import (
    CallEnded,
    CallHoldChanged,
    CallStateChanged,
    DtmfReceived,
    IncomingCall,
    RegistrationChanged,
    RegistrationRefreshed,
    TelephonyEvent,
    TransferChanged,
)

log = logging.getLogger(__name__)


class PhoneBridge(QObject):
    """The agent's listener. Lives on the GUI thread; `__call__` runs on the agent's "sip-events" thread,
    lets the Qt-free session do its part there (the caller's history, the call log) and emits signals,
    which Qt queues to the GUI thread. Widgets never see an agent object."""

    registration_changed = Signal(object)  # RegistrationChanged
    call_ringing = Signal(object)  # RingingCall (with the caller's history)
    call_state_changed = Signal(object)  # CallStateChanged
    call_finished = Signal(object)  # FinishedCall
    dtmf_received = Signal(object)  # DtmfReceived
    hold_changed = Signal(object)  # CallHoldChanged
    transfer_changed = Signal(object)  # TransferChanged
    phone_error = Signal(str)

    def __init__(self, session: PhoneSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session

    def __call__(self, event: TelephonyEvent) -> None:
        """SIP event thread: never touches a widget."""
        if isinstance(event, IncomingCall):
            self.call_ringing.emit(self._session.on_incoming(event))
        elif isinstance(event, CallStateChanged):
            self._session.on_state(event)
            self.call_state_changed.emit(event)
        elif isinstance(event, CallEnded):
            finished = self._session.on_ended(event)
            if finished is not None:
                self.call_finished.emit(finished)
        elif isinstance(event, RegistrationChanged):
            self.registration_changed.emit(event)
        elif isinstance(event, CallHoldChanged):
            self._session.set_held(event.call_id, event.local_hold)
            self.hold_changed.emit(event)
        elif isinstance(event, TransferChanged):
            self._session.on_transfer(event)
            self.transfer_changed.emit(event)
        elif isinstance(event, DtmfReceived):
            self.dtmf_received.emit(event)
        elif isinstance(event, RegistrationRefreshed):
            pass
        else:
            log.info("SIP: %s", event)

    def report_error(self, message: str) -> None:
        """Any thread: the session's write failures, shown in the status bar."""
        self.phone_error.emit(message)
