"""A desk's id belongs to that desk: no one can push in its name, and the feed does not show it."""

from __future__ import annotations

import json

import httpx
from server_lab import PASSWORD, Desk, ServerProcess, new_id, ticket


def _push_one(desk: Desk, code: str) -> httpx.Response:
    return desk.push([desk.mutation("ticket", "create", new_id(), ticket(code))])


def test_a_login_with_another_desks_id_is_refused_and_that_desk_keeps_syncing(server: ServerProcess) -> None:
    desk1 = Desk(server, "dtv1")
    assert _push_one(desk1, "P-KEY-1").status_code == 200

    intruder = httpx.post(
        f"{server.base}/api/v1/login",
        json={"username": "dtv2", "password": PASSWORD, "client_id": desk1.client_id, "desk_key": "x" * 40},
        timeout=30,
    )
    assert intruder.status_code == 403, intruder.text
    assert "đã được một máy khác dùng" in intruder.json()["detail"]
    assert "token" not in intruder.text

    answer = _push_one(desk1, "P-KEY-2")
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["applied"]


def test_a_desk_too_old_to_send_a_key_is_told_to_update(server: ServerProcess) -> None:
    old = Desk(server, "dtv1")
    credentials = old.credentials()
    del credentials["desk_key"]
    answer = httpx.post(f"{server.base}/api/v1/login", json=credentials, timeout=30)
    assert answer.status_code == 426 and "cập nhật" in answer.json()["detail"]


def test_the_same_desk_signs_in_again_and_for_the_next_shifts_operator(server: ServerProcess) -> None:
    morning = Desk(server, "dtv1")
    afternoon = Desk(server, "dtv2", client_id=morning.client_id, desk_key=morning.desk_key)
    assert afternoon.login()["client_id"] == morning.client_id
    assert morning.login()["client_id"] == morning.client_id


def test_an_admin_unbinds_a_reinstalled_desk_so_its_new_key_is_taken(server: ServerProcess) -> None:
    old = Desk(server, "dtv1")
    reinstalled = httpx.post(
        f"{server.base}/api/v1/login",
        json={**old.credentials(), "desk_key": "n" * 40},
        timeout=30,
    )
    assert reinstalled.status_code == 403

    unbound = server.admin_command("unbind-desk", old.client_id)
    assert unbound.returncode == 0, unbound.stderr
    assert "Đã gỡ liên kết" in unbound.stdout

    again = httpx.post(
        f"{server.base}/api/v1/login", json={**old.credentials(), "desk_key": "n" * 40}, timeout=30
    )
    assert again.status_code == 200, again.text
    assert httpx.post(f"{server.base}/api/v1/login", json=old.credentials(), timeout=30).status_code == 403


def test_what_a_desk_pulls_names_no_other_desk(server: ServerProcess) -> None:
    one, two = Desk(server, "dtv1"), Desk(server, "dtv2")
    tid = new_id()
    assert one.push([one.mutation("ticket", "create", tid, ticket(f"K-{tid[:8]}"))]).status_code == 200
    pulled, _ = two.pull_all()
    assert any(change["entity_id"] == tid for change in pulled)
    assert one.client_id not in json.dumps(pulled)  # desk ids stay between a desk and the server
    assert all(change.get("origin_client") is None for change in pulled)
