"""Push: each mutation applied once in seq order; stored results for retries; gaps refused with 409."""

from __future__ import annotations

from server_lab import Desk, ServerProcess, edit, new_id, ticket
from sqlalchemy import create_engine, text


def count(db_url: str, query: str, desk: Desk) -> int:
    """`query` with :c bound to the desk's client id (tests share one database per module)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(query), {"c": desk.client_id}).scalar_one())
    finally:
        engine.dispose()


def test_lost_acknowledgement_gets_the_stored_result(server: ServerProcess, db_url: str) -> None:
    desk = Desk(server, "dtv1")
    tid = new_id()
    batch = [
        desk.mutation("ticket", "create", tid, ticket("P-ACK-1")),
        desk.mutation("ticket", "update", tid, edit(answer=("", "Đã trả lời")), 1),
    ]
    first = desk.push(batch)
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["results"]] == ["applied", "applied"]
    # The answer was lost on the way back: the desktop sends the same batch again.
    again = desk.push(batch)
    assert again.status_code == 200
    results = again.json()["results"]
    assert [r["replayed"] for r in results] == [True, True]
    assert [r["version"] for r in results] == [1, 2]
    assert count(db_url, "SELECT count(*) FROM tickets WHERE origin_client = :c", desk) == 1
    assert count(db_url, "SELECT version FROM tickets WHERE origin_client = :c", desk) == 2
    assert again.json()["last_seq"] == 2


def test_duplicated_and_reordered_batches_apply_once(server: ServerProcess, db_url: str) -> None:
    desk = Desk(server, "dtv1")
    ids = [new_id() for _ in range(6)]
    mutations = [desk.mutation("ticket", "create", i, ticket(f"P-RE-{n}")) for n, i in enumerate(ids)]
    # Batches arrive out of order and twice: the second batch first is a gap, refused whole.
    gap = desk.push(mutations[3:])
    assert gap.status_code == 409
    body = gap.json()
    assert body["code"] == "gap" and body["expected_seq"] == 1 and body["last_seq"] == 0
    assert "Thiếu thay đổi số 1" in body["detail"]
    assert count(db_url, "SELECT count(*) FROM tickets WHERE origin_client = :c", desk) == 0
    # Within one batch the order of the list does not matter: seq decides.
    assert desk.push(list(reversed(mutations[:3]))).status_code == 200
    assert desk.push(mutations[:3]).status_code == 200
    assert desk.push(mutations[2:]).status_code == 200
    assert desk.push(mutations).status_code == 200
    assert count(db_url, "SELECT count(*) FROM tickets WHERE origin_client = :c", desk) == 6
    assert count(db_url, "SELECT count(*) FROM applied_mutations WHERE client_id = :c", desk) == 6
    assert count(db_url, "SELECT last_seq FROM client_streams WHERE client_id = :c", desk) == 6


def test_a_gap_in_the_middle_keeps_what_came_before(server: ServerProcess, db_url: str) -> None:
    desk = Desk(server, "dtv1")
    mutations = [desk.mutation("ticket", "create", new_id(), ticket(f"P-GAP-{n}")) for n in range(4)]
    answer = desk.push([mutations[0], mutations[1], mutations[3]])
    assert answer.status_code == 409
    assert answer.json()["expected_seq"] == 3
    assert count(db_url, "SELECT count(*) FROM tickets WHERE origin_client = :c", desk) == 2
    assert desk.push(mutations).status_code == 200
    assert count(db_url, "SELECT count(*) FROM tickets WHERE origin_client = :c", desk) == 4


def test_a_reused_seq_with_another_mutation_is_refused(server: ServerProcess) -> None:
    desk = Desk(server, "dtv1")
    first = desk.mutation("ticket", "create", new_id(), ticket("P-SEQ-1"))
    assert desk.push([first]).status_code == 200
    other = {**first, "mutation_id": new_id(), "entity_id": new_id()}
    answer = desk.push([other])
    assert answer.status_code == 409
    assert answer.json()["code"] == "seq_reused"


def test_business_rejection_is_stored_consumes_the_seq_and_is_read_by_the_operator(
    server: ServerProcess, db_url: str
) -> None:
    desk = Desk(server, "dtv1")
    bad = desk.mutation("ticket", "create", new_id(), ticket("P-BAD", level=9))
    good = desk.mutation("ticket", "create", new_id(), ticket("P-GOOD"))
    answer = desk.push([bad, good])
    assert answer.status_code == 200
    rejected, applied = answer.json()["results"]
    assert rejected["status"] == "rejected" and "Cấp độ" in rejected["reason"]
    assert applied["status"] == "applied"
    assert desk.push([bad]).json()["results"][0]["reason"] == rejected["reason"]
    assert count(db_url, "SELECT count(*) FROM tickets WHERE origin_client = :c", desk) == 1


def test_push_for_another_desk_is_forbidden(server: ServerProcess) -> None:
    desk = Desk(server, "dtv1")
    answer = desk.http.post(
        "/api/v1/sync/push", json={"client_id": "someone-else", "protocol_version": 1, "mutations": []}
    )
    assert answer.status_code == 403


def test_calls_are_created_then_finished(server: ServerProcess, db_url: str) -> None:
    desk = Desk(server, "dtv1")
    cid, at = new_id(), "2024-03-01T08:00:00+07:00"
    answer = desk.push(
        [
            desk.mutation(
                "call", "create", cid, {"direction": "vao", "phone": "+84901234567", "started_at": at}
            ),
            desk.mutation(
                "call", "update", cid, {"outcome": "da_tra_loi", "answered_at": at, "ended_at": at}
            ),
        ]
    )
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "applied"]
    assert (
        count(db_url, "SELECT count(*) FROM calls WHERE outcome = 'da_tra_loi' AND origin_client = :c", desk)
        == 1
    )


def test_clashes_inside_one_batch_are_refused_in_order_and_the_rest_still_applies(
    server: ServerProcess, db_url: str
) -> None:
    """New tickets go to the database pipelined; one that clashes stops the ones after it only until its
    refusal is stored, then they apply (a code reused, the same ticket twice, a bad value in between)."""
    desk = Desk(server, "dtv1")
    first, other = new_id(), new_id()
    batch = [
        desk.mutation("ticket", "create", first, ticket("P-CL-1")),
        desk.mutation("ticket", "create", new_id(), ticket("P-CL-1")),  # the code is taken
        desk.mutation("ticket", "create", other, ticket("P-CL-2")),
        desk.mutation("ticket", "create", first, ticket("P-CL-3")),  # the same ticket id again
        desk.mutation("ticket", "create", new_id(), ticket("P-CL-4", channel="bo_cau")),
        desk.mutation("ticket", "update", other, edit(answer=("", "Đã trả lời"))),
        desk.mutation("ticket", "create", new_id(), ticket("P-CL-5")),
    ]
    answer = desk.push(batch)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    statuses = ["applied", "rejected", "applied", "rejected", "rejected", "applied", "applied"]
    assert [r["status"] for r in results] == statuses
    assert [r["seq"] for r in results] == [m["seq"] for m in batch]
    assert "đã được dùng cho một phiếu khác" in results[1]["reason"]
    assert "đã có trên máy chủ" in results[3]["reason"]
    assert "bo_cau" in results[4]["reason"]
    assert answer.json()["last_seq"] == batch[-1]["seq"]
    codes = "SELECT string_agg(code, ',' ORDER BY code) FROM tickets WHERE origin_client = :c"
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text(codes), {"c": desk.client_id}).scalar_one() == "P-CL-1,P-CL-2,P-CL-5"
    finally:
        engine.dispose()
    again = desk.push(batch).json()["results"]
    assert [(r["status"], r["reason"], r["replayed"]) for r in again] == [
        (r["status"], r["reason"], True) for r in results
    ]


def test_who_resolved_a_ticket_is_the_account_that_pushed_it_never_the_payloads_word(
    server: ServerProcess,
) -> None:
    desk = Desk(server, "dtv1")
    answered = {"status": "da_xu_ly", "answer": "Đã hướng dẫn.", "resolved_at": "2024-03-01T09:00:00+07:00"}
    at_once, imported, reopened = new_id(), new_id(), new_id()
    pushed = desk.push(
        [
            desk.mutation("ticket", "create", at_once, ticket("P-AUTHOR-1", **answered)),  # PostgreSQL's path
            desk.mutation("ticket", "import", imported, ticket("P-AUTHOR-2", **answered)),
            desk.mutation("ticket", "create", reopened, ticket("P-AUTHOR-3", **answered)),
            desk.mutation(
                "ticket",
                "update",
                reopened,
                edit(status=("da_xu_ly", "dang_xu_ly"), resolved_at=(answered["resolved_at"], None)),
                1,
            ),
            desk.mutation("ticket", "create", new_id(), {**ticket("P-AUTHOR-4"), "resolved_by": "giamsat"}),
            desk.mutation("ticket", "update", at_once, edit(resolved_by=("dtv1", "giamsat")), 1),
        ]
    )
    assert pushed.status_code == 200, pushed.text
    results = pushed.json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 4 + ["rejected"] * 2
    assert all("resolved_by" in r["reason"] for r in results[4:])

    changes, _cursor = desk.pull_all()
    latest = {c["entity_id"]: c["fields"] for c in changes if c["entity"] == "ticket"}
    authors = {key: (latest[key]["resolved_by"], latest[key]["called_back_by"]) for key in latest}
    assert authors[at_once] == ("dtv1", None)
    assert authors[imported] == (None, None)  # resolved before this software knew it: nobody to name
    assert authors[reopened] == (None, None)  # emptied with the moment
