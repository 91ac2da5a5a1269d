"""This desk's state on the server for the supervisors: the phone's events → the presence publisher.

Listens to the phone desk's bridge signals (after the phone desk's own slots) and its wrap-up dialog,
never calls into the phone; the publisher sends on its own thread. The dashboard of this desk reads
everyone's state through `ServerPresence` with the same server and user as the sync.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer

from desktop.sync.desk_activity import DeskActivity
from desktop.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.services.supervisor.dashboard import (
        ExtensionRequest,
        OperatorPresence,
        SupervisorServices,
        UnitOnTime,
    )
    from desktop.services.supervisor.reports import ServerTables
    from desktop.sync.presence import PresenceClient, PresencePublisher, ServerLink, ServerPresence
    from desktop.sync.unit_figures import ServerReportTables, ServerUnitsOnTime
    from desktop.ui.phone.desk import PhoneDesk
    from desktop.ui.sync.desk import SyncDesk

log = logging.getLogger(__name__)

START_DELAY_MS = 3000


class PresenceDesk(QObject):
    """Keeps `activity` from the phone's events and hands each new state to the publisher (once built)."""

    def __init__(self, phone: PhoneDesk, parent: QObject | None = None) -> None:
        super().__init__(parent or phone)
        self.phone = phone
        self.publisher: PresencePublisher | None = None
        self.stopped = False
        self.activity = DeskActivity()
        queued = Qt.ConnectionType.QueuedConnection
        bridge = phone.bridge
        bridge.registration_changed.connect(self.on_bridge_registration_changed, queued)
        bridge.call_state_changed.connect(self.on_bridge_call_state_changed, queued)
        bridge.call_finished.connect(self.on_bridge_call_finished, queued)
        phone.readiness.state_changed.connect(self.on_readiness_state_changed)
        self.activity.agent_state = phone.readiness.state.value
        if phone.registration is not None:
            self.activity.registration(phone.registration.state.value)

    def start(self, publisher: PresencePublisher) -> None:
        if self.stopped:
            return  # the desk closed before the publisher was built
        self.publisher = publisher
        self._publish()
        publisher.start()

    def stop(self) -> None:
        """Bounded (about 2 s): the server hears "offline" when it answers in time."""
        self.stopped = True
        publisher, self.publisher = self.publisher, None
        if publisher is not None:
            publisher.stop()

    def _publish(self) -> None:
        if self.publisher is not None:
            state, detail = self.activity.state
            self.publisher.set_state(state, detail, self.activity.agent_state)

    # -- slots (GUI thread, after the phone desk's own) -------------------------------------------
    def on_bridge_registration_changed(self, event: Any) -> None:
        self.activity.registration(event.state.value)
        self._publish()

    def on_bridge_call_state_changed(self, event: Any) -> None:
        from desktop.domain.codes import CallDirection
        from desktop.telephony import CallState

        outbound_dialled = event.direction is CallDirection.OUTBOUND and event.state is CallState.DIALING
        if event.state is CallState.ANSWERED or outbound_dialled:
            self.activity.call_started(event.call_id)
            self._publish()

    def on_bridge_call_finished(self, finished: Any) -> None:
        self.activity.call_ended(finished.sip_call_id)
        dialog = self.phone.wrap_up_dialog
        if finished.answered and dialog is not None and dialog.finished_call is finished:
            self.activity.wrap_up_started()
            dialog.finished.connect(self.on_wrap_up_dialog_finished)
        self._publish()

    def on_readiness_state_changed(self, agent_state: str) -> None:
        self.activity.agent_state = agent_state
        self._publish()

    def on_wrap_up_dialog_finished(self, _result: int) -> None:
        self.activity.wrap_up_done()
        self._publish()


