"""Who may call what: tokens, roles on every endpoint, oversized bodies, old protocols, catalogs, presence."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from server_lab import Desk, ServerProcess, new_id, ticket

from protocol import MAX_BODY_BYTES

# The signed releases are public: signed offline and verified by the desk, and a desk too old to sign
# in (426) must still reach its update.
PUBLIC = {
    ("post", "/api/v1/login"),
    ("get", "/health"),
    ("get", "/updates/metadata/{name}"),
    ("get", "/updates/targets/{name}"),
}
SUPERVISOR = {
    ("get", "/api/v1/presence"),
    ("get", "/api/v1/counts"),
    ("get", "/api/v1/reports"),
    ("get", "/api/v1/reports/units-on-time"),
    ("post", "/api/v1/forwardings/{forwarding_id}/extension"),
    ("get", "/api/v1/forwardings/extension-requests"),
    ("get", "/api/v1/tickets/{ticket_id}/revisions"),
    ("post", "/api/v1/tickets/{ticket_id}/restore"),
}


def routes(server: ServerProcess) -> list[tuple[str, str]]:
    spec: dict[str, Any] = httpx.get(f"{server.base}/openapi.json").json()
    return [(method, path) for path, item in spec["paths"].items() for method in item]


def needed_role(method: str, path: str) -> str:
    if (method, path) in SUPERVISOR:
        return "supervisor"
    if path.startswith(
        (
            "/api/v1/accounts",
            "/api/v1/catalog",
            "/api/v1/sessions",
            "/api/v1/logins",
            "/api/v1/access",
            "/api/v1/eras",
            "/api/v1/mail",
        )
    ):
        return "admin"
    return "operator"


def call(client: httpx.Client, method: str, path: str) -> httpx.Response:
    concrete = path.replace("{kind}", "unit").replace("{key}", "x").replace("{username}", "dtv1")
    concrete = (
        concrete.replace("{session_id}", "0" * 16).replace("{ticket_id}", "x").replace("{forwarding_id}", "x")
    )
    return client.request(method.upper(), concrete, json={} if method in ("post", "put", "patch") else None)


def test_no_endpoint_answers_without_a_valid_token(server: ServerProcess) -> None:
    anonymous = httpx.Client(base_url=server.base)
    forged = httpx.Client(base_url=server.base, headers={"Authorization": "Bearer khong-phai-token-that"})
    checked = 0
    for method, path in routes(server):
        if (method, path) in PUBLIC:
            continue
        for client in (anonymous, forged):
            answer = call(client, method, path)
            assert answer.status_code == 401, (method, path, answer.text)
            assert "đăng nhập" in answer.json()["detail"]
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("username", ["dtv1", "giamsat", "admin"])
def test_each_role_reaches_only_its_endpoints(server: ServerProcess, username: str) -> None:
    desk = Desk(server, username)
    rank = {"operator": 1, "supervisor": 2, "admin": 3}
    mine = rank[{"dtv1": "operator", "giamsat": "supervisor", "admin": "admin"}[username]]
    for method, path in routes(server):
        if (method, path) in PUBLIC or path == "/api/v1/logout":
            continue
        answer = call(desk.http, method, path)
        if rank[needed_role(method, path)] > mine:
            assert answer.status_code == 403, (username, method, path, answer.text)
        else:
            assert answer.status_code not in (401, 403), (username, method, path, answer.text)


def test_logout_revokes_the_token_and_a_wrong_password_is_refused(server: ServerProcess) -> None:
    desk = Desk(server, "dtv1")
    assert desk.http.get("/api/v1/sync/state").status_code == 200
    assert desk.http.post("/api/v1/logout").status_code == 204
    assert desk.http.get("/api/v1/sync/state").status_code == 401
    wrong = httpx.post(
        f"{server.base}/api/v1/login",
        json={"username": "dtv1", "password": "sai-mat-khau", "client_id": "x", "desk_key": "k" * 32},
    )
    assert wrong.status_code == 401 and "mật khẩu" in wrong.json()["detail"]


def test_a_disabled_account_loses_its_tokens(server: ServerProcess) -> None:
    admin = Desk(server, "admin")
    created = admin.http.post(
        "/api/v1/accounts",
        json={"username": "dtv9", "password": "mat-khau-cua-nhan-vien-9", "role": "operator"},
    )
    assert created.status_code == 201, created.text
    login = httpx.post(
        f"{server.base}/api/v1/login",
        json={
            "username": "dtv9",
            "password": "mat-khau-cua-nhan-vien-9",
            "client_id": "d9",
            "desk_key": "k" * 32,
        },
    )
    token = login.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{server.base}/api/v1/sync/state", headers=headers).status_code == 200
    assert admin.http.patch("/api/v1/accounts/dtv9", json={"active": False}).status_code == 200
    assert httpx.get(f"{server.base}/api/v1/sync/state", headers=headers).status_code == 401


def test_oversized_bodies_are_refused_with_413(server: ServerProcess) -> None:
    desk = Desk(server, "dtv1")
    huge = ticket("P-HUGE", content="x" * (MAX_BODY_BYTES + 10))
    answer = desk.push([desk.mutation("ticket", "create", new_id(), huge)])
    assert answer.status_code == 413 and "quá lớn" in answer.json()["detail"]

    def chunks() -> Any:  # no Content-Length: the limit counts what streams in
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536

    streamed = desk.http.post(
        "/api/v1/sync/push", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    assert desk.http.get("/api/v1/sync/state").json()["last_seq"] == 0


def test_an_older_protocol_is_refused_whole_and_an_old_import_row_is_rejected_explicitly(
    server: ServerProcess,
) -> None:
    desk = Desk(server, "dtv1")
    old = [desk.mutation("ticket", "create", new_id(), ticket("P-OLD-1"))]
    refused = desk.push(old, version=0)
    assert refused.status_code == 426 and "cập nhật phần mềm" in refused.json()["detail"]
    assert desk.http.get("/api/v1/sync/state").json()["last_seq"] == 0  # nothing applied, nothing skipped
    # An older desktop's import row carried only the file and the line, not the ticket.
    bare_import = desk.mutation("ticket", "import", new_id(), {"tep": "cu.csv", "dong": 7})
    unknown_op = desk.mutation("ticket", "archive", new_id(), {})
    answer = desk.push([*old, bare_import, unknown_op])
    statuses = [(r["status"], r["reason"]) for r in answer.json()["results"]]
    assert statuses[0] == ("applied", None)
    assert statuses[1][0] == "rejected" and "phiên bản cũ" in statuses[1][1]
    assert statuses[2][0] == "rejected" and "archive" in statuses[2][1]
    assert answer.json()["last_seq"] == 3


def test_catalogs_and_knowledge_base_reach_the_feed_with_tombstones(server: ServerProcess) -> None:
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    _, cursor = operator.pull_all()
    puts = {
        "unit/so_tu_phap": {"name": "Sở Tư pháp", "group": "so_nganh"},
        "field/dat_dai": {"name": "Đất đai"},
        "level/2": {"name": "Cấp độ 2", "deadline_working_days": 5},
        "holiday/2025-09-02": {"name": "Quốc khánh"},
        "kb_qa/q1": {"question": "Làm căn cước ở đâu?", "answer": "Công an xã", "procedures": ["1.001"]},
    }
    for path, body in puts.items():
        answer = admin.http.put(f"/api/v1/catalog/{path}", json=body)
        assert answer.status_code == 200, answer.text
    assert (
        admin.http.put("/api/v1/catalog/level/9", json={"name": "x", "deadline_working_days": 1}).status_code
        == 422
    )
    assert admin.http.delete("/api/v1/catalog/unit/so_tu_phap").status_code == 409
    assert admin.http.delete("/api/v1/catalog/holiday/2025-09-02").status_code == 204
    changes, _ = operator.pull_all(cursor)
    latest = {(c["entity"], c["entity_id"]): c for c in changes}
    assert latest[("unit", "so_tu_phap")]["fields"]["name"] == "Sở Tư pháp"
    assert latest[("level", "2")]["fields"]["deadline_working_days"] == 5
    assert latest[("kb_qa", "q1")]["fields"]["procedures"] == ["1.001"]
    assert latest[("holiday", "2025-09-02")]["tombstone"] is True
    assert operator.http.put("/api/v1/catalog/field/x", json={"name": "x"}).status_code == 403


def test_presence_is_stamped_by_the_server_and_read_by_supervisors(server: ServerProcess) -> None:
    operator, boss = Desk(server, "dtv2"), Desk(server, "giamsat")
    assert operator.http.put("/api/v1/presence", json={"state": "on_call"}).status_code == 204
    first = {e["username"]: e for e in boss.http.get("/api/v1/presence").json()["entries"]}["dtv2"]
    assert operator.http.put("/api/v1/presence", json={"state": "on_call"}).status_code == 204
    same = {e["username"]: e for e in boss.http.get("/api/v1/presence").json()["entries"]}["dtv2"]
    assert same["since"] == first["since"] and same["updated_at"] >= first["updated_at"]
    assert operator.http.put("/api/v1/presence", json={"state": "wrap_up"}).status_code == 204
    after = {e["username"]: e for e in boss.http.get("/api/v1/presence").json()["entries"]}["dtv2"]
    assert after["state"] == "wrap_up" and after["since"] > first["since"]
    assert operator.http.get("/api/v1/presence").status_code == 403


def test_counts_for_a_period(server: ServerProcess) -> None:
    operator, boss = Desk(server, "dtv1"), Desk(server, "giamsat")
    received = ("2023-05-02T09:00:00+07:00", "2023-05-31T23:59:00+07:00", "2023-06-01T00:00:00+07:00")
    statuses = ("dang_xu_ly", "da_xu_ly", "dang_xu_ly")
    operator.push(
        [
            operator.mutation(
                "ticket", "create", new_id(), ticket(f"P-CNT-{n}", received_at=at, status=status)
            )
            for n, (at, status) in enumerate(zip(received, statuses, strict=True))
        ]
    )
    answer = boss.http.get(
        "/api/v1/counts", params={"from": "2023-05-01T00:00:00+07:00", "to": "2023-06-01T00:00:00+07:00"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["tickets"], body["tickets_resolved"], body["tickets_in_progress"]) == (2, 1, 1)
