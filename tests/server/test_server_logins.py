"""Accounts under attack: a brute force is throttled and locks out for a while with a clear message,
new passwords follow the rules, every login and refusal is in the admin's log, sessions are revocable."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from server_lab import PASSWORD, Desk, Postgres, ServerProcess, unit_browser
from sqlalchemy.orm import Session

from server.db import create_server_engine
from server.services import unit_accounts


@pytest.fixture
def server(postgres: Postgres, template: str) -> Iterator[ServerProcess]:
    """A database of its own per test: a lockout must not leak into the next test."""
    process = ServerProcess(postgres.url(postgres.create_database(template))).start()
    try:
        yield process
    finally:
        process.stop()


def attempt(server: ServerProcess, username: str, password: str, desk: str = "desk-bf") -> httpx.Response:
    body = {"username": username, "password": password, "client_id": desk, "desk_key": "k" * 32}
    return httpx.post(f"{server.base}/api/v1/login", json=body, timeout=30)


def test_a_brute_force_of_200_passwords_is_locked_out_quickly_with_a_message(server: ServerProcess) -> None:
    started = time.monotonic()
    codes = [attempt(server, "dtv1", f"doan-mat-khau-{n}").status_code for n in range(200)]
    elapsed = time.monotonic() - started
    assert codes[:5] == [401] * 5
    assert set(codes[5:]) == {429}  # refused before any password is checked
    locked = attempt(server, "dtv1", PASSWORD)  # even the right password, while locked
    assert locked.status_code == 429
    assert "tạm bị khóa" in locked.json()["detail"] and "phút" in locked.json()["detail"]
    assert int(locked.headers["Retry-After"]) > 60
    assert elapsed < 60, elapsed  # 195 refusals cost no argon2: a dictionary run goes nowhere fast

    other = Desk(server, "dtv2")  # another account on the same server is not locked
    assert other.http.get("/api/v1/sync/state").status_code == 200


def test_a_password_reset_by_the_admin_lifts_the_accounts_lock_at_once(server: ServerProcess) -> None:
    """The lock's message sends the operator to the admin: the admin's new password works straight away,
    not 15 minutes later (as for a unit's staff, 67db9bc)."""
    assert [attempt(server, "dtv1", f"doan-{n}").status_code for n in range(5)] == [401] * 5
    assert attempt(server, "dtv1", PASSWORD).status_code == 429
    admin = Desk(server, "admin")
    reset = admin.http.patch("/api/v1/accounts/dtv1", json={"password": "ca-chieu-thu-ba-77"})
    assert reset.status_code == 200, reset.text
    assert attempt(server, "dtv1", "ca-chieu-thu-ba-77").status_code == 200
    for n in range(5):  # new failures after the reset count again from zero
        assert attempt(server, "dtv1", f"lai-doan-{n}").status_code == 401
    assert attempt(server, "dtv1", "ca-chieu-thu-ba-77").status_code == 429


def test_many_names_from_one_address_lock_that_address(server: ServerProcess) -> None:
    codes = [attempt(server, f"khong-co-{n}", "sai-mat-khau-roi").status_code for n in range(55)]
    assert codes.count(401) == 50 and codes[-1] == 429
    assert "máy này" in attempt(server, "giamsat", PASSWORD).json()["detail"]


def test_every_login_and_refusal_is_in_the_admins_log_without_the_password(server: ServerProcess) -> None:
    Desk(server, "dtv2")
    attempt(server, "dtv2", "mat-khau-sai-bi-mat")
    admin = Desk(server, "admin")
    log = admin.http.get("/api/v1/logins", params={"username": "dtv2"}).json()
    assert [entry["outcome"] for entry in log[:2]] == ["wrong", "ok"]
    assert log[0]["address"] == "127.0.0.1"
    assert "mat-khau-sai-bi-mat" not in str(admin.http.get("/api/v1/logins").json())
    assert Desk(server, "dtv2").http.get("/api/v1/logins").status_code == 403


def test_new_passwords_follow_the_rules(server: ServerProcess) -> None:
    admin = Desk(server, "admin")
    for password, said in (
        ("ngan-qua", "10"),
        ("12345678", "10"),
        ("1234567890", "phổ biến"),
        ("Password123", "phổ biến"),
        ("aaaaaaaaaaaa", "phổ biến"),
        ("dtv-moi-2026-abc", "tên đăng nhập"),
    ):
        answer = admin.http.post(
            "/api/v1/accounts", json={"username": "dtv-moi", "password": password, "role": "operator"}
        )
        assert answer.status_code in (409, 422) and said in answer.text, (password, answer.text)
    good = admin.http.post(
        "/api/v1/accounts", json={"username": "dtv-moi", "password": "ca-sang-thu-hai-99", "role": "operator"}
    )
    assert good.status_code == 201, good.text
    weak = admin.http.patch("/api/v1/accounts/dtv-moi", json={"password": "matkhau123"})
    assert weak.status_code == 422 and "phổ biến" in weak.text


def test_the_admin_lists_active_sessions_and_ends_one(server: ServerProcess) -> None:
    operator = Desk(server, "dtv1")
    admin = Desk(server, "admin")
    sessions = admin.http.get("/api/v1/sessions").json()
    mine = [s for s in sessions if s["username"] == "dtv1" and s["client_id"] == operator.client_id]
    assert len(mine) == 1 and len(mine[0]["session_id"]) == 16
    assert admin.http.delete(f"/api/v1/sessions/{mine[0]['session_id']}").status_code == 204
    assert operator.http.get("/api/v1/sync/state").status_code == 401
    assert admin.http.delete(f"/api/v1/sessions/{mine[0]['session_id']}").status_code == 404


def test_a_units_browser_session_is_in_the_admins_list_and_ended_there(server: ServerProcess) -> None:
    admin = Desk(server, "admin")
    assert admin.http.put("/api/v1/catalog/unit/so-y-te", json={"name": "Sở Y tế"}).status_code == 200
    engine = create_server_engine(server.db_url)
    with Session(engine) as session, session.begin():
        unit_accounts.create(session, "yte.lan", "so-y-te", PASSWORD)
    engine.dispose()
    browser = unit_browser(server, "yte.lan")
    assert browser.get("/don-vi/").status_code == 200  # signed in: the unit's tickets

    listed = [s for s in admin.http.get("/api/v1/sessions").json() if s["username"] == "yte.lan"]
    assert len(listed) == 1 and listed[0]["client_id"] == "web" and len(listed[0]["session_id"]) == 16
    shown = server.admin_command("sessions")
    assert shown.returncode == 0 and f"{listed[0]['session_id']}  yte.lan" in shown.stdout

    assert admin.http.delete(f"/api/v1/sessions/{listed[0]['session_id']}").status_code == 204
    again = browser.get("/don-vi/", follow_redirects=False)
    assert again.status_code == 303 and "/don-vi/dang-nhap" in again.headers["location"]  # signed out
    assert [s for s in admin.http.get("/api/v1/sessions").json() if s["username"] == "yte.lan"] == []
    browser.close()
