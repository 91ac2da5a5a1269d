"""The sync engine against the real server (uvicorn process on a PostgreSQL the suite starts)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from server_lab import PASSWORD, ServerProcess
from sqlalchemy import text
from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from desktop.sync.client import ServerUnreachable, SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import Backoff, SyncEngine
from desktop.sync.state import read_counts

DRAFT = TicketDraft(content="Hỏi thủ tục cấp lại căn cước", phone="0912 345 678", citizen_name="Lan")


def engine_for(store: LocalStore, base: str, username: str, **options: object) -> SyncEngine:
    credentials = Credentials(None)  # no keyring on this machine: the session keeps the password
    login = Login(base, username)
    credentials.remember(login, password=PASSWORD)
    client = SyncClient(base, connect_timeout=1, read_timeout=20)
    return SyncEngine(store, client, credentials, login, backoff=Backoff(first=0.1, cap=1), **options)  # type: ignore[arg-type]


def count(store: LocalStore, sql: str) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar() or 0)


def test_offline_saves_reach_the_server_and_another_desk(tmp_path: Path, server: ServerProcess) -> None:
    desk_a = open_test_store(tmp_path / "a")
    desk_b = open_test_store(tmp_path / "b")
    service = TicketService(desk_a, "dtv1")
    ticket = service.create(DRAFT)
    service.update(ticket.id, replace(ticket.draft, answer="Đã hướng dẫn nộp hồ sơ"), ticket.version)
    service.create(replace(DRAFT, phone="0987 000 111", content="Phản ánh đèn đường hỏng"))

    offline = engine_for(desk_a, "http://127.0.0.1:9", "dtv1")  # nothing listens there
    with pytest.raises(ServerUnreachable):
        offline.run_cycle()
    assert read_counts(desk_a).pending == 3

    report = engine_for(desk_a, server.base, "dtv1").run_cycle()
    assert report.pushed == 3
    assert read_counts(desk_a).pending == 0
    outbox_b = count(desk_b, "SELECT count(*) FROM outbox")
    engine_for(desk_b, server.base, "dtv2").run_cycle()
    assert count(desk_b, "SELECT count(*) FROM outbox") == outbox_b  # pulled changes make no outbox rows
    on_b = TicketService(desk_b, "dtv2").get(ticket.id)
    assert on_b.draft.answer == "Đã hướng dẫn nộp hồ sơ"
    assert count(desk_b, "SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH 'den* AND duong*'") == 1
    # and back: B's edit reaches A
    TicketService(desk_b, "dtv2").update(
        ticket.id, replace(on_b.draft, citizen_address="Cao Lãnh"), on_b.version
    )
    engine_for(desk_b, server.base, "dtv2").run_cycle()
    engine_for(desk_a, server.base, "dtv1").run_cycle()
    assert service.get(ticket.id).draft.citizen_address == "Cao Lãnh"
    desk_a.close()
    desk_b.close()


@pytest.mark.slow
def test_a_server_killed_mid_push_converges_with_nothing_lost_or_doubled(
    tmp_path: Path, server: ServerProcess
) -> None:
    desk = open_test_store(tmp_path / "a")
    service = TicketService(desk, "dtv1")
    for n in range(1200):
        service.create(replace(DRAFT, phone=f"0912 {n:06d}", content=f"Phiếu số {n}"))
    engine = engine_for(desk, server.base, "dtv1", batch_size=200)

    def kill_after_first_ack() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and count(desk, "SELECT acked_seq FROM sync_state") < 200:
            time.sleep(0.01)
        server.kill()

    killer = threading.Thread(target=kill_after_first_ack)
    killer.start()
    with pytest.raises(ServerUnreachable):
        engine.run_cycle()
    killer.join()
    assert 0 < read_counts(desk).pending < 1200

    server.start()  # same database, same port
    engine.run_cycle()
    assert read_counts(desk).pending == 0
    other = open_test_store(tmp_path / "b", load_default_catalogs=True)
    engine_for(other, server.base, "dtv2").run_cycle()
    assert count(other, "SELECT count(*) FROM tickets") == 1200
    assert count(other, "SELECT count(DISTINCT content) FROM tickets") == 1200
    desk.close()
    other.close()
