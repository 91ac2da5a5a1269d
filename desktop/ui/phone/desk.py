"""The phone inside the desk: wires the SIP agent, bridge, pop-up, in-call bar, wrap-up and callback queue."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from desktop.desk import Desk
from desktop.domain.phone import display_phone, is_hidden, try_normalize_phone
from desktop.domain.ticket import Ticket
from desktop.services.phone.account import account_from, policy_from
from desktop.services.phone.agent import Agent, AgentFactory
from desktop.services.phone.callbacks import CallbackItem
from desktop.services.phone.codes import Disposition
from desktop.services.phone.listening import NoRecording
from desktop.services.phone.recording_vault import RecordingError
from desktop.services.phone.session import FinishedCall, RingingCall
from desktop.services.phone.sip_password import SipPasswordStore
from desktop.settings import Settings
from desktop.telephony import (
    AgentPolicy,
    CallHoldChanged,
    CallState,
    CallStateChanged,
    RegistrationChanged,
    SipAccount,
    SipAgent,
    TelephonyEvent,
)
from desktop.telephony.addressing import RouteWatch
from desktop.telephony.dialog import AudioFactory
from desktop.ui.common.host import CallTarget, DeskHost
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.agent_state import AgentStateDesk
from desktop.ui.phone.audio import CallAudioDevice, DeviceProvider, MediaDevices, Ringer
from desktop.ui.phone.bridge import PhoneBridge
from desktop.ui.phone.call_controls import CallControls
from desktop.ui.phone.call_popup import CallPopup
from desktop.ui.phone.call_wrapup import WrapUpDialog
from desktop.ui.phone.callbacks_panel import CallbacksPanel
from desktop.ui.phone.recording_player import RecordingBar, RecordingPlayer
from desktop.ui.phone.sip_settings_dialog import SipSettingsDialog
from desktop.ui.phone.status import show_registration
from desktop.ui.phone.transfer_desk import TransferDesk

PURGE_EVERY_MS = 6 * 60 * 60 * 1000
T = TypeVar("T")
log = logging.getLogger(__name__)


class PhoneDesk(QObject):
    """The phone's screens over the desk's phone session (`Desk.open_phone`) and its SIP agent, which the
    `Desk` holds and stops: this view makes the agent when the account is set, starts and restarts it; every
    SIP call goes through the task runner, never on the GUI thread."""

    def __init__(
        self,
        window: DeskHost,
        desk: Desk,
        settings: Settings,
        passwords: SipPasswordStore,
        runner: TaskRunner,
        *,
        agent_factory: AgentFactory | None = None,
        policy: AgentPolicy | None = None,
        save_settings: Callable[[Settings], None] | None = None,
        devices: DeviceProvider | None = None,
        route_check_seconds: float = 5.0,
    ) -> None:
        super().__init__(window.host_widget())
        self.window = window
        self.desk = desk
        self.session = session = desk.open_phone()
        self.settings = settings
        self.passwords = passwords
        self._runner = runner
        self._policy = policy or AgentPolicy()
        self._agent_factory = agent_factory or self._default_agent
        self._save_settings = save_settings or (lambda _s: None)
        self.registration: RegistrationChanged | None = None
        self.active_call: str | None = None
        self._tickets_by_log: dict[str, str] = {}
        self._ringing: dict[str, RingingCall] = {}
        # each connected call's SRTP suite ("" plain): its ANSWERED event may come before the bar is set up
        self._encryption: dict[str, str] = {}
        self.last_finished: FinishedCall | None = None
        self.wrap_up_dialog: WrapUpDialog | None = None

        self.bridge = PhoneBridge(session, self)
        desk.hear_phone_errors(self.bridge.report_error)
        self.devices = devices or MediaDevices()
        self.audio = CallAudioDevice(settings, self.devices, self)
        self.ringer = Ringer(settings, self.devices, parent=self)
        session.use_sound_device(self.audio.sink, self.audio.source)
        parent = window.host_widget()
        self.popup = CallPopup(parent)
        self.controls = CallControls(parent)
        window.add_call_bar(self.controls)
        self.callbacks = CallbacksPanel(session.callbacks, runner, parent)
        window.add_side_panel(self.callbacks, self.tr("Callbacks"))
        self.callbacks.follow(window.changes)
        self.player = RecordingPlayer(settings, self.devices, self)  # recordings play on this desk only
        self.recording_bar = RecordingBar(self.player, parent)
        self._played_from_popup = False  # the recording playing was chosen in the ringing pop-up
        window.add_status_widget(self.recording_bar)
        self._build_actions()
        self.readiness = AgentStateDesk(self, self.menu)  # ready or not: whether calls ring here
        self._connect()
        self._secret: str | None = None
        self._start_generation = 0
        self._stopped = False
        self._route_watch: RouteWatch | None = None
        self._route_check_running = False
        self._route_timer = QTimer(self)
        self._route_timer.setInterval(int(route_check_seconds * 1000))
        self._route_timer.timeout.connect(self.on_route_timer_timeout)
        self._route_timer.start()
        self.show_registration()

    def keep_settings(self) -> None:
        """Saves the settings (the agent state the operator chose: kept across a restart)."""
        try:
            self._save_settings(self.settings)
        except OSError as error:
            # the error's text carries the file's path, and so the user's profile name: the reason only
            reason = error.strerror or type(error).__name__
            log.warning("settings not saved: %s (errno %s)", reason, error.errno)

    @property
    def agent(self) -> Agent | None:
        """The desk's SIP agent (None: no account, not started yet, stopped)."""
        return self.desk.phone_agent

    # -- construction --------------------------------------------------------------------------
    def _default_agent(
        self, account: SipAccount, listener: Callable[[TelephonyEvent], None], audio: AudioFactory
    ) -> Agent:
        return SipAgent(account, listener, policy_from(self.settings, self._policy), audio)

    def make_action(self, name: str, text: str, keys: list[str], slot: Callable[[], object]) -> QAction:
        """A window-wide action with its shortcuts (the Phone menu's and its helpers')."""
        action = QAction(text, self.window.host_widget())
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.window.add_shortcut(action)
        return action

    def _build_actions(self) -> None:
        self.settings_action = self.make_action(
            "sipSettingsAction", self.tr("Switchboard &account…"), ["F8"], self.open_settings
        )
        self.dial_action = self.make_action(
            "dialAction", self.tr("&Call the ticket's number"), ["Ctrl+Shift+D"], self.dial_from_focus
        )
        self.dial_action.setStatusTip(
            self.tr("Calls the number of the ticket in the list, the history or the form, wherever you are")
        )
        self.list_dial_action = QAction(self.tr("Call this number (Ctrl+Shift+D)"), self.window.host_widget())
        self.list_dial_action.setObjectName("listDialAction")  # no shortcut of its own: dial_action's
        self.list_dial_action.triggered.connect(self.dial_from_list)
        self.window.add_list_action(self.list_dial_action)
        self.hangup_action = self.make_action(
            "hangupAction", self.tr("&Hang up"), ["F12"], self.controls.hang_up
        )
        self.hold_action = self.make_action(
            "holdAction", self.tr("H&old / resume"), ["F11"], self.controls.toggle_hold
        )
        self.callbacks_action = self.make_action(
            "callbacksAction", self.tr("Call&backs"), ["Ctrl+B"], self.focus_callbacks
        )
        self.transfers = TransferDesk(self)
        phone_keys = [self.dial_action, self.hangup_action, self.hold_action, self.callbacks_action]
        phone_keys[3:3] = self.transfers.actions
        self.window.list_shortcuts([*phone_keys, self.settings_action])  # listed by F1
        menu = QMenu(self.tr("&Phone"), self.window.host_widget())
        menu.setObjectName("phoneMenu")
        self.window.add_desk_menu(menu)
        menu.addActions(phone_keys)
        menu.addSeparator()
        menu.addAction(self.settings_action)
        self.menu = menu

    def _connect(self) -> None:
        queued = Qt.ConnectionType.QueuedConnection
        self.bridge.call_ringing.connect(self.on_bridge_call_ringing, queued)
        self.bridge.call_state_changed.connect(self.on_bridge_call_state_changed, queued)
        self.bridge.call_finished.connect(self.on_bridge_call_finished, queued)
        self.bridge.registration_changed.connect(self.on_bridge_registration_changed, queued)
        self.bridge.phone_error.connect(self.on_bridge_phone_error, queued)
        self.bridge.hold_changed.connect(self.on_bridge_hold_changed, queued)
        self.popup.answer_requested.connect(self.answer)
        self.popup.reject_requested.connect(self.reject)
        self.popup.recording_requested.connect(self.play_popup_recording)
        self.popup.stop_recording_requested.connect(self.player.stop)
        self.player.stopped.connect(self.on_player_stopped)
        self.controls.hangup_requested.connect(self.hang_up)
        self.controls.mute_toggled.connect(self.set_muted)
        self.controls.digit_pressed.connect(self.send_digit)
        self.controls.hold_toggled.connect(self.set_hold)
        self.callbacks.call_requested.connect(self.call_back)
        self.window.on_call_requested(self.call_requested)  # caller history, survey list
        self.window.on_recording_requested(self.play_recording)  # caller history's calls
        self.window.on_ticket_saved(self.on_form_ticket_saved)

    # -- recordings ----------------------------------------------------------------------------
    def play_recording(self, log_id: str) -> None:
        """The caller history's play: decrypted on a worker into memory (the listen on the access record),
        played to the headset; a ringing or live call has the headset, and a missing device is said."""
        if self.busy():
            self.window.show_message(
                self.tr("A call is ringing or on: listen to recordings after it ends."), 8000
            )
            return
        self._open_recording(log_id, from_popup=False)

    def play_popup_recording(self, log_id: str) -> None:
        """The pop-up's play (F4): a past call of the ringing caller, heard before answering; the ringtone
        pauses while it plays, answering stops it (the call takes the headset)."""
        ringing = self.popup.ringing
        if ringing is None or ringing.sip_call_id not in self._ringing:
            return
        if self.active_call is not None:
            self.popup.show_recording_problem(self.tr("A call is on: listen to recordings after it ends."))
            return
        self._open_recording(log_id, from_popup=True)

    def _open_recording(self, log_id: str, *, from_popup: bool) -> None:
        say = self.popup.show_recording_problem if from_popup else self._say_in_status_bar
        problem = self.player.problem()
        if problem:
            say(problem)
            return
        listening = self.session.listening
        screen = "ringing_popup" if from_popup else "history_panel"
        ringing = self.popup.ringing.sip_call_id if from_popup and self.popup.ringing else None
        self._runner.run(
            lambda: listening.open(log_id, screen),
            lambda pcm: self._on_recording_opened(pcm, ringing),
            lambda error: self._on_recording_failed(error, say),
        )

    def _say_in_status_bar(self, message: str) -> None:
        self.window.show_message(message, 10000)

    def _on_recording_opened(self, pcm: bytes, ringing: str | None) -> None:
        if ringing is None and self.busy():  # a call rang meanwhile: it has the headset
            return
        if ringing is not None and (
            self.active_call is not None
            or self.popup.ringing is None
            or self.popup.ringing.sip_call_id != ringing
        ):
            return  # answered, refused or gone meanwhile
        problem = self.player.play(pcm)
        if problem:
            (self.popup.show_recording_problem if ringing else self._say_in_status_bar)(problem)
            return
        self._played_from_popup = ringing is not None
        if ringing is not None:
            self.ringer.stop()  # the operator listens: the pop-up still blinks
            self.popup.set_playing(True)

    def _on_recording_failed(self, error: BaseException, say: Callable[[str], None]) -> None:
        if isinstance(error, (NoRecording, RecordingError)):
            say(str(error))
        else:
            log.warning("recording could not be opened: %s", type(error).__name__)
            say(self.tr("The recording could not be opened."))

    def on_player_stopped(self) -> None:
        """The recording ended or was stopped: a pop-up still ringing rings again."""
        if not self._played_from_popup:
            return
        self._played_from_popup = False
        self.popup.set_playing(False)
        if self.popup.isVisible() and self.popup.ringing is not None and self.popup.answer_button.isEnabled():
            self.popup.set_audible(self.ringer.ring())

    # -- lifecycle -----------------------------------------------------------------------------
    def busy(self) -> bool:
        """A call ringing or on: nothing that restarts the desk may happen now."""
        return self.active_call is not None or bool(self._ringing)

    @property
    def configured(self) -> bool:
        return bool(self.settings.sip_server.strip() and self.settings.sip_extension.strip())

    def start(self, password: str | None = None) -> None:
        """Starts the agent on a worker thread when the account is set; the saved password is read from the
        keyring on a worker too (a slow or locked keyring never freezes the window)."""
        self._start_generation += 1
        self._stopped = False
        if not self.configured:
            self.show_registration()
            return
        if password:
            self._start_with(password)
            return
        generation = self._start_generation
        server, extension = self.settings.sip_server, self.settings.sip_extension
        self._runner.run(
            lambda: self.passwords.get(server, extension),
            lambda secret: self._on_password_read(generation, secret),
            lambda _error: self._on_password_read(generation, None),
        )

    def _on_password_read(self, generation: int, secret: object) -> None:
        if generation != self._start_generation:
            return  # stopped or started again meanwhile
        if not isinstance(secret, str) or not secret:
            self.show_registration()  # no saved password: the account dialog asks for one
            return
        self._start_with(secret)

    def _start_with(self, secret: str) -> None:
        try:
            account = account_from(self.settings, secret)
        except ValueError as error:  # a hand-edited settings file: say so, the desk goes on without phone
            self._on_start_failed(error)
            return
        agent = self.desk.connect_phone(account, self.bridge, self._agent_factory)
        agent.set_do_not_disturb(self.readiness.refusal_code())  # before it can ring: on a break, never
        self._secret = secret
        self._route_watch = (
            None if self.settings.sip_local_ip.strip() else RouteWatch(*account.next_hop, account.local_host)
        )
        self.registration = None
        self.show_registration()
        self._runner.run(agent.start, lambda _r: None, self._on_start_failed)
        self.callbacks.reload()

    def on_route_timer_timeout(self) -> None:
        """Every few seconds: has the route to the PBX moved to another local address? (off the GUI thread)"""
        watch = self._route_watch
        if watch is None or self.agent is None or self._route_check_running:
            return
        self._route_check_running = True
        self._runner.run(watch.check, self._on_route_checked, self._on_route_check_failed)

    def _on_route_checked(self, new_address: str | None) -> None:
        self._route_check_running = False
        if new_address is None or self.agent is None:
            return
        if self.active_call is not None or self._ringing:
            # A call in progress keeps its dialog; the desk moves when it ends (the next check sees it).
            assert self._route_watch is not None
            self._route_watch.current = ""
            return
        log.info("local address towards the switchboard changed: re-registering from it")
        self.window.show_message(
            self.tr("The network changed: registering again with the switchboard from the new address…"), 8000
        )
        self.restart(self._secret)

    def _on_route_check_failed(self, _error: BaseException) -> None:
        self._route_check_running = False

    def stop(self) -> None:
        """Stops the agent (bounded: < 2 s) and flushes the call log; called when the desk closes.

        The agent answers every ringing call 480 and logs it; the desk forgets them here, so the end events
        still queued towards the window start no pop-up, wrap-up or background work of a desk that is gone."""
        self._route_timer.stop()
        self._stopped = True
        self._start_generation += 1  # a keyring read still running starts nothing
        agent = self.desk.disconnect_phone()
        if agent is not None:
            agent.stop()
        for sip_call_id in list(self._ringing):
            self.popup.close_call(sip_call_id)
        self._ringing.clear()
        self.ringer.stop()
        self.audio.stop_call()
        self.player.stop()
        self.session.flush()

    def restart(self, password: str | None = None) -> None:
        agent = self.desk.disconnect_phone()
        if agent is not None:
            self._runner.run(agent.stop, lambda _r: self.start(password), lambda _e: self.start(password))
        else:
            self.start(password)

    def _on_start_failed(self, error: BaseException) -> None:
        self.window.sip_label.setText(self.tr("Switchboard: cannot start (%1)").replace("%1", str(error)))
        self.window.sip_label.setToolTip(
            self.tr("The local SIP port is taken or the server name is wrong. Check the account (F8).")
        )

    def show_registration(self) -> str:
        return show_registration(self.window.sip_label, self.registration, self.configured)

    # -- calls ---------------------------------------------------------------------------------
    def answer(self, sip_call_id: str) -> None:
        agent = self.agent
        ringing = self._ringing.get(sip_call_id)
        if agent is None or ringing is None:
            return
        self._runner.run(
            lambda: agent.answer(sip_call_id),
            lambda _r: self._on_answered(ringing),
            lambda error: self._on_call_failed(sip_call_id, error),
        )

    def _on_answered(self, ringing: RingingCall) -> None:
        self._ringing.pop(ringing.sip_call_id, None)  # no longer ringing: never shown again as such
        self._close_popup(ringing.sip_call_id)
        self.active_call = ringing.sip_call_id
        history = ringing.history
        name = history.citizen.name if history and history.citizen else ""
        self.controls.start(ringing.sip_call_id, f"{ringing.local_number} {name}".strip(), connected=True)
        if ringing.sip_call_id in self._encryption:
            self.controls.set_encryption(self._encryption[ringing.sip_call_id])
        self._start_audio()
        phone = "" if is_hidden(ringing.number) else ringing.local_number  # withheld: the operator asks
        self.window.open_call_ticket(phone, name, ringing.log_id)
        self.window.bring_to_front()  # the operator types the ticket next

    def reject(self, sip_call_id: str) -> None:
        agent = self.agent
        self._close_popup(sip_call_id)
        if agent is not None:
            self._runner.run(
                lambda: agent.reject(sip_call_id, 486),
                lambda _r: None,
                lambda error: self._on_call_failed(sip_call_id, error),
            )

    def _on_call_failed(self, sip_call_id: str, error: BaseException) -> None:
        self._close_popup(sip_call_id)
        self.window.show_message(
            self.tr("The call is no longer there (the caller hung up?): %1").replace("%1", str(error)), 8000
        )

    def _close_popup(self, sip_call_id: str) -> None:
        """The pop-up lets go of this call; another citizen still ringing takes its place (the latest),
        else the ringing stops."""
        self.popup.close_call(sip_call_id)
        if self.popup.isVisible():
            return
        if self._played_from_popup:  # its recording goes with the call (answered: the call's headset)
            self.player.stop()
        waiting = [ringing for call_id, ringing in self._ringing.items() if call_id != sip_call_id]
        if waiting and not self._stopped:
            self.popup.show_call(waiting[-1])
            self.popup.set_audible(self.ringer.ring())
        else:
            self.ringer.stop()

    def _start_audio(self) -> None:
        """GUI thread, once the call is connected: the headset opens (or the bar says there is none)."""
        self.controls.set_audio_problem(self.audio.start_call())

    def hang_up(self, sip_call_id: str) -> None:
        agent = self.agent
        if agent is not None:
            self._runner.run(lambda: agent.hangup(sip_call_id), lambda _r: None, lambda _e: None)

    def set_muted(self, sip_call_id: str, muted: bool) -> None:
        self.session.set_muted(sip_call_id, muted)

    def set_hold(self, sip_call_id: str, hold: bool) -> None:
        """Hold or resume (a re-INVITE); the bar waits for `CallHoldChanged`, or is put back on failure."""
        agent = self.agent
        if agent is None:
            return
        request = agent.hold if hold else agent.resume
        self._runner.run(
            lambda: request(sip_call_id),
            lambda _r: None,
            lambda error: self._on_hold_failed(sip_call_id, error),
        )

    def _on_hold_failed(self, sip_call_id: str, error: BaseException) -> None:
        if self.controls.sip_call_id == sip_call_id:
            self.controls.set_hold(self.controls.local_hold, self.controls.remote_hold)
        self.window.show_message(self.tr("Hold did not work: %1").replace("%1", str(error)), 8000)

    def on_bridge_hold_changed(self, event: CallHoldChanged) -> None:
        if self.controls.sip_call_id != event.call_id:
            return
        refused = self.controls.hold_pending and self.controls.local_hold == event.local_hold
        self.controls.set_hold(event.local_hold, event.remote_hold)
        if refused:
            self.window.show_message(
                self.tr("The switchboard did not accept hold or resume; the call is as it was."), 8000
            )

    def send_digit(self, sip_call_id: str, digit: str) -> None:
        agent = self.agent
        if agent is not None:
            self._runner.run(lambda: agent.send_dtmf(sip_call_id, digit), lambda _r: None, lambda _e: None)

    def dial(self, number: str, *, ticket_id: str | None = None, callback_id: str | None = None) -> bool:
        """Click-to-call (ticket, history, queue, surveys): logged and linked; False when it cannot dial."""
        agent = self.agent
        stored = try_normalize_phone(number)
        if agent is None or stored is None or self.active_call is not None:
            self.window.show_message(self._why_no_dial(agent, stored), 8000)
            return False
        dialled = "0" + stored[3:] if stored.startswith("+84") else stored
        self.player.stop()  # the headset is the call's
        session = self.session
        self._runner.run(
            lambda: session.dial(agent, dialled, callback_id=callback_id, ticket_id=ticket_id),
            lambda call: self._on_dialled(call.sip_call_id, display_phone(stored)),
            lambda error: self.window.show_message(
                self.tr("Could not call: %1").replace("%1", str(error)), 8000
            ),
        )
        return True

    def _why_no_dial(self, agent: Agent | None, stored: str | None) -> str:
        if agent is None:
            return self.tr("The phone is not connected to the switchboard (see the status bar).")
        if stored is None:
            return self.tr("This is not a phone number that can be called.")
        return self.tr("Finish the current call first.")

    def _on_dialled(self, sip_call_id: str, shown: str) -> None:
        self.active_call = sip_call_id
        self.controls.start(sip_call_id, shown, connected=False)

    def dial_from_list(self) -> bool:
        """The selected row of the ticket list (its context menu, or Ctrl+Shift+D while it has focus)."""
        return self._dial_target(self.window.selected_list_number())

    def dial_from_focus(self) -> bool:
        """Ctrl+Shift+D: the number of whatever the operator is looking at (history, list, else the form)."""
        return self._dial_target(self.window.number_in_view())

    def _dial_target(self, target: CallTarget | None) -> bool:
        if target is None:  # the list has the focus, no row selected
            self.window.show_message(self.tr("Select a ticket in the list first."), 5000)
            return False
        return self.dial(target.phone, ticket_id=target.ticket_id)

    def call_requested(self, phone: str, ticket_id: str | None = None) -> None:
        """Slot for other screens' `call_requested(phone, ticket_id)` (surveys, history)."""
        self.dial(phone, ticket_id=ticket_id or None)

    def call_back(self, item: CallbackItem) -> None:
        """The queue's Enter: the call, and its ticket on the form to note the outcome or resolve it after
        the call. The form's unsaved typing is settled first, as when any other ticket opens (Lưu / Bỏ;
        Hủy calls no one); the queue, with a unit's answer, stays beside the form."""
        if self.agent is None or self.active_call is not None:
            self.window.show_message(self._why_no_dial(self.agent, try_normalize_phone(item.phone)), 8000)
            return

        def call() -> None:
            if self.dial(item.phone, ticket_id=item.ticket_id, callback_id=item.id) and item.ticket_id:
                self.window.open_ticket(item.ticket_id)

        self.window.when_form_settled(call)

    def focus_callbacks(self) -> None:
        self.window.show_side_panel(self.callbacks)
        self.callbacks.reload()
        self.callbacks.view.setFocus()

    def open_settings(self) -> None:
        dialog = SipSettingsDialog(
            self.settings,
            self.passwords,
            self._runner,
            self._policy,
            self.window.host_widget(),
            devices=self.devices,
        )
        if dialog.exec():
            self._save_settings(self.settings)
            self.session.recordings.enabled = self.settings.phone_record_calls
            self.restart(dialog.session_password)

    # -- slots ---------------------------------------------------------------------------------
    def on_bridge_call_ringing(self, ringing: RingingCall) -> None:
        if self._stopped:
            return  # the agent already answered it 480 as it stopped
        self.player.stop()  # the headset is the call's
        self._ringing[ringing.sip_call_id] = ringing
        self.popup.show_call(ringing)
        self.popup.set_audible(self.ringer.ring())

    def on_bridge_call_state_changed(self, event: CallStateChanged) -> None:
        if event.state is CallState.ANSWERED:
            self._encryption[event.call_id] = event.srtp_suite
        if event.call_id == self.active_call and event.state is CallState.ANSWERED:
            self.controls.set_connected(True)
            self.controls.set_encryption(event.srtp_suite)
            if not self.audio.active:
                self._start_audio()

    def on_bridge_call_finished(self, finished: FinishedCall) -> None:
        if self._stopped:
            return  # logged by the session already; no wrap-up nor refresh for a desk that has stopped
        if self.transfers.owns(finished):  # the consultation is part of the citizen's call: no wrap-up
            self._encryption.pop(finished.sip_call_id, None)
            self._publish_call_logged(finished.number)
            return
        self._ringing.pop(finished.sip_call_id, None)
        self._encryption.pop(finished.sip_call_id, None)
        self._close_popup(finished.sip_call_id)
        self.controls.stop(finished.sip_call_id)
        if self.active_call == finished.sip_call_id:
            self.active_call = None
            self.audio.stop_call()
        self.last_finished = finished
        if finished.answered:
            saved = finished.log_id in self._tickets_by_log
            proposed = Disposition.TICKET_CREATED if saved else Disposition.INFORMATION_GIVEN
            dialog = WrapUpDialog(finished, proposed, self.window.host_widget())
            dialog.chosen.connect(self.on_wrap_up_chosen)
            self.wrap_up_dialog = dialog
            dialog.show()
            dialog.activateWindow()
            self.readiness.after_call_started(dialog)
        self._publish_call_logged(finished.number)
        self.transfers.after_finished()

    def adopt_call(self, sip_call_id: str, shown: str) -> None:
        """A connected call becomes the desk's call (the consultation, once the citizen hung up)."""
        self.active_call = sip_call_id
        self.controls.start(sip_call_id, shown, connected=True)
        if sip_call_id in self._encryption:
            self.controls.set_encryption(self._encryption[sip_call_id])
        self._start_audio()

    def run(
        self, job: Callable[[], T], done: Callable[[T], None], failed: Callable[[BaseException], None]
    ) -> None:
        """`job` on a worker (SIP requests never block the window), `done`/`failed` on the GUI thread."""
        self._runner.run(job, done, failed)

    def _publish_call_logged(self, number: str) -> None:
        """On a worker: the desk publishes the change once the call's own writes (a missed call) are done."""
        desk = self.desk
        self._runner.run(lambda: desk.call_logged(number), lambda _none: None, lambda _error: None)

    def on_wrap_up_chosen(self, finished: FinishedCall, disposition: Disposition) -> None:
        self.session.wrap_up(finished, disposition)
        self.window.show_message(self.tr("Call recorded as: %1").replace("%1", disposition.label), 5000)

    def on_bridge_registration_changed(self, event: RegistrationChanged) -> None:
        self.registration = event
        self.show_registration()

    def on_bridge_phone_error(self, message: str) -> None:
        self.window.show_message(message, 10000)

    def on_form_ticket_saved(self, ticket: Ticket) -> None:
        log_id = ticket.draft.call_id
        if log_id and log_id not in self._tickets_by_log:
            self._tickets_by_log[log_id] = ticket.id
            self.session.link_ticket(log_id, ticket.id)