class SyncServerPresence:
    """The dashboard's PresenceSource on a desk with the sync: built on the first read (a worker thread),
    so the HTTP client and protocol models never load while the desk opens."""

    def __init__(self, sync: SyncDesk, stale_after: float | None = None) -> None:
        self._sync = sync
        self._stale_after = stale_after
        self._source: ServerPresence | None = None

    def operators(self) -> list[OperatorPresence]:
        if self._source is None:
            from desktop.sync.presence import STALE_AFTER_S, ServerPresence

            stale = STALE_AFTER_S if self._stale_after is None else self._stale_after
            self._source = ServerPresence(presence_link(self._sync), stale_after=stale)
        return self._source.operators()


class SyncServerUnits:
    """The dashboard's UnitsOnTimeSource on a desk with the sync (built on the first read, a worker)."""

    def __init__(self, sync: SyncDesk) -> None:
        self._sync = sync
        self._source: ServerUnitsOnTime | None = None

    def units_on_time(self, first: date, last: date) -> list[UnitOnTime]:
        return self._server().units_on_time(first, last)

    def extension_requests(self) -> list[ExtensionRequest]:
        return self._server().extension_requests()

    def decide_extension(self, forwarding_id: str, grant: bool) -> date:
        return self._server().decide_extension(forwarding_id, grant)

    def _server(self) -> ServerUnitsOnTime:
        if self._source is None:
            from desktop.sync.unit_figures import ServerUnitsOnTime, UnitFiguresClient

            self._source = ServerUnitsOnTime(presence_link(self._sync, UnitFiguresClient))
        return self._source


class SyncServerTables:
    """The Báo cáo screen's ServerTablesSource on a desk with the sync (built on the first read, a worker)."""

    def __init__(self, sync: SyncDesk) -> None:
        self._sync = sync
        self._source: ServerReportTables | None = None

    def on_time_tables(self, first: date, last: date) -> ServerTables:
        if self._source is None:
            from desktop.sync.unit_figures import REPORT_READ_TIMEOUT_S, ServerReportTables, UnitFiguresClient

            link = presence_link(self._sync, UnitFiguresClient, read_timeout=REPORT_READ_TIMEOUT_S)
            self._source = ServerReportTables(link)
        return self._source.on_time_tables(first, last)


def read_through_server(supervisor: SupervisorServices, sync: SyncDesk) -> None:
    """The dashboard's units and the Báo cáo screen's tables 7-8, which only the server counts, read from the
    sync's server as the sync's user."""
    supervisor.units = SyncServerUnits(sync)
    supervisor.server_tables = SyncServerTables(sync)


def presence_link(sync: SyncDesk, client: type[PresenceClient] | None = None, **options: Any) -> ServerLink:
    """A link to the sync's server as the sync's user (read anew at each call), with its own client: a
    `client` (PresenceClient, or one that reads more) with the sync's TLS policy and `options`."""
    from desktop.sync.presence import PresenceClient, ServerLink
    from desktop.ui.sync.desk import tls_policy

    make = client or PresenceClient
    return ServerLink(
        lambda: sync.login,
        lambda: sync.credentials,
        sync.store.identity,
        lambda url: make(url, policy=tls_policy(sync.settings), **options),
    )


def install_presence(
    phone: PhoneDesk,
    sync: SyncDesk,
    supervisor: SupervisorServices | None,
    runner: TaskRunner,
    *,
    heartbeat: float | None = None,
    stale_after: float | None = None,
    delay_ms: int = START_DELAY_MS,
) -> PresenceDesk:
    """The hook of launch.py: this desk publishes its state (publisher built on a worker a little after
    the desk opened, not to slow its opening); its dashboard reads everyone's through the sync's server."""
    desk = PresenceDesk(phone)
    if supervisor is not None:
        supervisor.presence = SyncServerPresence(sync, stale_after)
        read_through_server(supervisor, sync)

    def build() -> PresencePublisher:
        """Worker thread: imports the HTTP client and the protocol models."""
        from desktop.sync.presence import HEARTBEAT_S, PresencePublisher

        return PresencePublisher(presence_link(sync), heartbeat=heartbeat or HEARTBEAT_S)

    def start() -> None:
        if not desk.stopped:
            runner.run(build, desk.start, lambda error: log.warning("Presence not started: %s", error))

    QTimer.singleShot(delay_ms, desk, start)
    return desk
