"""Absurd requests get a clear 4xx, never a 500, and the server's log never repeats what they carried."""

from __future__ import annotations

import json

import httpx
from server_lab import Desk, ServerProcess, new_id, ticket

from protocol import PROTOCOL_VERSION


def test_a_non_finite_number_in_a_body_is_a_clear_refusal_not_a_500(server: ServerProcess) -> None:
    desk = Desk(server, "dtv1")
    mutation = desk.mutation("ticket", "create", new_id(), ticket(f"NF-{new_id()[:6]}"))
    mutation["base_version"] = "INFINITY"
    body = json.dumps(
        {"client_id": desk.client_id, "protocol_version": PROTOCOL_VERSION, "mutations": [mutation]}
    )
    body = body.replace('"INFINITY"', "1e309")  # JSON allows it; Python reads it as inf
    answer = desk.http.post("/api/v1/sync/push", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"][-1] == "base_version"
    catalog = Desk(server, "admin").http.put(
        "/api/v1/catalog/unit/u-inf",
        content='{"name": "Xã A", "sort_order": 1e309}',
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= catalog.status_code < 500, catalog.text


def test_a_lone_surrogate_in_the_login_fields_is_refused_not_a_500(server: ServerProcess) -> None:
    body = '{"username": "dtv\\ud800", "password": "x\\udfff", "client_id": "desk-x"}'
    answer = httpx.post(
        f"{server.base}/api/v1/login", content=body, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert 400 <= answer.status_code < 500, answer.text


def test_the_report_of_a_server_with_no_unit_catalog_is_an_answer(server: ServerProcess) -> None:
    admin = Desk(server, "admin")
    answer = admin.http.get("/api/v1/reports", params={"from": "2021-11-01", "to": "2021-11-30"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["calls"]["inbound"] >= 0


def test_a_refused_login_does_not_echo_the_password_and_the_api_pages_are_off(server: ServerProcess) -> None:
    answer = httpx.post(
        f"{server.base}/api/v1/login",
        json={"username": "dtv1", "password": "mat-khau-bi-mat-" * 20, "client_id": "desk x"},
        timeout=30,
    )
    assert answer.status_code == 422 and "mat-khau-bi-mat" not in answer.text
    assert httpx.get(f"{server.base}/docs", timeout=30).status_code == 404
    assert httpx.get(f"{server.base}/redoc", timeout=30).status_code == 404