def install_phone(
    window: DeskHost, desk: Desk, settings: Settings, data_dir: Path, runner: TaskRunner
) -> PhoneDesk:
    """The hook of launch.py: opens the desk's phone session, builds the phone desk over it, starts the
    agent when configured."""
    from desktop.services.phone.recording_vault import RecordingKey
    from desktop.services.phone.session import RecordingPolicy
    from desktop.services.phone.sip_password import default_backend

    recordings = RecordingPolicy(
        enabled=settings.phone_record_calls,
        folder=Path(data_dir) / "recordings",
    )
    session = desk.open_phone(recordings)
    passwords = SipPasswordStore(default_backend)  # the keyring is found on a worker, never here
    runner.run(passwords.probe, lambda _kept: None, lambda _error: None)
    phone = PhoneDesk(
        window,
        desk,
        settings,
        passwords,
        runner,
        save_settings=lambda s: s.save(Path(data_dir)),
    )
    phone.start()
    purge = QTimer(
        window.host_widget()
    )  # at start and every few hours: old recordings and a crashed call's WAV go
    purge.setInterval(PURGE_EVERY_MS)
    purge.timeout.connect(lambda: runner.run(session.purge_recordings, lambda _n: None, lambda _e: None))
    purge.start()

    def purge_now() -> None:
        runner.run(session.purge_recordings, lambda _n: None, lambda _e: None)

    def keep_key(key: bytes) -> None:
        recordings.key = key
        purge_now()  # with the key: an older version's plain WAVs are sealed now, not hours later

    # the recording key comes from the keyring on a worker too (a locked keyring never freezes the window)
    store = desk.own_store()
    runner.run(
        lambda: RecordingKey(default_backend(), store).get_or_create(), keep_key, lambda _e: purge_now()
    )
    return phone
