"""The server takes every number the desk's policy stores (hidden, unlisted, foreign, short code) and hands
it back unchanged: a call or ticket logged on one desk reaches the others. A real PostgreSQL and uvicorn."""

from __future__ import annotations

import pytest
from server_lab import Desk, ServerProcess, new_id, ticket

from desktop.domain.phone import caller_phone, normalize_phone

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
