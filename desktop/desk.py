"""The open desk without its screens: the store, who works, the services, the phone session, the sync
engine and the one change event."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.changes import ChangeHub, OpChanges
from desktop.domain.operator import Operator
from desktop.services.bundle import DeskServices
from desktop.store.local import LocalStore

if TYPE_CHECKING:
    from desktop.services.imports.importer import ImportProgress, ImportReport
    from desktop.services.phone.agent import Agent, AgentFactory
    from desktop.services.phone.session import PhoneSession, RecordingPolicy
    from desktop.sync.client import SyncClient
    from desktop.sync.credentials import Credentials, Login
    from desktop.sync.engine import SyncEngine
    from desktop.sync.events import SyncEvent, SyncStatus
    from desktop.telephony import SipAccount, TelephonyEvent

log = logging.getLogger(__name__)

SYNC_STOP_TIMEOUT_S = 2.0
PHONE_CLOSE_TIMEOUT_S = 5.0


class Desk:
    """Qt-free application object. The screens and feature desks get what they need from it, and every
    unit of work publishes ONE `OpChanges` on `changes`, from whatever thread did it; the UI subscribes
    one bridge (`ui/common/change_bridge.py`) that carries the event onto the GUI thread.

    It owns the phone session (`open_phone`, `phone`) with its SIP agent (`connect_phone`, `phone_agent`,
    `disconnect_phone`) and the sync engine (`begin_sync`, `build_sync`,
    `run_sync`, `stop_sync`, `sync_now`); the phone and sync desks of `ui/` are views that take them
    from here. `close` stops both; the store stays open for whoever opened it."""

    def __init__(self, services: DeskServices, store: LocalStore | None = None) -> None:
        self.services = services
        self.store = store  # None: a desk over services without a store of their own (tests' fakes)
        self.changes = ChangeHub()
        self.phone: PhoneSession | None = None
        self.phone_agent: Agent | None = None  # the SIP agent feeding the phone session, while connected
        self._phone_errors: Callable[[str], None] | None = None
        self._sync_lock = threading.Lock()
        self._sync_starts = 0  # a start whose engine arrives after a stop (or a newer start) never runs
        self._sync_engine: SyncEngine | None = None

    @classmethod
    def open(cls, store: LocalStore, operator: str | Operator, page_size: int = 200) -> Desk:
        """The desk of an open store, its services built over it (cheap: nothing is read yet)."""
        return cls(DeskServices.for_store(store, operator, page_size), store)

    @property
    def operator(self) -> Operator:
        """Who is working, shared by every service (renamed live)."""
        return self.services.operator

    def publish(self, changes: OpChanges) -> None:
        """Tells every listener what a unit of work changed; any thread may call it."""
        self.changes.publish(changes)

    def own_store(self) -> LocalStore:
        if self.store is None:
            raise RuntimeError("this desk has no store of its own")
        return self.store

    def close(self) -> None:
        """Stops the SIP agent if still connected, the sync engine (its thread joined for at most 2 s), and
        closes the phone session once its queued writes are done; called when the desk closes."""
        agent = self.disconnect_phone()
        if agent is not None:
            agent.stop()
        self.stop_sync()
        phone, self.phone = self.phone, None
        if phone is not None:
            phone.close(PHONE_CLOSE_TIMEOUT_S)

    # -- the phone session: the call log, callbacks and recordings of the calls the agent reports -------
    def open_phone(self, recordings: RecordingPolicy | None = None, **options: Any) -> PhoneSession:
        """The desk's phone session over its store, with the desk's shared operator (renamed live); made on
        the first call, the same one after. Its writes run on its own "phone-writer" thread."""
        if self.phone is None:
            from desktop.services.phone.session import PhoneSession

            self.phone = PhoneSession(
                self.own_store(), self.operator, recordings=recordings, on_error=self._phone_error, **options
            )
        return self.phone

    def connect_phone(
        self, account: SipAccount, listener: Callable[[TelephonyEvent], None], make_agent: AgentFactory
    ) -> Agent:
        """The SIP agent of `account` (made by `make_agent`: `SipAgent` with the desk's policy), its events
        to `listener`, its media through the phone session; held as `phone_agent` until
        `disconnect_phone`. Not started: its `start` binds ports and registers, on a worker."""
        agent = make_agent(account, listener, self.open_phone().audio_for)
        self.phone_agent = agent
        return agent

    def disconnect_phone(self) -> Agent | None:
        """Lets go of the agent and returns it for the caller to stop (it blocks up to 2 s)."""
        agent, self.phone_agent = self.phone_agent, None
        return agent

    def hear_phone_errors(self, listener: Callable[[str], None] | None) -> None:
        """Where the phone session's Vietnamese errors go (the phone desk's status bar); any thread."""
        self._phone_errors = listener

    def _phone_error(self, message: str) -> None:
        listener = self._phone_errors
        if listener is None:
            log.error("%s", message)
        else:
            listener(message)

    def call_logged(self, number: str) -> None:
        """A worker: once the phone's queued writes are done (a missed call's callback), publishes ONE
        `OpChanges.call_logged(number)`."""
        if self.phone is not None:
            self.phone.flush(PHONE_CLOSE_TIMEOUT_S)
        self.publish(OpChanges.call_logged(number))

    # -- the sync engine: built on a worker, run on its own "sync" thread -------------------------------
    @property
    def sync_engine(self) -> SyncEngine | None:
        """The running engine, or None (no server configured, not started yet, stopped)."""
        return self._sync_engine

    def begin_sync(self) -> int:
        """A new start of the sync: the number `run_sync` checks (a stop or a newer start voids it)."""
        with self._sync_lock:
            self._sync_starts += 1
            return self._sync_starts

    def sync_listener(self, on_status: Callable[[SyncStatus], None]) -> Callable[[SyncEvent], None]:
        """The engine's `on_event` (called on the sync thread): a pulled page is published on this desk as
        ONE change right there; its status goes to `on_status`."""
        from desktop.sync.events import RemoteChanges, SyncStatus

        def on_event(event: SyncEvent) -> None:
            if isinstance(event, RemoteChanges):
                self.publish(event.page.changes())
            elif isinstance(event, SyncStatus):
                on_status(event)

        return on_event

    def build_sync(
        self,
        client: SyncClient,
        credentials: Credentials,
        login: Login,
        *,
        on_status: Callable[[SyncStatus], None],
        pull_interval: float = 30.0,
    ) -> SyncEngine:
        """The engine of this desk's store (not started); a worker thread, as it imports the client."""
        from desktop.sync.engine import SyncEngine

        return SyncEngine(
            self.own_store(),
            client,
            credentials,
            login,
            on_event=self.sync_listener(on_status),
            pull_interval=pull_interval,
        )

    def run_sync(self, engine: SyncEngine, start: int) -> bool:
        """Starts `engine` on its thread, unless the sync was stopped or started again since
        `begin_sync` returned `start` (then it never runs: False). A store commit that leaves rows in the
        outbox wakes it (`LocalStore.on_outbox_written`): the one way a change reaches the engine."""
        with self._sync_lock:
            if start != self._sync_starts:
                return False
            self._sync_engine = engine
            engine.start()
        return True

    def stop_sync(self, timeout: float = SYNC_STOP_TIMEOUT_S) -> None:
        """Stops the engine (its thread joined for at most `timeout`); a start being built never runs."""
        with self._sync_lock:
            self._sync_starts += 1
            engine, self._sync_engine = self._sync_engine, None
        if engine is not None:
            engine.stop(timeout)

    def sync_now(self) -> bool:
        """The operator asked: push and pull now. False when no engine runs."""
        engine = self._sync_engine
        if engine is None:
            return False
        engine.wake()
        return True

    # -- units of work that publish their own change ---------------------------------------------------
    @property
    def can_import(self) -> bool:
        return self.services.import_tickets is not None

    def import_tickets(
        self,
        path: Path,
        progress: Callable[[ImportProgress], None],
        stop_requested: Callable[[], bool],
    ) -> ImportReport:
        """Imports a CSV file of tickets, all or nothing (a worker thread: it holds the store's write lock),
        then publishes ONE `OpChanges.tickets_imported()` when it imported something."""
        importer = self.services.import_tickets
        if importer is None:
            raise RuntimeError("this desk has no importer")
        report = importer(path, progress, stop_requested)
        if report.imported:
            self.publish(OpChanges.tickets_imported())
        return report
