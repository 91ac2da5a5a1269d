"""A ticket names only units and fields the catalog has: the server refuses a forged one as a stored
refusal with its reason (the desk's queue moves on, no other desk ever sees it), and the desk refuses it
before it enters the outbox. Real PostgreSQL and uvicorn, two desks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from server_lab import Desk, ServerProcess, new_id, ticket
from sqlalchemy import text
from store_keys import open_test_store

from desktop.domain.codes import Level
from desktop.domain.ticket import TicketDraft, TicketRejected
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.sync.state import read_counts
from sync.test_sync_scenarios import engine_for, rows, server_tickets  # tests/desktop is on sys.path

FORMULA = '=HYPERLINK("http://evil.example/x","Xem")'
DRAFT = TicketDraft(content="Hỏi thủ tục cấp lại căn cước", phone="0912 345 678", citizen_name="Lan")


def test_a_forged_unit_pushed_raw_is_refused_with_its_reason_and_both_desks_queues_keep_moving(
    tmp_path: Path, server: ServerProcess
) -> None:
    desk = open_test_store(tmp_path / "a")
    service = TicketService(desk, "dtv1")
    own = service.create(DRAFT)
    forger = Desk(server, "dtv2")
    forged_id, after_id = new_id(), new_id()
    pushed = forger.push(
        [
            forger.mutation("ticket", "create", forged_id, ticket("GIA-1", level=2, unit_code=FORMULA)),
            forger.mutation("ticket", "create", after_id, ticket("SAU-1", field_code="dat_dai")),
            forger.mutation("ticket", "update", after_id, {"changes": {"field_code": "=1+1"}}, base=1),
        ]
    )

    assert pushed.status_code == 200, pushed.text
    forged, after, forged_field = pushed.json()["results"]
    assert forged["status"] == "rejected" and "Đơn vị" in forged["reason"]
    assert "không có trong danh mục" in forged["reason"]
    assert after["status"] == "applied"  # the forger's own queue moved on
    assert forged_field["status"] == "rejected" and "Lĩnh vực «=1+1»" in forged_field["reason"]

    report = engine_for(desk, server, "dtv1").run_cycle()  # the honest desk: pushes, then pulls

    assert read_counts(desk).pending == 0 and read_counts(desk).rejected_unseen == 0
    on_server = server_tickets(server)
    assert own.id in on_server and after_id in on_server and forged_id not in on_server
    assert on_server[after_id]["field_code"] == "dat_dai"
    assert report.pulled >= 1 and rows(desk, "SELECT id FROM tickets WHERE id = :id", id=after_id)
    assert rows(desk, "SELECT code FROM units WHERE code = :code", code=FORMULA) == []  # no placeholder
    assert "Traceback" not in server.log_path.read_text(encoding="utf-8")


def test_a_forged_unit_already_queued_on_a_desk_is_refused_and_its_later_tickets_still_arrive(
    tmp_path: Path, server: ServerProcess
) -> None:
    desk = open_test_store(tmp_path / "b")
    service = TicketService(desk, "dtv1")
    first = service.create(DRAFT)
    # A change an older desk queued before it checked units (or one edited in the store by hand):
    with desk.engine.begin() as connection:
        connection.execute(
            text("UPDATE outbox SET payload = json_set(payload, '$.unit_code', :bad) WHERE entity_id = :id"),
            {"bad": "so-khong-ton-tai", "id": first.id},
        )
    later = service.create(replace(DRAFT, content="Phản ánh đèn đường hư", phone="0987 000 111"))

    report = engine_for(desk, server, "dtv1").run_cycle()

    assert report.pushed == 2 and read_counts(desk).pending == 0
    assert read_counts(desk).rejected_unseen == 1  # the operator reads why in the refused-changes list
    outcomes = rows(desk, "SELECT outcome, reason FROM sync_pushes ORDER BY client_seq")
    assert outcomes[0][0] == "rejected" and "«so-khong-ton-tai» không có trong danh mục" in outcomes[0][1]
    assert later.id in server_tickets(server) and first.id not in server_tickets(server)


def test_a_unit_merged_on_the_server_takes_new_work_sent_to_the_old_one_and_history_keeps_it(
    server: ServerProcess,
) -> None:
    admin = Desk(server, "admin")
    merged = admin.http.put(
        "/api/v1/catalog/unit/so-xay-dung",
        json={"name": "Sở Xây dựng (cũ)", "active": False, "merged_into": "so-giao-thong-van-tai"},
    )
    assert merged.status_code == 200, merged.text  # the target is a shipped unit the admin never edited
    offline = Desk(server, "dtv1")  # a desk that chose the unit before the merge reached it
    new_id_, old_id = new_id(), new_id()
    pushed = offline.push(
        [
            offline.mutation("ticket", "create", new_id_, ticket("MOI-1", level=2, unit_code="so-xay-dung")),
            offline.mutation("ticket", "import", old_id, ticket("CU-1", level=2, unit_code="so-xay-dung")),
        ]
    )

    assert [r["status"] for r in pushed.json()["results"]] == ["applied", "applied"], pushed.text
    on_server = server_tickets(server)
    assert on_server[new_id_]["unit_code"] == "so-giao-thong-van-tai"
    assert on_server[old_id]["unit_code"] == "so-xay-dung"  # an imported ticket is history: kept as it was


def test_the_desk_refuses_a_unit_or_field_its_catalog_lacks_or_retired_before_the_outbox(
    tmp_path: Path,
) -> None:
    desk = open_test_store(tmp_path / "c")
    service = TicketService(desk, "dtv1")
    with desk.writes.begin() as session:
        session.get(models.Field, "dat_dai").active = False  # retired by the admin, synced here

    cases = {
        "unit_code": (replace(DRAFT, level=Level.TWO, unit_code=FORMULA), "không có trong danh mục"),
        "field_code": (replace(DRAFT, field_code="=1+1"), "Lĩnh vực «=1+1» không có trong danh mục"),
        "field_code ": (replace(DRAFT, field_code="dat_dai"), "đã ngừng nhận phiếu"),
    }
    for name, (draft, reason) in cases.items():
        with pytest.raises(TicketRejected) as refused:
            service.create(draft)
        [problem] = refused.value.errors
        assert (problem.field, reason in problem.message) == (name.strip(), True), problem
    assert rows(desk, "SELECT count(*) FROM outbox") == [(0,)]
    assert rows(desk, "SELECT count(*) FROM tickets") == [(0,)]
