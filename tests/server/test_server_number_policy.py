"""The server keeps numbers by the desk's own policy (protocol/phone.py): every number the desk stores
(hidden, unlisted, foreign, short code) is taken and handed back unchanged, another form of a number is
stored as the desk would store it, and what the desk refuses is refused. A real PostgreSQL and uvicorn."""

from __future__ import annotations

import pytest
from server_lab import Desk, ServerProcess, new_id, ticket

from protocol.phone import caller_phone, normalize_phone

CALLERS = ["anonymous", "sip:anonymous@anonymous.invalid", "0892000111", "+12025550143", "1022", "1001"]


@pytest.mark.parametrize("caller", CALLERS)
def test_a_call_from_any_caller_the_desk_logs_is_taken_and_reaches_the_other_desks(
    server: ServerProcess, caller: str
) -> None:
    stored = caller_phone(caller.removeprefix("sip:").split("@")[0])
    op1, op2 = Desk(server, "dtv1"), Desk(server, "dtv2")
    call_id = new_id()
    call = {"direction": "vao", "phone": stored, "started_at": "2024-03-01T08:30:00+07:00"}
    pushed = op1.push([op1.mutation("call", "create", call_id, call)])
    assert pushed.json()["results"][0]["status"] == "applied", pushed.text
    changes, _ = op2.pull_all()
    assert {c["entity_id"]: c["fields"]["phone"] for c in changes if c["entity"] == "call"}[call_id] == stored


@pytest.mark.parametrize("typed", ["0895987864", "0992 623 726", "+1 202 555 0143", "1022"])
def test_a_ticket_with_an_unlisted_foreign_or_short_number_is_taken(
    server: ServerProcess, typed: str
) -> None:
    desk = Desk(server, "dtv1")
    ticket_id = new_id()
    values = ticket(f"DT-{ticket_id[:8]}", phone=normalize_phone(typed))
    pushed = desk.push([desk.mutation("ticket", "create", ticket_id, values)])
    assert pushed.json()["results"][0]["status"] == "applied", pushed.text
    changes, _ = Desk(server, "dtv2").pull_all()
    fields = {c["entity_id"]: c["fields"] for c in changes if c["entity"] == "ticket"}[ticket_id]
    assert fields["phone"] == normalize_phone(typed)


def test_a_pushed_number_the_desk_would_refuse_is_refused_with_the_desks_reason_and_the_queue_moves_on(
    server: ServerProcess,
) -> None:
    desk = Desk(server, "dtv1")
    junk_ticket, junk_call, odd_form, after = new_id(), new_id(), new_id(), new_id()
    call = {"direction": "vao", "started_at": "2024-03-01T08:30:00+07:00"}
    pushed = desk.push(
        [
            desk.mutation("ticket", "create", junk_ticket, ticket(f"DT-{junk_ticket[:8]}", phone="=1+1")),
            desk.mutation("call", "create", junk_call, {**call, "phone": ""}),  # withheld is HIDDEN_PHONE
            desk.mutation("ticket", "create", odd_form, ticket(f"DT-{odd_form[:8]}", phone="0912 345 678")),
            desk.mutation("call", "create", after, {**call, "phone": "0912.345.678"}),
        ]
    )

    statuses = [(r["status"], r["reason"]) for r in pushed.json()["results"]]
    assert statuses[0][0] == "rejected" and "không phải số điện thoại" in statuses[0][1]
    assert statuses[1][0] == "rejected" and "Chưa nhập số điện thoại" in statuses[1][1]
    assert [status for status, _ in statuses[2:]] == ["applied", "applied"]
    changes, _ = Desk(server, "dtv2").pull_all()
    stored = {c["entity_id"]: c["fields"]["phone"] for c in changes if c["entity"] in ("ticket", "call")}
    assert junk_ticket not in stored and junk_call not in stored
    assert stored[odd_form] == stored[after] == normalize_phone("0912 345 678") == "+84912345678"
