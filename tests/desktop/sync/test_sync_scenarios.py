"""Desktops against the real server (uvicorn on a PostgreSQL the suite starts): the hard cases of issue #5."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from pytestqt.qtbot import QtBot
from server_lab import PASSWORD, Desk, ServerProcess
from sqlalchemy import text
from store_keys import open_test_store

from desktop.domain.clock import now_vn
from desktop.domain.codes import TicketStatus
from desktop.domain.ticket import TicketDraft
from desktop.services.outbox import append_mutation
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from desktop.sync.client import ProtocolRefused, ServerUnreachable, SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import Backoff, CycleReport, SyncEngine
from desktop.sync.state import read_counts
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.sync.conflicts import SyncConflictView

DRAFT = TicketDraft(content="Hỏi thủ tục cấp lại căn cước", phone="0912 345 678", citizen_name="Lan")


def engine_for(
    store: LocalStore,
    server: ServerProcess,
    username: str,
    http: requests.Session | None = None,
    **options: Any,
) -> SyncEngine:
    credentials = Credentials(None)
    login = Login(server.base, username)
    credentials.remember(login, password=PASSWORD)
    client = SyncClient(server.base, connect_timeout=1, read_timeout=30, http=http)
    return SyncEngine(store, client, credentials, login, backoff=Backoff(first=0.1, cap=1), **options)


def sync(store: LocalStore, server: ServerProcess, username: str, **options: Any) -> CycleReport:
    return engine_for(store, server, username, **options).run_cycle()


def rows(store: LocalStore, sql: str, **params: Any) -> list[Any]:
    with store.engine.connect() as connection:
        return list(connection.execute(text(sql), params).all())


def server_tickets(server: ServerProcess) -> dict[str, dict[str, Any]]:
    """Every live ticket on the server, by id, as a fresh desk pulls them (raw HTTP, no desktop code)."""
    changes, _ = Desk(server, "admin").pull_all()
    tickets = [c for c in changes if c["entity"] == "ticket" and not c["tombstone"]]
    assert len({c["entity_id"] for c in tickets}) == len(tickets)
    return {c["entity_id"]: c["fields"] for c in tickets}


# ---- a lost acknowledgement -----------------------------------------------------------------------


class AnswerLost(requests.Session):
    """Sends the push for real, then loses the server's answer (a network cut after the server applied it)."""

    def __init__(self) -> None:
        super().__init__()
        self.lost = 0

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().request(method, url, *args, **kwargs)
        if str(url).endswith("/sync/push") and self.lost == 0:
            self.lost += 1
            raise requests.ConnectionError("the answer was lost on the way back")
        return response


def test_a_lost_acknowledgement_is_answered_from_the_stored_result(
    tmp_path: Path, server: ServerProcess
) -> None:
    desk = open_test_store(tmp_path / "a")
    service = TicketService(desk, "dtv1")
    first = service.create(DRAFT)
    service.update(first.id, replace(first.draft, answer="Đã hướng dẫn"), first.version)
    second = service.create(replace(DRAFT, phone="0987 000 111", content="Phản ánh đèn đường"))
    http = AnswerLost()

    with pytest.raises(ServerUnreachable):
        engine_for(desk, server, "dtv1", http=http).run_cycle()
    assert http.lost == 1 and read_counts(desk).pending == 3  # the desk never saw the answer...
    on_server = server_tickets(server)
    assert set(on_server) == {first.id, second.id}  # ...but the server applied the batch
    assert on_server[first.id]["version"] == 2

    report = engine_for(desk, server, "dtv1", http=http).run_cycle()  # same seqs, same mutation ids
    assert report.pushed == 3 and read_counts(desk).pending == 0
    assert rows(desk, "SELECT client_seq, outcome, server_version FROM sync_pushes ORDER BY client_seq") == [
        (1, "applied", 1),
        (2, "applied", 2),
        (3, "applied", 1),
    ]
    again = server_tickets(server)
    assert set(again) == {first.id, second.id}  # nothing doubled
    assert again[first.id]["version"] == 2 and again[first.id]["answer"] == "Đã hướng dẫn"
    # our own changes coming back from the feed are no news: a form open on the ticket stays current
    assert service.get(second.id).version == 1 and service.get(first.id).version == 2


# ---- two desktops, one ticket ---------------------------------------------------------------------


