"""The province's admin keeps the units' accounts over the years at the server's console, on the real
PostgreSQL and server: lists them, gives a unit an address its waiting mail then goes to, resets a
forgotten password, disables the account of staff who left (their open browser session ends at once)
and enables it again, moves staff to another unit; bad input says what to do and changes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
from server_lab import PASSWORD, Desk, ServerProcess, _csrf, free_port, new_id, ticket, unit_browser
from smtp_lab import received, smtp_server

NEW_PASSWORD = "Mat-khau-moi-2026!"


def console(server: ServerProcess, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return server.admin_command(*args, **env)


def unit_with_account(server: ServerProcess, unit: str, username: str, *extra: str) -> None:
    admin = Desk(server, "admin")
    assert admin.http.put(f"/api/v1/catalog/unit/{unit}", json={"name": f"Đơn vị {unit}"}).status_code == 200
    made = console(
        server, "create-unit-account", username, "--unit", unit, *extra, TONGDAI1022_NEW_PASSWORD=PASSWORD
    )
    assert made.returncode == 0, made.stderr


def forward(server: ServerProcess, code: str, unit: str) -> str:
    desk = Desk(server, "dtv1")
    ticket_id = new_id()
    assert desk.push([desk.mutation("ticket", "create", ticket_id, ticket(code, level=2))]).status_code == 200
    sent = desk.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": unit})
    assert sent.status_code == 201, sent.text
    return str(sent.json()["id"])


def signed_out(web: httpx.Client) -> bool:
    page = web.get("/don-vi/")
    return page.status_code == 303 and page.headers["location"].startswith("/don-vi/dang-nhap")


def can_sign_in(server: ServerProcess, username: str, password: str) -> bool:
    web = httpx.Client(base_url=server.base, timeout=60)
    form = {"username": username, "password": password, "csrf": _csrf(web.get("/don-vi/dang-nhap"))}
    return web.post("/don-vi/dang-nhap", data=form).status_code == 303


def test_the_admin_lists_the_units_accounts_with_their_address_and_state(server: ServerProcess) -> None:
    unit_with_account(server, "so-xay-dung", "xd.lan", "--email", "vanthu@sxd.example.vn")
    unit_with_account(server, "so-xay-dung", "xd.minh")
    console(server, "change-unit-account", "xd.minh", "--disable")

    listed = console(server, "unit-accounts", "--unit", "so-xay-dung")

    assert listed.returncode == 0, listed.stderr
    lines = [line.split() for line in listed.stdout.splitlines()]
    assert ["so-xay-dung", "xd.lan", "đang", "dùng", "vanthu@sxd.example.vn"] in lines
    assert ["so-xay-dung", "xd.minh", "đã", "khóa", "(không", "có", "địa", "chỉ", "thư)"] in lines
    assert "2 tài khoản đơn vị." in listed.stdout


def test_an_address_given_later_receives_the_mail_that_had_nowhere_to_go(
    server: ServerProcess, tmp_path: Path
) -> None:
    unit_with_account(server, "so-cong-thuong", "ct.hoa")
    forward(server, "P-ADDR-LATE", "so-cong-thuong")
    assert "so-cong-thuong" in console(server, "mail-failing").stdout  # nowhere to go: the admin sees it

    given = console(server, "change-unit-account", "ct.hoa", "--email", "vanthu@sct.example.vn")

    assert given.returncode == 0, given.stderr
    assert "vanthu@sct.example.vn" in given.stdout
    port, mbox = free_port(), tmp_path / "mbox"
    smtp = smtp_server(mbox, port)
    try:
        sent = console(
            server, "send-mail", TONGDAI1022_SMTP_HOST="127.0.0.1", TONGDAI1022_SMTP_PORT=str(port)
        )
        assert sent.returncode == 0, sent.stdout + sent.stderr
        mails = received(mbox)
    finally:
        smtp.terminate()
        smtp.wait(10)
    assert [(to, "P-ADDR-LATE" in subject) for to, subject, _ in mails] == [("vanthu@sct.example.vn", True)]
    assert "so-cong-thuong" not in console(server, "mail-failing").stdout
    listed = console(server, "unit-accounts", "--unit", "so-cong-thuong").stdout
    assert "vanthu@sct.example.vn" in listed


def test_a_forgotten_password_is_reset_and_the_old_one_and_its_sessions_end(server: ServerProcess) -> None:
    unit_with_account(server, "so-noi-vu", "nv.tam")
    web = unit_browser(server, "nv.tam")

    reset = console(
        server, "change-unit-account", "nv.tam", "--new-password", TONGDAI1022_NEW_PASSWORD=NEW_PASSWORD
    )

    assert reset.returncode == 0, reset.stderr
    assert "mật khẩu mới" in reset.stdout and "phiên đăng nhập" in reset.stdout
    assert signed_out(web)
    assert not can_sign_in(server, "nv.tam", PASSWORD)
    assert can_sign_in(server, "nv.tam", NEW_PASSWORD)
    weak = console(server, "change-unit-account", "nv.tam", "--new-password", TONGDAI1022_NEW_PASSWORD="123")
    assert weak.returncode == 2 and "Không có gì thay đổi" in weak.stderr
    assert can_sign_in(server, "nv.tam", NEW_PASSWORD)


def test_a_reset_password_lets_in_at_once_staff_who_locked_themselves_out(server: ServerProcess) -> None:
    unit_with_account(server, "so-khcn", "kh.binh")
    for _ in range(5):  # the forgotten password tried again and again: the account is locked
        assert not can_sign_in(server, "kh.binh", "Doan-mat-khau-cu-1")
    assert not can_sign_in(server, "kh.binh", PASSWORD)  # locked: even the right one is refused

    reset = console(
        server, "change-unit-account", "kh.binh", "--new-password", TONGDAI1022_NEW_PASSWORD=NEW_PASSWORD
    )

    assert reset.returncode == 0, reset.stderr
    assert can_sign_in(server, "kh.binh", NEW_PASSWORD)  # not in 15 minutes: the lock said to ask the admin
    logged = console(server, "logins", "--user", "don-vi:kh.binh").stdout
    assert "unlocked" in logged


def test_staff_who_left_are_disabled_at_once_and_can_be_enabled_again(server: ServerProcess) -> None:
    unit_with_account(server, "so-tai-chinh", "tc.hung")
    web = unit_browser(server, "tc.hung")
    assert not signed_out(web)

    disabled = console(server, "change-unit-account", "tc.hung", "--disable")

    assert disabled.returncode == 0, disabled.stderr
    assert signed_out(web)  # the open browser ends at once, not at the end of its working day
    assert not can_sign_in(server, "tc.hung", PASSWORD)
    enabled = console(server, "change-unit-account", "tc.hung", "--enable")
    assert enabled.returncode == 0 and "mở lại" in enabled.stdout
    assert can_sign_in(server, "tc.hung", PASSWORD)


def test_staff_moved_to_another_unit_see_its_tickets_and_no_longer_the_old_units(
    server: ServerProcess,
) -> None:
    unit_with_account(server, "so-gtvt", "gt.son")
    unit_with_account(server, "so-tnmt", "tn.ha")
    old_ticket, new_ticket = (
        forward(server, "P-MOVE-OLD", "so-gtvt"),
        forward(server, "P-MOVE-NEW", "so-tnmt"),
    )
    web = unit_browser(server, "gt.son")
    assert web.get(f"/don-vi/phieu/{old_ticket}").status_code == 200

    moved = console(server, "change-unit-account", "gt.son", "--unit", "so-tnmt")

    assert moved.returncode == 0, moved.stderr
    assert "so-gtvt sang so-tnmt" in moved.stdout
    assert signed_out(web)
    web = unit_browser(server, "gt.son")
    assert web.get(f"/don-vi/phieu/{old_ticket}").status_code == 404
    assert web.get(f"/don-vi/phieu/{new_ticket}").status_code == 200


def test_bad_changes_say_what_to_do_and_change_nothing(server: ServerProcess) -> None:
    unit_with_account(server, "so-ldtbxh", "ld.nga", "--email", "vanthu@sld.example.vn")

    unknown = console(server, "change-unit-account", "khong.co", "--disable")
    bad_address = console(server, "change-unit-account", "ld.nga", "--email", "vanthu at sld")
    bad_unit = console(server, "change-unit-account", "ld.nga", "--unit", "khong-co", "--disable")
    nothing = console(server, "change-unit-account", "ld.nga")
    no_password = console(server, "change-unit-account", "ld.nga", "--new-password")
    bad_create = console(
        server, "create-unit-account", "ld.moi", "--unit", "so-ldtbxh", "--email", "a@b",
        TONGDAI1022_NEW_PASSWORD=PASSWORD,
    )  # fmt: skip

    assert unknown.returncode == 2 and "unit-accounts" in unknown.stderr
    assert bad_address.returncode == 2 and "ten@donvi.gov.vn" in bad_address.stderr
    assert bad_unit.returncode == 2 and "Không có đơn vị «khong-co»" in bad_unit.stderr
    assert nothing.returncode == 2 and "--email" in nothing.stderr
    assert no_password.returncode == 2 and "TONGDAI1022_NEW_PASSWORD" in no_password.stderr
    assert bad_create.returncode == 2 and "ten@donvi.gov.vn" in bad_create.stderr
    listed = console(server, "unit-accounts", "--unit", "so-ldtbxh").stdout
    assert "vanthu@sld.example.vn" in listed and "đang dùng" in listed and "ld.moi" not in listed
    assert can_sign_in(server, "ld.nga", PASSWORD)
