"""The desk without its screens: one object over the open store that owns the services and the change
event, usable with no Qt at all (a command, a test, the next channel)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from desktop.changes import OpChanges, Origin
from desktop.desk import Desk
from desktop.domain.ticket import TicketDraft
from desktop.services.imports.importer import ImportAborted
from desktop.services.tickets.query import TicketFilter
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from desktop.sync.events import AppliedPage, RemoteChanges, SyncStatus
from desktop.sync.state import read_counts


def test_the_desk_of_a_store_serves_its_tickets_and_publishes_from_any_thread(store: LocalStore) -> None:
    desk = Desk.open(store, "dtv-lan", page_size=50)
    heard: list[tuple[OpChanges, bool]] = []
    desk.changes.subscribe(
        lambda changes: heard.append((changes, threading.current_thread().name == "worker"))
    )
    ticket = desk.services.make_tickets().create(
        TicketDraft(content="Hỏi lịch tiếp dân", phone="0912 345 678")
    )

    worker = threading.Thread(target=desk.publish, args=(OpChanges.ticket_saved(ticket.id),), name="worker")
    worker.start()
    worker.join()

    assert heard == [(OpChanges.ticket_saved(ticket.id), True)]  # the UI's bridge moves it to the GUI thread
    assert desk.store is store and desk.operator.name == "dtv-lan"
    assert [row.id for row in desk.services.query.page(TicketFilter()).rows] == [ticket.id]


def test_the_desk_imports_no_qt() -> None:
    probe = "import sys, desktop.desk; print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_an_import_through_the_desk_publishes_one_change_and_a_refused_file_none(store: LocalStore) -> None:
    desk = Desk.open(store, "dtv-lan")
    heard: list[OpChanges] = []
    desk.changes.subscribe(heard.append)
    data = Path(__file__).with_name("data")

    with pytest.raises(ImportAborted):
        desk.import_tickets(data / "tickets_bad.csv", lambda _done: None, lambda: False)
    assert heard == []

    report = desk.import_tickets(data / "tickets_good.csv", lambda _done: None, lambda: False)
    assert report.imported == 7
    assert heard == [OpChanges.tickets_imported()]
    again = desk.import_tickets(data / "tickets_good.csv", lambda _done: None, lambda: False)
    assert (again.imported, again.already_present) == (0, 7) and len(heard) == 1  # nothing new: no event


def engine_of(desk: Desk, statuses: list[SyncStatus]) -> SyncEngine:
    """An engine of the desk towards a port where nothing listens (it only fails, never reaches a server)."""
    login = Login("http://127.0.0.1:9", "dtv-lan")
    credentials = Credentials(None)
    credentials.remember(login, password="mat-khau")
    client = SyncClient(login.server_url, connect_timeout=0.5, read_timeout=0.5)
    return desk.build_sync(client, credentials, login, on_status=statuses.append, pull_interval=60)


def test_the_desk_runs_stops_and_wakes_its_sync_engine_and_a_start_overtaken_by_a_stop_never_runs(
    store: LocalStore,
) -> None:
    desk = Desk.open(store, "dtv-lan")
    statuses: list[SyncStatus] = []
    assert desk.sync_engine is None and desk.sync_now() is False

    late = desk.begin_sync()  # built on a worker while the operator closes the desk
    desk.stop_sync()
    engine = engine_of(desk, statuses)
    assert desk.run_sync(engine, late) is False
    assert desk.sync_engine is None and not engine.running

    start = desk.begin_sync()
    engine = engine_of(desk, statuses)
    assert desk.run_sync(engine, start) is True
    assert desk.sync_engine is engine and engine.running and desk.sync_now() is True
    deadline = time.monotonic() + 10
    while not statuses and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [status.online for status in statuses][:1] == [False]  # "offline", told to the screen's listener
    desk.close()
    assert desk.sync_engine is None and not engine.running


def test_a_pulled_page_is_published_on_the_desk_as_one_remote_change_and_its_status_goes_to_the_screen(
    store: LocalStore,
) -> None:
    desk = Desk.open(store, "dtv-lan")
    heard: list[OpChanges] = []
    statuses: list[SyncStatus] = []
    desk.changes.subscribe(heard.append)
    on_event = desk.sync_listener(statuses.append)
    status = SyncStatus(online=True, counts=read_counts(store))

    on_event(RemoteChanges(AppliedPage(applied=2, tickets=["t-1"], kb_changed=True)))
    on_event(status)

    assert heard == [OpChanges(Origin.REMOTE, tickets=frozenset({"t-1"}), kb=True)]
    assert statuses == [status]


def test_the_phone_session_is_the_desks_one_and_its_errors_go_where_the_phone_desk_says(
    store: LocalStore,
) -> None:
    desk = Desk.open(store, "dtv-lan")
    said: list[str] = []
    session = desk.open_phone()
    assert desk.open_phone() is session and desk.phone is session
    assert session.call_log is not None and desk.operator.name == "dtv-lan"
    desk.hear_phone_errors(said.append)
    desk._phone_error("Không ghi được nhật ký cuộc gọi")
    heard: list[OpChanges] = []
    desk.changes.subscribe(heard.append)
    desk.call_logged("+84912345678")
    assert said == ["Không ghi được nhật ký cuộc gọi"]
    assert heard == [OpChanges.call_logged("+84912345678")]
    desk.close()
    assert desk.phone is None
