"""One bad value never stalls a desk: it is stored as refused with its reason, the changes after it apply.

A real PostgreSQL and uvicorn; the pushes are what a desk sends after importing a clumsy CSV row.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from server_lab import Desk, ServerProcess, edit, new_id, ticket
from sqlalchemy import create_engine, text

from protocol import PROTOCOL_VERSION

FAR_PAST = "0001-01-01T05:00:00+07:00"  # an empty Excel date cell, as some exports write it
FAR_FUTURE = "9999-12-31T23:59:59-14:00"


def push_then_good(desk: Desk, bad: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    good = desk.mutation("ticket", "create", new_id(), ticket(f"OK-{new_id()[:8]}"))
    body = {"client_id": desk.client_id, "protocol_version": PROTOCOL_VERSION, "mutations": [bad, good]}
    # json.dumps escapes a lone surrogate as \ud800, as a desk's JSON encoder would send it.
    answer = desk.http.post(
        "/api/v1/sync/push", content=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    refused, applied = answer.json()["results"]
    return refused, applied


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"received_at": FAR_PAST}, "ngày tiếp nhận"),
        ({"status": "da_xu_ly", "answer": "Đã trả lời", "resolved_at": FAR_FUTURE}, "ngày xử lý xong"),
        ({"citizen_name": "N" * 300}, "200 ký tự"),
        ({"citizen_name": "Nguyễn\x00Văn"}, "ký tự điều khiển"),
        ({"content": "Hỏi \ud800 thủ tục"}, "ký tự hỏng"),
        ({"unit_code": "\x00"}, "ký tự điều khiển"),
        ({"deadline": "9999-12-31"}, "hạn xử lý"),
        ({"deadline": "0001-01-01"}, "hạn xử lý"),
    ],
)
def test_a_value_out_of_the_contract_is_refused_with_its_reason_and_the_queue_moves_on(
    server: ServerProcess, overrides: dict[str, Any], words: str
) -> None:
    desk = Desk(server, "dtv1")
    bad = desk.mutation("ticket", "create", new_id(), ticket(f"BAD-{new_id()[:8]}", **overrides))
    refused, applied = push_then_good(desk, bad)
    assert refused["status"] == "rejected" and words in refused["reason"], refused
    assert applied["status"] == "applied"
    changes, _ = desk.pull_all()
    assert changes, "the desk still pulls"


@pytest.mark.parametrize("op", ["create", "update"])
def test_a_change_the_database_itself_refuses_is_stored_as_refused_not_a_500(
    server: ServerProcess, db_url: str, op: str
) -> None:
    desk = Desk(server, "dtv1")
    ticket_id = new_id()
    created = desk.push([desk.mutation("ticket", "create", ticket_id, ticket(f"DB-{new_id()[:8]}"))])
    assert created.json()["results"][0]["status"] == "applied"
    # A rule only the database knows (as a column type or a future constraint would be): no check of
    # ours foresees it, so only the catch-all can keep the stream moving.
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE tickets ADD CONSTRAINT no_xyz CHECK (citizen_name <> 'XYZ')"))
    try:
        if op == "create":
            bad = desk.mutation(
                "ticket", "create", new_id(), ticket(f"DB-{new_id()[:8]}", citizen_name="XYZ")
            )
        else:
            bad = desk.mutation("ticket", "update", ticket_id, edit(citizen_name=("Nguyễn Văn A", "XYZ")), 1)
        refused, applied = push_then_good(desk, bad)
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE tickets DROP CONSTRAINT no_xyz"))
        engine.dispose()
    assert refused["status"] == "rejected" and "Máy chủ không áp dụng được" in refused["reason"], refused
    assert applied["status"] == "applied"
    assert desk.push([bad]).json()["results"][0] == {**refused, "replayed": True}


@pytest.mark.parametrize(
    ("merged_into", "words"),
    [("khong-co", "không có trong danh mục"), ("loop-a", "vòng sáp nhập"), ("loop-b", "vòng sáp nhập")],
)
def test_a_unit_merge_into_a_unit_that_does_not_exist_or_round_a_circle_is_refused(
    server: ServerProcess, merged_into: str, words: str
) -> None:
    admin = Desk(server, "admin")
    for code in ("loop-a", "loop-b"):
        assert admin.http.put(f"/api/v1/catalog/unit/{code}", json={"name": code}).status_code == 200
    assert admin.http.put(
        "/api/v1/catalog/unit/loop-a", json={"name": "A", "merged_into": "loop-b"}
    ).is_success
    _, cursor = admin.pull_all()

    refused = admin.http.put("/api/v1/catalog/unit/loop-b", json={"name": "B", "merged_into": merged_into})

    assert refused.status_code == 422 and words in refused.json()["detail"]
    changes, _ = admin.pull_all(cursor)
    assert not [c for c in changes if c["entity_id"] == "loop-b"], "a refused edit reaches no desk"


def test_who_made_a_call_is_who_signed_in_and_another_operator_cannot_rewrite_it(
    server: ServerProcess,
) -> None:
    op1, op2 = Desk(server, "dtv1"), Desk(server, "dtv2")
    call_id = new_id()
    call = {"direction": "vao", "phone": "+84912345678", "started_at": "2024-03-01T08:30:00+07:00"}
    created = op1.push([op1.mutation("call", "create", call_id, {**call, "operator": "sup1"})])
    assert created.json()["results"][0]["status"] == "applied"
    forged = op2.push([op2.mutation("call", "update", call_id, {"changes": {"outcome": "nho"}})])
    assert forged.json()["results"][0]["status"] == "rejected"
    credited = op2.push([op2.mutation("call", "create", new_id(), {**call, "operator": "sup1"})])
    assert credited.json()["results"][0]["status"] == "applied"

    changes, _ = Desk(server, "admin").pull_all()
    calls = {c["entity_id"]: c["fields"] for c in changes if c["entity"] == "call"}
    assert calls[call_id]["operator"] == "dtv1" and calls[call_id]["outcome"] != "nho"
    assert "sup1" not in {fields["operator"] for fields in calls.values()}
