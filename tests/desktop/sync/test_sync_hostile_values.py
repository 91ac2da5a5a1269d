"""One bad value in one desk's outbox or in the feed never wedges a desk (real PostgreSQL and uvicorn)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from server_lab import Desk, ServerProcess, new_id, ticket
from sqlalchemy import text
from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.services.tickets.service import TicketService
from desktop.sync.apply import apply_page
from desktop.sync.state import read_counts
from protocol import Change
from sync.test_sync_scenarios import engine_for, rows, server_tickets  # tests/desktop is on sys.path

DRAFT = TicketDraft(content="Hỏi thủ tục cấp lại căn cước", phone="0912 345 678", citizen_name="Lan")


def test_a_bad_date_already_in_the_outbox_is_refused_and_the_tickets_after_it_still_reach_the_server(
    tmp_path: Path, server: ServerProcess
) -> None:
    other = Desk(server, "dtv2")
    other.push([other.mutation("ticket", "create", new_id(), ticket("KHAC-1"))])
    desk = open_test_store(tmp_path / "a")
    service = TicketService(desk, "dtv1")
    first = service.create(DRAFT)
    # A row an older desk let through (an empty Excel date cell read as year 1), already queued:
    with desk.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE outbox SET payload = json_set(payload, '$.received_at', :bad) WHERE entity_id = :id"
            ),
            {"bad": "0001-01-01T05:00:00+07:00", "id": first.id},
        )
    later = service.create(replace(DRAFT, content="Phản ánh đèn đường hư", phone="0987 000 111"))

    report = engine_for(desk, server, "dtv1").run_cycle()

    assert report.pushed == 2 and read_counts(desk).pending == 0
    assert read_counts(desk).rejected_unseen == 1  # the operator sees why, in the refused-changes list
    outcomes = rows(desk, "SELECT outcome, reason FROM sync_pushes ORDER BY client_seq")
    assert outcomes[0][0] == "rejected" and "ngày tiếp nhận" in outcomes[0][1]
    assert later.id in server_tickets(server)
    assert report.pulled >= 1 and any(code == "KHAC-1" for (code,) in rows(desk, "SELECT code FROM tickets"))


def test_a_pulled_change_this_desk_cannot_store_is_reported_and_the_rest_of_the_page_applies(
    tmp_path: Path,
) -> None:
    desk = open_test_store(tmp_path / "b")
    unit = Change(
        cursor=1,
        entity="unit",
        entity_id="u-lac",
        version=1,
        fields={"code": "u-lac", "name": "Đơn vị lạc", "merged_into": "khong-ton-tai", "version": 1},
    )
    good = Change(
        cursor=2,
        entity="unit",
        entity_id="u-tot",
        version=1,
        fields={"code": "u-tot", "name": "Đơn vị tốt", "version": 1},
    )

    page = apply_page(desk, [unit, good], cursor=2)

    assert page.unapplied == [("unit", "u-lac")] and page.applied == 1
    assert rows(desk, "SELECT code FROM units WHERE code IN ('u-lac', 'u-tot')") == [("u-tot",)]
    assert rows(desk, "SELECT cursor FROM sync_state") == [("2",)]  # the pull moves on