def test_two_desks_edit_one_ticket_fields_merge_text_conflicts_are_settled_in_the_view(
    qtbot: QtBot, tmp_path: Path, server: ServerProcess, runner: TaskRunner
) -> None:
    desk_a, desk_b = open_test_store(tmp_path / "a"), open_test_store(tmp_path / "b")
    lan, minh = TicketService(desk_a, "dtv1"), TicketService(desk_b, "dtv2")
    ticket = lan.create(DRAFT)
    sync(desk_a, server, "dtv1")
    sync(desk_b, server, "dtv2")

    # different fields, both offline from version 1: both survive on both desks
    on_a, on_b = lan.get(ticket.id), minh.get(ticket.id)
    lan.update(ticket.id, replace(on_a.draft, answer="Đã hướng dẫn nộp hồ sơ"), on_a.version)
    minh.update(ticket.id, replace(on_b.draft, citizen_address="Phường 1, Cao Lãnh"), on_b.version)
    sync(desk_a, server, "dtv1")
    sync(desk_b, server, "dtv2")
    sync(desk_a, server, "dtv1")
    for service in (lan, minh):
        merged = service.get(ticket.id).draft
        assert (merged.answer, merged.citizen_address) == ("Đã hướng dẫn nộp hồ sơ", "Phường 1, Cao Lãnh")

    # the same free-text field: the second to arrive gets a conflict, both texts kept
    on_a, on_b = lan.get(ticket.id), minh.get(ticket.id)
    lan.update(ticket.id, replace(on_a.draft, content="Công dân hỏi cấp lại căn cước bị mất"), on_a.version)
    minh.update(ticket.id, replace(on_b.draft, content="Hỏi cấp lại CCCD, đã mất ví"), on_b.version)
    sync(desk_a, server, "dtv1")
    sync(desk_b, server, "dtv2")
    assert read_counts(desk_b).conflicts == 1
    assert (
        minh.get(ticket.id).draft.content == "Công dân hỏi cấp lại căn cước bị mất"
    )  # the server's, meanwhile

    view = SyncConflictView(desk_b, "dtv2", runner)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.reload()
    assert view.server_text.toPlainText() == "Công dân hỏi cấp lại căn cước bị mất"
    assert view.other_text.toPlainText() == "Hỏi cấp lại CCCD, đã mất ví"
    view.grab().save("/tmp/sync_conflict_two_desks.png")
    view.edited_text.setPlainText("Công dân hỏi cấp lại căn cước (CCCD) bị mất cùng ví")
    with qtbot.waitSignal(view.conflict_settled, timeout=5000), qtbot.waitSignal(view.loaded, timeout=5000):
        view.keep_edited.click()
    assert view.conflicts == []

    sync(desk_b, server, "dtv2")
    sync(desk_a, server, "dtv1")
    for desk, service in ((desk_a, lan), (desk_b, minh)):
        assert service.get(ticket.id).draft.content == "Công dân hỏi cấp lại căn cước (CCCD) bị mất cùng ví"
        assert read_counts(desk).conflicts == 0 and read_counts(desk).pending == 0
    desk_a.close()
    desk_b.close()


def test_a_supervisors_resolution_and_unit_win_over_an_operators_offline_edit(
    tmp_path: Path, server: ServerProcess
) -> None:
    desk, boss_desk = open_test_store(tmp_path / "a"), open_test_store(tmp_path / "s")
    lan, boss = TicketService(desk, "dtv1"), TicketService(boss_desk, "giamsat")
    ticket = lan.create(replace(DRAFT, unit_code="ban-tiep-dan"))
    sync(desk, server, "dtv1")
    sync(boss_desk, server, "giamsat")

    # the supervisor moves the ticket to another unit and resolves it while the operator is offline...
    seen = boss.get(ticket.id)
    moved = boss.update(ticket.id, replace(seen.draft, unit_code="cong-an-tinh"), seen.version)
    boss.resolve(ticket.id, "Chuyển Công an tỉnh, đã trả lời công dân", moved.version)
    sync(boss_desk, server, "giamsat")
    # ...who sends the ticket to yet another unit, resolves it too, and adds a caller's address
    mine = lan.get(ticket.id)
    edited = lan.update(
        ticket.id,
        replace(mine.draft, unit_code="bhxh-tinh", citizen_address="Sa Đéc", answer="Đã chuyển BHXH"),
        mine.version,
    )
    lan.resolve(ticket.id, "Đã chuyển BHXH", edited.version)
    report = sync(desk, server, "dtv1")
    assert report.pushed == 2
    sync(boss_desk, server, "giamsat")

    for service in (lan, boss):
        final = service.get(ticket.id)
        assert final.draft.unit_code == "cong-an-tinh"  # the supervisor's unit
        assert final.draft.status is TicketStatus.RESOLVED
        assert final.draft.citizen_address == "Sa Đéc"  # the operator's other field survives
        assert (
            final.draft.answer == "Chuyển Công an tỉnh, đã trả lời công dân"
        )  # until the conflict is settled
    assert read_counts(desk).conflicts == 1  # the two answers wait for the operator
    boss_view = server_tickets(server)[ticket.id]
    assert boss_view["unit_code"] == "cong-an-tinh"
    reasons = [r for (r,) in rows(desk, "SELECT reason FROM sync_pushes WHERE reason != ''")]
    assert any("unit_code" in r and "quyền cao hơn" in r for r in reasons), reasons  # the operator is told
    desk.close()
    boss_desk.close()


