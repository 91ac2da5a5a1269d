"""The operator's state (ready, or not ready with a reason), after-call work, and the refusal of calls.

The operator picks a state in Phone ▸ State, from the status bar's state button, or with Alt+0 (ready),
Alt+1… (the reasons, in the vocabulary's order). While the desk refuses calls (`refuses_calls`:
not ready, or the first seconds of after-call work) the SIP agent answers new INVITEs 486 Busy Here and
nothing rings. The presence desk publishes the chosen state to the supervisors.
"""

from __future__ import annotations

import logging
from datetime import datetime
from time import monotonic
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QToolButton

from desktop.domain.agent_state import (
    AFTER_CALL_GUARD_S,
    BUSY_HERE,
    AgentState,
    KeptState,
    chosen_states,
    elapsed_text,
    refuses_calls,
    state_after_restart,
)
from desktop.domain.clock import now_vn

if TYPE_CHECKING:
    from desktop.ui.phone.call_wrapup import WrapUpDialog
    from desktop.ui.phone.desk import PhoneDesk

log = logging.getLogger(__name__)
TICK_MS = 1000


class AgentStateDesk(QObject):
    """Owns the chosen state, the open wrap-ups (after-call work) and the agent's do-not-disturb."""

    state_changed = Signal(str)  # the AgentState value chosen
    refusing_changed = Signal(bool)

    def __init__(self, phone: PhoneDesk, menu: QMenu) -> None:
        super().__init__(phone)
        self.phone = phone
        self.state: AgentState = AgentState.READY
        self.state_started = monotonic()
        self.wrap_ups: dict[WrapUpDialog, float] = {}  # open wrap-up → when it opened (monotonic)
        self.refusing = False
        self.after_call_guard = AFTER_CALL_GUARD_S
        host = phone.window
        window = host.host_widget()
        self.actions: dict[AgentState, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        self.menu = QMenu(self.tr("&State"), window)
        self.menu.setObjectName("agentStateMenu")
        for state in chosen_states():
            action = QAction(state.label, window)
            action.setObjectName(f"agentState_{state.value}")
            action.setCheckable(True)
            action.setShortcut(QKeySequence(state.shortcut))
            action.setStatusTip(
                self.tr("Calls ring at this desk")
                if state.ready
                else self.tr("Calls are not offered to this desk (the switchboard hears: busy)")
            )
            action.triggered.connect(lambda _checked=False, chosen=state: self.choose(chosen))
            group.addAction(action)
            host.add_shortcut(action)
            self.menu.addAction(action)
            self.actions[state] = action
        self.actions[AgentState.READY].setChecked(True)
        resumed = self._kept_state()
        if resumed is not None:
            self.state, since = resumed
            self.state_started = monotonic() - (now_vn() - since).total_seconds()
            self.actions[self.state].setChecked(True)
            log.info("agent state kept across the restart: %s", self.state.value)
        menu.insertMenu(menu.actions()[0], self.menu)  # the phone menu's first entry
        menu.insertSeparator(menu.actions()[1])
        host.list_shortcuts(list(self.actions.values()))  # listed by F1
        self.button = QToolButton(window)
        self.button.setObjectName("agentStateButton")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setMenu(self.menu)
        self.button.setAutoRaise(True)
        self.button.setProperty("statusField", True)
        host.add_status_widget(self.button)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.on_timer_timeout)
        self.timer.start()
        self._apply()
        if resumed is not None:  # the operator must not think calls ring here: say it, and how to change it
            host.show_message(
                self.tr(
                    "The desk reopened in the state it was closed in: %1. Calls do not ring here; press Alt+0 when ready."  # noqa: E501
                ).replace("%1", self.state.label),
                30000,
            )

    # -- what the operator does ------------------------------------------------------------------
    def choose(self, state: AgentState) -> None:
        if not state.chosen_by_operator:
            raise ValueError(f"{state} is set by the desk, not chosen")
        self.actions[state].setChecked(True)
        if state is not self.state:
            self.state, self.state_started = state, monotonic()
            log.info("agent state: %s", state.value)
            self._keep(state)
            self.state_changed.emit(state.value)
        self._apply()

    # -- across a restart ------------------------------------------------------------------------
    def _kept_state(self) -> tuple[AgentState, datetime] | None:
        settings = self.phone.settings
        kept = KeptState(settings.agent_state, settings.agent_state_since, settings.agent_state_operator)
        return state_after_restart(kept, settings.operator, now_vn())

    def _keep(self, state: AgentState) -> None:
        """The settings remember a not-ready state (and forget it when ready), so a desk closed on a break
        reopens on it: it does not ring while nobody sits there, and the break's duration goes on."""
        settings = self.phone.settings
        if state.ready:
            settings.agent_state = settings.agent_state_since = settings.agent_state_operator = ""
        else:
            settings.agent_state, settings.agent_state_since = state.value, now_vn().isoformat()
            settings.agent_state_operator = settings.operator
        self.phone.keep_settings()

    # -- after-call work -------------------------------------------------------------------------
    def after_call_started(self, dialog: WrapUpDialog) -> None:
        """A wrap-up opened: after-call work until it closes (chosen, or Escape)."""
        self.wrap_ups[dialog] = monotonic()
        dialog.finished.connect(lambda _result, done=dialog: self.after_call_done(done))
        self._apply()

    def after_call_done(self, dialog: WrapUpDialog) -> None:
        self.wrap_ups.pop(dialog, None)
        self._apply()

    def after_call_seconds(self) -> float | None:
        """How long the oldest open wrap-up has lasted; None when none is open."""
        return monotonic() - min(self.wrap_ups.values()) if self.wrap_ups else None

    # -- the agent -------------------------------------------------------------------------------
    def refusal_code(self) -> int | None:
        """The answer the agent gives new calls now: 486 Busy Here while refusing, else None (they ring)."""
        return (
            BUSY_HERE if refuses_calls(self.state, self.after_call_seconds(), self.after_call_guard) else None
        )

    def _apply(self) -> None:
        code = self.refusal_code()
        refusing = code is not None
        agent = self.phone.agent
        if agent is not None:  # a lock and an attribute: no network, safe on the GUI thread
            agent.set_do_not_disturb(code)
        if refusing != self.refusing:
            self.refusing = refusing
            self.refusing_changed.emit(refusing)
        self._show()

    def on_timer_timeout(self) -> None:
        """Every second: the durations shown, and the end of the after-call guard."""
        if self.wrap_ups and self.refusing != (self.refusal_code() is not None):
            self._apply()
        else:
            self._show()

    def _show(self) -> None:
        after_call = self.after_call_seconds()
        if after_call is not None and self.state.ready:
            text = f"{AgentState.AFTER_CALL_WORK.label} · {elapsed_text(after_call)}"
            kind = "busy" if self.refusing else "ok"
        elif self.state.ready:
            text, kind = self.state.label, "ok"
        else:
            text, kind = f"{self.state.label} · {elapsed_text(monotonic() - self.state_started)}", "off"
        self.button.setText(text)
        if self.button.property("kind") != kind:
            self.button.setProperty("kind", kind)
            self.button.style().unpolish(self.button)  # the style sheet's colour for the new kind
            self.button.style().polish(self.button)
        tip = (
            self.tr("Not offered calls now: the switchboard hears busy and tries another desk.")
            if self.refusing
            else self.tr("Calls ring at this desk.")
        )
        last = chosen_states()[-1].shortcut
        self.button.setToolTip(
            tip + " " + self.tr("Change the state: Alt+0 ready, Alt+1 … %1 not ready.").replace("%1", last)
        )
