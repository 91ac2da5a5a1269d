"""The sync engine is woken by the store when a commit leaves changes to send: no timer polls SQLite."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from server_lab import PASSWORD, ServerProcess
from store_keys import open_test_store

from desktop.domain.codes import CallDirection
from desktop.domain.ticket import TicketDraft
from desktop.services.outbox import append_mutation
from desktop.services.phone.calls import CallLog
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import Backoff, SyncEngine
from desktop.sync.state import read_counts

DRAFT = TicketDraft(content="Hỏi thủ tục cấp lại căn cước", phone="0912 345 678", citizen_name="Lan")


def engine_for(store: LocalStore, base: str, **options: object) -> SyncEngine:
    credentials = Credentials(None)
    login = Login(base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    client = SyncClient(base, connect_timeout=1, read_timeout=20)
    return SyncEngine(store, client, credentials, login, backoff=Backoff(first=0.1, cap=1), **options)  # type: ignore[arg-type]


def test_the_store_tells_its_listeners_after_a_commit_that_added_outbox_rows_only(tmp_path: Path) -> None:
    store = open_test_store(tmp_path / "desk")
    heard: list[str] = []
    stop = store.on_outbox_written(lambda: heard.append("outbox"))
    service = TicketService(store, "dtv1")

    ticket = service.create(DRAFT)
    assert heard == ["outbox"]
    service.get(ticket.id)  # a read commits nothing to send
    assert heard == ["outbox"]
    stop()
    service.create(DRAFT)
    assert heard == ["outbox"]
    store.close()


def test_a_ticket_saved_behind_the_engines_back_is_pushed_long_before_the_next_pull(
    tmp_path: Path, server: ServerProcess
) -> None:
    store = open_test_store(tmp_path / "desk")
    cycles = threading.Semaphore(0)
    engine = engine_for(store, server.base, pull_interval=600.0, on_event=lambda _event: cycles.release())
    engine.start()
    try:
        assert cycles.acquire(timeout=20), "the first cycle ends"
        TicketService(store, "dtv1").create(DRAFT)  # no engine.wake(): the store's notice is the wake
        deadline = time.monotonic() + 20
        while read_counts(store).pending and time.monotonic() < deadline:
            time.sleep(0.05)
        assert read_counts(store).pending == 0
    finally:
        engine.stop()
        store.close()


def test_a_call_logged_by_the_phone_and_a_rolled_back_save_are_told_apart(tmp_path: Path) -> None:
    store = open_test_store(tmp_path / "desk")
    heard: list[str] = []
    store.on_outbox_written(lambda: heard.append("outbox"))

    CallLog(store, "dtv1").started("0912345678", CallDirection.INBOUND)
    assert heard == ["outbox"]
    with pytest.raises(RuntimeError), store.writes.begin() as session:
        append_mutation(session, entity="ticket", entity_id="t-1", op="create", payload={})
        raise RuntimeError("the save fails after its outbox row was added")
    with store.writes.begin():
        pass  # the next, empty transaction does not inherit the failed one's notice
    assert heard == ["outbox"]
    store.close()
