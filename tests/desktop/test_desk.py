"""The desk without its screens: one object over the open store that owns the services and the change
event, usable with no Qt at all (a command, a test, the next channel)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop.changes import OpChanges
from desktop.desk import Desk
from desktop.domain.ticket import TicketDraft
from desktop.services.imports.importer import ImportAborted
from desktop.services.tickets.query import TicketFilter
from desktop.store.local import LocalStore


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
