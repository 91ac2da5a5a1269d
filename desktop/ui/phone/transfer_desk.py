"""Transfer, consultation and the three-way call on the desk: the Phone menu's actions (F7 and its
variants), the transfer dialog, the agent requests on the task runner, and what the operator is told."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from desktop.services.phone.session import FinishedCall
from desktop.telephony import CallState, CallStateChanged, TransferChanged, TransferState
from desktop.ui.phone.transfer_dialog import TransferDialog, TransferMode, transfer_directory

if TYPE_CHECKING:
    from desktop.ui.phone.desk import PhoneDesk

MESSAGE_MS = 15000


class TransferDesk(QObject):
    """The citizen's call (the desk's active call) and, while consulting, our call to the target."""

    def __init__(self, desk: PhoneDesk) -> None:
        super().__init__(desk)
        self.desk = desk
        self.consultation: str | None = None  # our call to the specialist while the citizen waits
        self._answered_while_dialling: set[str] = set()
        self.consulted = ""  # its number, as shown
        self.joined = False
        self._promote: tuple[str, str] | None = None  # the citizen left: the consultation becomes the call
        self.dialog: TransferDialog | None = None
        self._mine: set[str] = set()  # every consultation call not yet ended: none gets a wrap-up
        self.transfer_action = desk.make_action(
            "transferAction", self.tr("&Transfer the call…"), ["F7"], self.open_dialog
        )
        self.complete_action = desk.make_action(
            "completeTransferAction", self.tr("Com&plete the transfer"), ["Shift+F7"], self.complete
        )
        self.join_action = desk.make_action(
            "threeWayAction", self.tr("Three-&way call"), ["Ctrl+F7"], self.join
        )
        self.back_action = desk.make_action(
            "backToCitizenAction", self.tr("Bac&k to the citizen"), ["Ctrl+Shift+F7"], self.back
        )
        self.actions = [self.transfer_action, self.complete_action, self.join_action, self.back_action]
        queued = Qt.ConnectionType.QueuedConnection
        desk.bridge.transfer_changed.connect(self.on_bridge_transfer_changed, queued)
        desk.bridge.call_state_changed.connect(self.on_bridge_call_state_changed, queued)

    def _say(self, text: str) -> None:
        self.desk.window.show_message(text, MESSAGE_MS)
        self.desk.controls.set_transfer_note(text if self.consultation else "")

    def _connected_call(self) -> str | None:
        call = self.desk.active_call
        return call if call is not None and self.desk.controls.connected(call) else None

    # actions ---------------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        if self.consultation is not None:
            self._say(self._consulting_hint())
            return
        call, agent = self._connected_call(), self.desk.agent
        if call is None or agent is None:
            self.desk.window.show_message(self.tr("There is no call in progress to transfer."), MESSAGE_MS)
            return
        dialog = TransferDialog(
            transfer_directory(self.desk.settings.transfer_directory), self.desk.window.host_widget()
        )
        dialog.accepted.connect(lambda: self._chosen(call, dialog))
        self.dialog = dialog
        dialog.open()

    def _chosen(self, call: str, dialog: TransferDialog) -> None:
        self.desk.window.host_widget().activateWindow()  # the keys that follow (Shift/Ctrl+F7) go there
        agent, number = self.desk.agent, dialog.number
        if agent is None or not self.desk.controls.connected(call):
            self._say(self.tr("There is no call in progress to transfer."))
            return
        if dialog.mode is TransferMode.BLIND:
            self.desk.run(
                lambda: agent.transfer(call, number),
                lambda _r: None,
                lambda error: self._say(self.tr("Could not transfer the call: %1").replace("%1", str(error))),
            )
            return
        session = self.desk.session

        def consult() -> str:
            agent.hold(call)  # the citizen waits in silence (the session mutes our audio while held)
            return session.dial(agent, number).sip_call_id

        self.consultation, self.consulted = "", number  # "" until the dial returns its id
        self.desk.run(consult, self._on_consultation_dialled, self._on_consultation_not_dialled)

    def _on_consultation_dialled(self, sip_call_id: str) -> None:
        self.consultation = sip_call_id
        self._mine.add(sip_call_id)
        # The specialist may have answered before the dial's result reached this thread: that answered
        # event named a call this desk did not know yet, and the bar said "Calling" all through the talk.
        answered, self._answered_while_dialling = sip_call_id in self._answered_while_dialling, set()
        if answered:
            self._say(self._consulting_hint())
            return
        self._say(self.tr("Calling %1; the citizen is on hold.").replace("%1", self.consulted))

    def _on_consultation_not_dialled(self, error: BaseException) -> None:
        self.consultation = None
        self._resume_citizen()
        self._say(
            self.tr("Could not call %1 (%2); you are back with the citizen.")
            .replace("%1", self.consulted)
            .replace("%2", str(error))
        )

    def complete(self) -> None:
        call, consultation, agent = self._connected_call(), self.consultation, self.desk.agent
        if not consultation or call is None or agent is None:
            self._say(self.tr("Call the specialist first (F7, then 'Talk to them first')."))
            return
        self.desk.run(
            lambda: agent.attended_transfer(call, consultation),
            lambda _r: None,
            lambda error: self._say(self.tr("Could not transfer the call: %1").replace("%1", str(error))),
        )

    def join(self) -> None:
        call, consultation, agent = self._connected_call(), self.consultation, self.desk.agent
        if not consultation or call is None or agent is None:
            self._say(self.tr("Call the specialist first (F7, then 'Talk to them first')."))
            return

        def joined(_r: object) -> None:
            self.joined = True
            self._say(
                self.tr("Three-way call: the citizen, %1 and you hear each other.").replace(
                    "%1", self.consulted
                )
            )

        self.desk.run(
            lambda: agent.join(call, consultation),
            joined,
            lambda error: self._say(self.tr("Could not join the calls: %1").replace("%1", str(error))),
        )

    def back(self) -> None:
        """End the consultation (or the three-way call's other leg) and talk to the citizen again."""
        consultation, agent = self.consultation, self.desk.agent
        if not consultation or agent is None:
            self._say(self.tr("There is no consultation to leave."))
            return
        self.desk.run(lambda: agent.hangup(consultation), lambda _r: None, lambda _e: None)
        self._clear()
        self._resume_citizen()
        self.desk.window.show_message(self.tr("You are back with the citizen."), MESSAGE_MS)

    def _resume_citizen(self) -> None:
        call, agent = self.desk.active_call, self.desk.agent
        if call is not None and agent is not None:
            self.desk.run(lambda: agent.resume(call), lambda _r: None, lambda _e: None)

    def _clear(self) -> None:
        self.consultation, self.joined = None, False
        self.desk.controls.set_transfer_note("")

    def _consulting_hint(self) -> str:
        return self.tr(
            "Talking to %1: Shift+F7 completes the transfer, Ctrl+F7 joins the three of you, "
            "Ctrl+Shift+F7 goes back to the citizen."
        ).replace("%1", self.consulted)

    # agent events (GUI thread) -------------------------------------------------------------------
    def on_bridge_call_state_changed(self, event: CallStateChanged) -> None:
        if self.consultation == "" and event.state is CallState.ANSWERED:  # dialling: its id not back yet
            self._answered_while_dialling.add(event.call_id)
        if event.call_id == self.consultation and event.state is CallState.ANSWERED:
            self._say(self._consulting_hint())

    def on_bridge_transfer_changed(self, event: TransferChanged) -> None:
        if event.state in (TransferState.REQUESTED, TransferState.TRYING):
            text = self.tr("Transferring the call…")
            if event.code in (180, 183):
                text = self.tr("Transferring the call: the other phone is ringing…")
            self.desk.window.show_message(text, MESSAGE_MS)
        elif event.state is TransferState.SUCCEEDED:
            self._clear()
            self.desk.window.show_message(self.tr("The call was transferred."), MESSAGE_MS)
        else:
            text = self.tr("The transfer did not work (%1): the call stays with you.").replace(
                "%1", self._failure(event.code)
            )
            if self.consultation:
                text += " " + self._consulting_hint()
            self._say(text)

    def _failure(self, code: int | None) -> str:
        if code in (486, 600):
            return self.tr("the line is busy")
        if code in (404, 484, 604):
            return self.tr("no such number")
        if code in (408, 480, 487):
            return self.tr("nobody answered")
        if code == 603:
            return self.tr("declined")
        if code in (405, 420, 501):
            return self.tr("the caller's phone or the switchboard cannot transfer")
        if code is None:
            return self.tr("no answer from the caller's phone")
        return self.tr("switchboard code %1").replace("%1", str(code))

    def owns(self, finished: FinishedCall) -> bool:
        """A call ended: True when it was the consultation (part of the citizen's call: no wrap-up)."""
        if finished.sip_call_id in self._mine:
            self._mine.discard(finished.sip_call_id)
            if finished.sip_call_id != self.consultation:
                return True  # left with Ctrl+Shift+F7, or handed over by the transfer
            self._clear()
            if finished.answered:
                self.desk.window.show_message(self.tr("The consultation ended."), MESSAGE_MS)
            else:
                self._resume_citizen()
                self._say(
                    self.tr("%1 did not answer; you are back with the citizen.").replace("%1", self.consulted)
                )
            return True
        if self.consultation and finished.sip_call_id == self.desk.active_call:
            self._promote = (self.consultation, self.consulted)  # the citizen hung up while waiting
            self._clear()
        return False

    def after_finished(self) -> None:
        """After the citizen's call was wound up: the consultation still up becomes the desk's call."""
        if self._promote is not None:
            sip_call_id, shown = self._promote
            self._promote = None
            self.desk.adopt_call(sip_call_id, shown)