def test_an_operators_third_offline_edit_does_not_undo_a_supervisors_resolve_then_reopen(
    tmp_path: Path, server: ServerProcess
) -> None:
    """Each offline edit raises the desk's own version; what it tells the server it had seen is the
    server version it last pulled, or its third edit would claim to have seen the reopen (ABA)."""
    desk, boss_desk = open_test_store(tmp_path / "a"), open_test_store(tmp_path / "s")
    lan, boss = TicketService(desk, "dtv1"), TicketService(boss_desk, "giamsat")
    ticket = lan.create(DRAFT)
    sync(desk, server, "dtv1")
    sync(boss_desk, server, "giamsat")

    seen = boss.get(ticket.id)  # the supervisor resolves, then reopens: the status is back where it was
    resolved = boss.resolve(ticket.id, "Đã trả lời", seen.version)
    boss.update(ticket.id, replace(resolved.draft, status=TicketStatus.IN_PROGRESS), resolved.version)
    sync(boss_desk, server, "giamsat")
    mine = lan.get(ticket.id)  # meanwhile, offline, the operator edits twice then resolves
    mine = lan.update(ticket.id, replace(mine.draft, citizen_address="Sa Đéc"), mine.version)
    mine = lan.update(ticket.id, replace(mine.draft, content=DRAFT.content + " (bị mất)"), mine.version)
    lan.resolve(ticket.id, "Đã hướng dẫn nộp hồ sơ", mine.version)
    bases = [b for (b,) in rows(desk, "SELECT base_version FROM outbox WHERE op = 'update' ORDER BY seq")]
    assert bases == [1, 1, 1]  # the create pulled back: server version 1, whatever the local one

    assert sync(desk, server, "dtv1").pushed == 3
    sync(boss_desk, server, "giamsat")

    for service in (lan, boss):
        final = service.get(ticket.id)
        assert final.draft.status is TicketStatus.IN_PROGRESS  # the supervisor's reopen stands
        assert final.draft.citizen_address == "Sa Đéc"  # the operator's other edits survive
        assert final.draft.content.endswith("(bị mất)")
    reasons = [r for (r,) in rows(desk, "SELECT reason FROM sync_pushes WHERE reason != ''")]
    assert any("status" in r and "quyền cao hơn" in r for r in reasons), reasons  # the operator is told
    desk.close()
    boss_desk.close()


# ---- clocks ---------------------------------------------------------------------------------------


def test_client_clocks_days_off_change_nothing_the_order_is_the_servers(
    tmp_path: Path, server: ServerProcess
) -> None:
    ahead_clock = lambda: now_vn() + timedelta(days=4)  # noqa: E731
    behind_clock = lambda: now_vn() - timedelta(days=6)  # noqa: E731
    desk_a, desk_b = open_test_store(tmp_path / "a"), open_test_store(tmp_path / "b")
    lan = TicketService(desk_a, "dtv1", clock=ahead_clock)
    minh = TicketService(desk_b, "dtv2", clock=behind_clock)
    ticket = lan.create(DRAFT)
    sync(desk_a, server, "dtv1", clock=ahead_clock)
    sync(desk_b, server, "dtv2", clock=behind_clock)

    # A edits (its clock says Thursday), then B edits after pulling A's version (its clock says last week)
    on_a = lan.get(ticket.id)
    lan.update(ticket.id, replace(on_a.draft, answer="Trả lời lần 1", unit_code="bhxh-tinh"), on_a.version)
    sync(desk_a, server, "dtv1", clock=ahead_clock)
    sync(desk_b, server, "dtv2", clock=behind_clock)
    on_b = minh.get(ticket.id)
    assert on_b.draft.answer == "Trả lời lần 1"
    minh.update(
        ticket.id, replace(on_b.draft, answer="Trả lời lần 2", unit_code="cong-an-tinh"), on_b.version
    )
    # and a ticket B creates "six days ago" still comes after everything A did in the feed
    late = minh.create(replace(DRAFT, phone="0987 111 222", content="Phiếu mới của máy B"))
    sync(desk_b, server, "dtv2", clock=behind_clock)
    sync(desk_a, server, "dtv1", clock=ahead_clock)

    for service in (lan, minh):
        final = service.get(ticket.id).draft
        assert (final.answer, final.unit_code) == (
            "Trả lời lần 2",
            "cong-an-tinh",
        )  # the later edit, by arrival
        assert service.get(late.id).draft.content == "Phiếu mới của máy B"
    assert read_counts(desk_a).conflicts == read_counts(desk_b).conflicts == 0
    desk_a.close()
    desk_b.close()


