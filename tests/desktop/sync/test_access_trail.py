"""Access on record: a look at a caller's history or a ticket on a desk becomes an entry of the server's
append-only, hash-chained trail; an admin asks who looked at a citizen; the database refuses edits, and a
deleted entry (with the guard lifted by the database's owner) is detected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from server_lab import PASSWORD, Desk, ServerProcess, new_id, ticket
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.services.access_log import AccessLog
from desktop.services.tickets.caller_history import CallerHistoryService
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine


def synced_desk(tmp_path: Path, server: ServerProcess) -> tuple[LocalStore, SyncEngine]:
    store = open_test_store(tmp_path / "desk")
    credentials = Credentials(None)
    login = Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    return store, SyncEngine(store, SyncClient(server.base), credentials, login)


def access_log(server: ServerProcess, username: str, **query: str) -> httpx.Response:
    return Desk(server, username).http.get("/api/v1/access", params=query)


def test_who_looked_at_a_citizen_is_answered_from_the_desks_records(
    tmp_path: Path, server: ServerProcess
) -> None:
    store, engine = synced_desk(tmp_path, server)
    tickets = TicketService(store, "dtv1")
    made = tickets.create(
        TicketDraft(content="Hỏi cấp đổi căn cước", phone="0912 345 678", citizen_name="Lan")
    )
    CallerHistoryService(store, AccessLog(store, "dtv1")).lookup("0912345678", screen="history_panel")
    tickets.open(made.id)
    CallerHistoryService(store, AccessLog(store, "dtv1")).lookup("0987000111")  # nobody: nothing shown
    assert AccessLog(store, "dtv1").flush()
    with store.sessions() as session:
        assert session.execute(text("SELECT count(*) FROM access_log")).scalar() == 2
    engine.run_cycle()

    answer = access_log(server, "admin", phone="0912 345 678")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["subject"] == "+84912345678" and body["chain_intact"] is True
    # her history looked up, and her ticket opened: both are looks at her
    assert [(e["actor"], e["subject_kind"], e["screen"], e["reason"]) for e in body["entries"]] == [
        ("dtv1", "phone", "history_panel", "search"),
        ("dtv1", "ticket", "ticket_form", "open"),
    ]
    assert body["entries"][0]["origin"] == str(store.client_id)
    opened = access_log(server, "admin", ticket_id=made.id).json()["entries"]
    assert [(e["screen"], e["reason"]) for e in opened] == [("ticket_form", "open")]
    assert access_log(server, "giamsat", phone="0912345678").status_code == 403
    store.close()


def test_the_trail_refuses_edits_and_a_deleted_entry_breaks_the_chain(
    tmp_path: Path, server: ServerProcess
) -> None:
    store, engine = synced_desk(tmp_path, server)
    tickets = TicketService(store, "dtv1")
    tickets.create(TicketDraft(content="Phản ánh", phone="0903 111 222", citizen_name="Bình"))
    history = CallerHistoryService(store, AccessLog(store, "dtv1"))
    for _ in range(3):
        history.lookup("0903111222")
    assert AccessLog(store, "dtv1").flush()
    engine.run_cycle()
    store.close()

    database = create_engine(server.db_url)
    with database.begin() as connection, pytest.raises(DBAPIError) as refused:
        connection.execute(text("UPDATE access_trail SET actor = 'ai-do' WHERE subject = '+84903111222'"))
    assert "chỉ được ghi thêm" in str(refused.value)

    with database.begin() as connection:  # the database's owner lifts the guard: the chain still tells
        connection.execute(text("ALTER TABLE access_trail DISABLE TRIGGER access_trail_append_only"))
        connection.execute(
            text(
                "DELETE FROM access_trail WHERE seq = (SELECT min(seq) FROM access_trail WHERE subject = :s)"
            ),
            {"s": "+84903111222"},
        )
        connection.execute(text("ALTER TABLE access_trail ENABLE TRIGGER access_trail_append_only"))
    database.dispose()
    body = access_log(server, "admin", phone="0903111222").json()
    assert len(body["entries"]) == 2 and body["chain_intact"] is False
    assert "bị xóa hoặc sửa" in body["chain_problem"]

    checked = server.admin_command(
        "access-log", "--phone", "0903111222", "--from", "2020-01-01", "--to", "2100-01-01"
    )
    assert checked.returncode == 1 and "bị can thiệp" in checked.stderr
    assert "2 lần xem" in checked.stdout


def test_an_erased_citizen_leaves_the_trail_s_subjects_but_who_looked_stays_and_the_chain_holds(
    tmp_path: Path, server: ServerProcess
) -> None:
    store, engine = synced_desk(tmp_path, server)
    TicketService(store, "dtv1").create(
        TicketDraft(content="Hỏi đất đai", phone="0912 345 678", citizen_name="Nguyễn Thị Lan")
    )
    CallerHistoryService(store, AccessLog(store, "dtv1")).lookup("0912345678", screen="history_panel")
    TicketQuery(store, AccessLog(store, "dtv1")).page(TicketFilter(text="nguyen thi lan"))
    assert AccessLog(store, "dtv1").flush()
    engine.run_cycle()
    store.close()
    database = create_engine(server.db_url)

    def subjects() -> list[str]:
        with database.connect() as connection:
            return [
                row[0] for row in connection.execute(text("SELECT subject FROM access_trail ORDER BY seq"))
            ]

    assert {"+84912345678", "nguyen thi lan"} <= set(subjects())

    erased = Desk(server, "admin").http.post("/api/v1/erasures", json={"phone": "0912345678"})
    assert erased.status_code == 200, erased.text

    assert "+84912345678" not in subjects() and "nguyen thi lan" not in subjects()
    body = access_log(server, "admin", phone="0912345678").json()
    assert body["chain_intact"] is True
    assert [(e["actor"], e["screen"], e["subject"]) for e in body["entries"]] == [
        ("dtv1", "history_panel", "(đã xóa)"),
        ("dtv1", "ticket_list", "(đã xóa)"),
    ]
    for forbidden in (  # the one update let through is an erasure's, of the subject alone
        "UPDATE access_trail SET subject = 'ai-do' WHERE subject = '(đã xóa)'",
        "UPDATE access_trail SET subject = '(đã xóa)', actor = 'ai-do' WHERE actor = 'dtv1'",
    ):
        with database.begin() as connection, pytest.raises(DBAPIError) as refused:
            connection.execute(text(forbidden))
        assert "chỉ được ghi thêm" in str(refused.value)
    database.dispose()


def test_listening_to_a_recording_reaches_the_server_s_trail(tmp_path: Path, server: ServerProcess) -> None:
    from memory_keyring import MemoryKeyring

    from desktop.domain.codes import CallDirection, CallOutcome
    from desktop.services.phone.calls import CallLog
    from desktop.services.phone.listening import RecordingListening
    from desktop.services.phone.recording_vault import EncryptedRecorder, RecordingKey
    from desktop.services.phone.recordings import register_recording

    store, engine = synced_desk(tmp_path, server)
    key = RecordingKey(MemoryKeyring()).get_or_create()
    calls = CallLog(store, "dtv1")
    log_id = calls.started("0977 000 555", CallDirection.INBOUND)
    calls.finished(log_id, CallOutcome.ANSWERED)
    recorder = EncryptedRecorder(tmp_path / "call.rec", key)
    recorder.write(b"\x01\x02" * 8000)
    recorder.close()
    register_recording(store, log_id, tmp_path / "call.rec", calls_at(store, log_id))
    access = AccessLog(store, "dtv1")
    assert RecordingListening(store, lambda: key, access).open(log_id, "history_panel") == b"\x01\x02" * 8000
    assert access.flush()
    engine.run_cycle()
    store.close()
    body = access_log(server, "admin", phone="0977000555").json()
    assert [(e["actor"], e["screen"], e["reason"]) for e in body["entries"]] == [
        ("dtv1", "history_panel", "recording")
    ]
    assert body["chain_intact"] is True


def calls_at(store: LocalStore, log_id: str) -> Any:
    from desktop.store import models

    with store.sessions() as session:
        call = session.get(models.Call, log_id)
        assert call is not None
        return call.started_at


def test_a_tickets_steps_with_the_units_read_through_the_api_are_on_the_trail(server: ServerProcess) -> None:
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    assert admin.http.put("/api/v1/catalog/unit/so-tn-mt", json={"name": "Sở Tài nguyên"}).status_code == 200
    ticket_id = new_id()
    made = ticket("P-ST-001", level=2, content="Phản ánh bãi rác gần nhà bà Lan")
    assert operator.push([operator.mutation("ticket", "create", ticket_id, made)]).status_code == 200
    quiet = new_id()  # never forwarded: no steps, nothing shown, nothing recorded
    assert (
        operator.push([operator.mutation("ticket", "create", quiet, ticket("P-ST-002"))]).status_code == 200
    )
    sent = operator.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": "so-tn-mt"})
    assert sent.status_code == 201, sent.text

    assert [step["step"] for step in operator.http.get(f"/api/v1/tickets/{ticket_id}/steps").json()] == [
        "forwarded"
    ]
    assert operator.http.get(f"/api/v1/tickets/{quiet}/steps").json() == []
    looked = access_log(server, "admin", ticket_id=ticket_id).json()
    assert [(e["actor"], e["screen"], e["reason"]) for e in looked["entries"]] == [
        ("dtv1", "api_ticket_steps", "open")
    ]
    assert access_log(server, "admin", ticket_id=quiet).json()["entries"] == []
    assert looked["chain_intact"] is True
