"""Every version of a ticket's fields is kept on the server (who, when, from which desk): a supervisor reads
them and puts back a text another operator overwrote; operators cannot; an erasure scrubs the kept values."""

from __future__ import annotations

from server_lab import Desk, ServerProcess, edit, new_id, ticket
from sqlalchemy import create_engine, text

FIRST = "Bà Lan hỏi thủ tục cấp đổi căn cước cho con, cần giấy khai sinh bản chính"
OVERWRITE = "hỏi căn cước"


def test_a_supervisor_sees_who_overwrote_a_text_and_puts_it_back_on_every_desk(server: ServerProcess) -> None:
    one, two = Desk(server, "dtv1"), Desk(server, "dtv2")
    tid = new_id()
    assert (
        one.push([one.mutation("ticket", "create", tid, ticket(f"R-{tid[:8]}", content=FIRST))]).status_code
        == 200
    )
    overwritten = two.push([two.mutation("ticket", "update", tid, edit(content=(FIRST, OVERWRITE)), base=1)])
    assert overwritten.json()["results"][0]["status"] == "applied"

    supervisor = Desk(server, "giamsat")
    history = supervisor.http.get(f"/api/v1/tickets/{tid}/revisions")
    assert history.status_code == 200, history.text
    [revision] = history.json()["revisions"]
    assert (
        revision["version"] == 2 and revision["username"] == "dtv2" and revision["client_id"] == two.client_id
    )
    assert revision["changes"] == {"content": [FIRST, OVERWRITE]}

    restored = supervisor.http.post(f"/api/v1/tickets/{tid}/restore", json={"version": 2, "field": "content"})
    assert restored.status_code == 200, restored.text
    assert restored.json()["version"] == 3
    changes, _ = one.pull_all()
    latest = [c for c in changes if c["entity"] == "ticket" and c["entity_id"] == tid][-1]
    assert latest["fields"]["content"] == FIRST  # the desks get the text back by the usual feed
    newest = supervisor.http.get(f"/api/v1/tickets/{tid}/revisions").json()["revisions"][0]
    assert newest["username"] == "giamsat" and newest["changes"] == {"content": [OVERWRITE, FIRST]}


def test_operators_cannot_read_or_restore_revisions_and_a_wrong_version_is_refused(
    server: ServerProcess,
) -> None:
    one = Desk(server, "dtv1")
    tid = new_id()
    one.push([one.mutation("ticket", "create", tid, ticket(f"R-{tid[:8]}"))])
    assert one.http.get(f"/api/v1/tickets/{tid}/revisions").status_code == 403
    assert (
        one.http.post(f"/api/v1/tickets/{tid}/restore", json={"version": 2, "field": "content"}).status_code
        == 403
    )
    supervisor = Desk(server, "giamsat")
    refused = supervisor.http.post(f"/api/v1/tickets/{tid}/restore", json={"version": 7, "field": "content"})
    assert refused.status_code == 409 and "lần sửa 7" in refused.json()["detail"]
    assert supervisor.http.get(f"/api/v1/tickets/{new_id()}/revisions").status_code == 404


def test_an_erasure_leaves_no_old_value_of_the_citizen_in_the_revisions(server: ServerProcess) -> None:
    one = Desk(server, "dtv1")
    tid = new_id()
    one.push([one.mutation("ticket", "create", tid, ticket(f"R-{tid[:8]}", phone="+84912345678"))])
    one.push(
        [
            one.mutation(
                "ticket", "update", tid, edit(citizen_name=("Nguyễn Văn A", "Nguyễn Thị Lan Anh")), base=1
            )
        ]
    )
    erased = Desk(server, "admin").http.post("/api/v1/erasures", json={"phone": "0912345678"})
    assert erased.status_code == 200, erased.text

    kept = Desk(server, "giamsat").http.get(f"/api/v1/tickets/{tid}/revisions").json()["revisions"]
    text = repr(kept)
    assert len(kept) == 2  # the name's edit and the erasure itself
    for trace in (
        "Nguyễn Văn A",
        "Nguyễn Thị Lan Anh",
        "+84912345678",
        "Cao Lãnh",
        "Hỏi thủ tục cấp căn cước",
    ):
        assert trace not in text, trace


def test_an_erasure_redacts_and_settles_the_text_conflicts_of_the_citizen_s_tickets(
    server: ServerProcess,
) -> None:
    one, two = Desk(server, "dtv1"), Desk(server, "dtv2")
    tid = new_id()
    base = "Bà Hoàng Thị Bảo Mật hỏi thủ tục"
    one.push(
        [one.mutation("ticket", "create", tid, ticket(f"R-{tid[:8]}", phone="+84912777888", content=base))]
    )
    one.push(
        [one.mutation("ticket", "update", tid, edit(content=(base, base + " ở phường Tràng Tiền")), base=1)]
    )
    raced = two.push(
        [two.mutation("ticket", "update", tid, edit(content=(base, base + ", số 9 ngõ Kín")), base=1)]
    )
    assert raced.json()["results"][0]["field_outcomes"][0]["outcome"] == "conflict_recorded"

    erased = Desk(server, "admin").http.post("/api/v1/erasures", json={"phone": "0912777888"})
    assert erased.status_code == 200, erased.text

    database = create_engine(server.db_url)
    with database.connect() as connection:
        rows = connection.execute(
            text("SELECT base_value, server_value, client_value, settled_by FROM conflicts")
        )
        kept = [tuple(row) for row in rows]
    database.dispose()
    assert kept and all(row[3] == "admin" for row in kept)  # settled: no desk keeps asking about it
    assert "Bảo Mật" not in repr(kept) and "ngõ Kín" not in repr(kept)
    changes, _ = two.pull_all()
    assert any(c["entity"] == "conflict" and c["tombstone"] for c in changes)  # the desks drop it
