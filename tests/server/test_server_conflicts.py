"""Two desktops editing one ticket: field-by-field merge, role precedence, free-text conflicts, clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from server_lab import Desk, ServerProcess, edit, new_id, ticket


def created(server: ServerProcess) -> tuple[Desk, Desk, str]:
    one, two = Desk(server, "dtv1"), Desk(server, "dtv2")
    tid = new_id()
    assert one.push([one.mutation("ticket", "create", tid, ticket(f"P-{tid[:8]}"))]).status_code == 200
    return one, two, tid


def state(desk: Desk, entity: str, entity_id: str) -> dict[str, Any]:
    changes, _ = desk.pull_all()
    latest = [c for c in changes if c["entity"] == entity and c["entity_id"] == entity_id]
    assert len(latest) == 1
    return latest[0]


def result(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    value: dict[str, Any] = answer.json()["results"][0]
    return value


def test_edits_of_different_fields_both_survive(server: ServerProcess) -> None:
    one, two, tid = created(server)
    a = result(one.push([one.mutation("ticket", "update", tid, edit(level=(1, 2)), base=1)]))
    b = result(
        two.push(
            [two.mutation("ticket", "update", tid, edit(unit_code=("tong-dai-1022", "so-tu-phap")), base=1)]
        )
    )
    assert a["status"] == b["status"] == "applied"
    fields = state(one, "ticket", tid)["fields"]
    assert fields["level"] == 2 and fields["unit_code"] == "so-tu-phap" and fields["version"] == 3


def test_same_free_text_field_keeps_both_versions_until_an_operator_settles(server: ServerProcess) -> None:
    one, two, tid = created(server)
    result(one.push([one.mutation("ticket", "update", tid, edit(answer=("", "Trả lời của máy 1")), base=1)]))
    second = result(
        two.push([two.mutation("ticket", "update", tid, edit(answer=("", "Trả lời của máy 2")), base=1)])
    )
    assert second["status"] == "conflict"
    [outcome] = second["field_outcomes"]
    assert outcome["outcome"] == "conflict_recorded" and outcome["server_value"] == "Trả lời của máy 1"
    conflict = state(two, "conflict", outcome["conflict_id"])
    assert conflict["fields"]["client_value"] == "Trả lời của máy 2"
    assert conflict["fields"]["server_value"] == "Trả lời của máy 1"
    assert state(two, "ticket", tid)["fields"]["answer"] == "Trả lời của máy 1"
    merged = "Trả lời của máy 1. Trả lời của máy 2"
    settled = result(
        two.push([two.mutation("conflict", "settle", outcome["conflict_id"], {"value": merged})])
    )
    assert settled["status"] == "applied"
    assert state(one, "ticket", tid)["fields"]["answer"] == merged
    assert state(one, "conflict", outcome["conflict_id"])["tombstone"] is True
    again = result(one.push([one.mutation("conflict", "settle", outcome["conflict_id"], {"value": "khác"})]))
    assert again["status"] == "rejected" and "đã được" in again["reason"]


def test_a_supervisor_status_change_survives_an_operators_offline_edit(server: ServerProcess) -> None:
    one, _, tid = created(server)
    boss = Desk(server, "giamsat")
    result(
        boss.push([boss.mutation("ticket", "update", tid, edit(status=("dang_xu_ly", "da_xu_ly")), base=1)])
    )
    offline = edit(level=(1, 2), answer=("", "Đã hướng dẫn nộp hồ sơ"))
    assert result(one.push([one.mutation("ticket", "update", tid, offline, base=1)]))["status"] == "applied"
    fields = state(one, "ticket", tid)["fields"]
    assert (fields["status"], fields["level"], fields["answer"]) == ("da_xu_ly", 2, "Đã hướng dẫn nộp hồ sơ")


def test_the_supervisors_unit_wins_a_race_in_either_order(server: ServerProcess) -> None:
    for supervisor_first in (True, False):
        one, _, tid = created(server)
        boss = Desk(server, "giamsat")
        by_boss = boss.mutation(
            "ticket", "update", tid, edit(unit_code=("tong-dai-1022", "so-noi-vu")), base=1
        )
        by_operator = one.mutation(
            "ticket", "update", tid, edit(unit_code=("tong-dai-1022", "so-y-te")), base=1
        )
        if supervisor_first:
            result(boss.push([by_boss]))
            assert result(one.push([by_operator]))["status"] == "conflict"
        else:
            result(one.push([by_operator]))
            assert result(boss.push([by_boss]))["status"] == "applied"
        assert state(one, "ticket", tid)["fields"]["unit_code"] == "so-noi-vu", supervisor_first


def test_operator_loses_a_same_field_race_to_the_supervisor(server: ServerProcess) -> None:
    one, _, tid = created(server)
    boss = Desk(server, "giamsat")
    result(
        boss.push(
            [boss.mutation("ticket", "update", tid, edit(unit_code=("tong-dai-1022", "so-noi-vu")), base=1)]
        )
    )
    lost = result(
        one.push(
            [one.mutation("ticket", "update", tid, edit(unit_code=("tong-dai-1022", "so-y-te")), base=1)]
        )
    )
    assert lost["status"] == "conflict"
    assert lost["field_outcomes"][0]["outcome"] == "lost_to_precedence"
    assert lost["field_outcomes"][0]["server_value"] == "so-noi-vu"
    assert state(one, "ticket", tid)["fields"]["unit_code"] == "so-noi-vu"


def test_between_equals_the_edit_applied_later_wins_whatever_the_clocks_say(server: ServerProcess) -> None:
    one, two, tid = created(server)
    now = datetime.now(UTC)
    ahead = one.mutation("ticket", "update", tid, edit(unit_code=("tong-dai-1022", "so-xay-dung")), base=1)
    ahead["made_at"] = (now + timedelta(days=3)).isoformat()  # desk 1's clock runs 3 days ahead
    behind = two.mutation(
        "ticket", "update", tid, edit(unit_code=("tong-dai-1022", "so-giao-thong-van-tai")), base=1
    )
    behind["made_at"] = (now - timedelta(days=5)).isoformat()  # desk 2's clock 5 days behind
    result(one.push([ahead]))
    assert result(two.push([behind]))["status"] == "applied"
    # Desk 2 was applied last: its unit wins although its clock says it is the oldest edit.
    assert state(one, "ticket", tid)["fields"]["unit_code"] == "so-giao-thong-van-tai"


def test_a_desks_own_offline_edits_follow_one_another(server: ServerProcess) -> None:
    one, _, tid = created(server)
    chain = [
        one.mutation("ticket", "update", tid, edit(unit_code=("tong-dai-1022", "so-y-te")), base=1),
        one.mutation("ticket", "update", tid, edit(unit_code=("so-y-te", "so-tu-phap")), base=2),
        one.mutation("ticket", "update", tid, edit(answer=("", "Một"), level=(1, 2)), base=3),
        one.mutation("ticket", "update", tid, edit(answer=("Một", "Hai")), base=4),
    ]
    assert [r["status"] for r in one.push(chain).json()["results"]] == ["applied"] * 4
    fields = state(one, "ticket", tid)["fields"]
    assert (fields["unit_code"], fields["answer"], fields["level"], fields["version"]) == (
        "so-tu-phap",
        "Hai",
        2,
        5,
    )


def test_a_supervisors_resolve_then_reopen_stands_against_an_operators_resolve_from_before_both(
    server: ServerProcess,
) -> None:
    """ABA: the status is back to what the operator saw, yet it changed after the operator's base."""
    one, _, tid = created(server)
    boss = Desk(server, "giamsat")
    resolved_at = "2024-03-02T09:00:00+07:00"
    resolve = edit(status=("dang_xu_ly", "da_xu_ly"), resolved_at=(None, resolved_at))
    reopen = edit(status=("da_xu_ly", "dang_xu_ly"), resolved_at=(resolved_at, None))
    result(boss.push([boss.mutation("ticket", "resolve", tid, resolve, base=1)]))
    result(boss.push([boss.mutation("ticket", "update", tid, reopen, base=2)]))
    offline = edit(
        status=("dang_xu_ly", "da_xu_ly"),
        resolved_at=(None, "2024-03-02T10:00:00+07:00"),
        answer=("", "Đã hướng dẫn nộp hồ sơ"),
    )
    pushed = one.mutation("ticket", "resolve", tid, offline, base=1)
    lost = result(one.push([pushed]))
    assert lost["status"] == "conflict", lost
    outcomes = {o["field"]: o for o in lost["field_outcomes"]}
    assert outcomes["status"]["outcome"] == "lost_to_precedence"
    assert outcomes["status"]["server_value"] == "dang_xu_ly"
    assert "answer" not in outcomes  # the text nobody else touched is kept
    assert lost["reason"] and "trạng thái" in lost["reason"], lost["reason"]
    fields = state(one, "ticket", tid)["fields"]
    assert (fields["status"], fields["resolved_at"], fields["answer"]) == (
        "dang_xu_ly",
        None,
        "Đã hướng dẫn nộp hồ sơ",
    )
    replayed = result(one.push([pushed]))
    assert replayed["replayed"] is True
    assert (replayed["reason"], replayed["field_outcomes"]) == (lost["reason"], lost["field_outcomes"])


def test_an_operator_who_saw_the_reopen_may_resolve_again(server: ServerProcess) -> None:
    one, _, tid = created(server)
    boss = Desk(server, "giamsat")
    resolved_at = "2024-03-02T09:00:00+07:00"
    resolve = edit(status=("dang_xu_ly", "da_xu_ly"), resolved_at=(None, resolved_at))
    reopen = edit(status=("da_xu_ly", "dang_xu_ly"), resolved_at=(resolved_at, None))
    result(boss.push([boss.mutation("ticket", "resolve", tid, resolve, base=1)]))
    result(boss.push([boss.mutation("ticket", "update", tid, reopen, base=2)]))
    again = edit(status=("dang_xu_ly", "da_xu_ly"), resolved_at=(None, "2024-03-03T08:00:00+07:00"))
    done = result(one.push([one.mutation("ticket", "resolve", tid, again, base=3)]))
    assert done["status"] == "applied" and done["reason"] is None
    assert state(one, "ticket", tid)["fields"]["status"] == "da_xu_ly"