# ---- an outbox written by an older desktop --------------------------------------------------------


def test_an_outbox_written_by_an_older_desktop_is_applied_or_refused_with_a_reason_never_dropped(
    tmp_path: Path, server: ServerProcess
) -> None:
    desk = open_test_store(tmp_path / "a")
    service = TicketService(desk, "dtv1")
    current = service.create(DRAFT)
    with desk.writes.begin() as session:  # what desktop 0.x left in its outbox before the upgrade
        append_mutation(  # an edit in the old flat form (no changes/before), with its base version
            session,
            entity="ticket",
            entity_id=current.id,
            op="update",
            payload={"answer": "Sửa bằng phiên bản cũ"},
            base_version=1,
        )
        append_mutation(  # an operation the server no longer has
            session, entity="ticket", entity_id=current.id, op="assign", payload={"unit": "ban-tiep-dan"}
        )
        append_mutation(  # a ticket sent without the fields the server now requires
            session, entity="ticket", entity_id="0d5c1b5e-old0-4000-8000-000000000001", op="create",
            payload={"code": "CU-0001", "content": "Phiếu của phiên bản cũ"},
        )  # fmt: skip
    after = service.create(replace(DRAFT, phone="0987 222 333", content="Phiếu sau khi nâng cấp"))
    outbox_before = rows(desk, "SELECT seq, mutation_id FROM outbox ORDER BY seq")

    report = sync(desk, server, "dtv1")

    assert report.pushed == 5 and read_counts(desk).pending == 0
    outcomes = rows(
        desk,
        "SELECT o.op, p.outcome, p.reason FROM sync_pushes p JOIN outbox o ON o.seq = p.outbox_seq "
        "ORDER BY p.client_seq",
    )
    assert [(op, outcome) for op, outcome, _ in outcomes] == [
        ("create", "applied"),
        ("update", "applied"),
        ("assign", "rejected"),
        ("create", "rejected"),
        ("create", "applied"),  # nothing after a refusal is skipped
    ]
    assert "cập nhật phần mềm" in outcomes[2][2] and "thiếu" in outcomes[3][2]  # Vietnamese, saying why
    assert rows(desk, "SELECT seq, mutation_id FROM outbox ORDER BY seq") == outbox_before  # none dropped
    assert read_counts(desk).rejected_unseen == 2  # the status bar shows them
    on_server = server_tickets(server)
    assert on_server[current.id]["answer"] == "Sửa bằng phiên bản cũ"
    assert on_server[after.id]["content"] == "Phiếu sau khi nâng cấp"
    assert json.dumps(on_server).count("CU-0001") == 0
    desk.close()


def test_a_desktop_on_a_protocol_the_upgraded_server_no_longer_speaks_is_refused_whole_and_keeps_everything(
    tmp_path: Path, server: ServerProcess
) -> None:
    desk = open_test_store(tmp_path / "a")
    service = TicketService(desk, "dtv1")
    saved = [service.create(replace(DRAFT, phone=f"0912 333 {n:03d}")).id for n in range(3)]
    old_desktop = engine_for(desk, server, "dtv1", protocol_version=0)

    with pytest.raises(ProtocolRefused) as refused:
        old_desktop.run_cycle()
    assert "cập nhật phần mềm" in str(refused.value).lower()
    assert not refused.value.retry  # no point hammering the server: the desk says "update"
    assert read_counts(desk).pending == 3 and server_tickets(server) == {}  # nothing applied, nothing lost

    report = sync(desk, server, "dtv1")  # the desktop updated: the same numbers go, none skipped
    assert report.pushed == 3 and read_counts(desk).pending == 0
    assert rows(desk, "SELECT client_seq, outcome FROM sync_pushes ORDER BY client_seq") == [
        (1, "applied"),
        (2, "applied"),
        (3, "applied"),
    ]
    assert set(server_tickets(server)) == set(saved)
    desk.close()
