"""Mail to units through a real SMTP server process (aiosmtpd): a forward is announced, the day before
the deadline and an overdue ticket are reminded; while the SMTP server is down the forward still goes,
the mail waits and the admin sees why; no mail names the citizen."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from faked_clock import faked, libfaketime
from server_lab import (
    PASSWORD,
    Desk,
    Postgres,
    ServerProcess,
    free_port,
    new_id,
    ticket,
    unit_browser,
    unit_step,
)
from smtp_lab import received, smtp_server
from sqlalchemy import create_engine, text
from telephony.tls_certs import make_tls_files

from server.services.forwarding import VN

UNIT_MAIL = "van-thu@soyte.example.vn"
# cron's reminder runs on a plain working day: reminders go on working days only (libfaketime), so the
# tests do not depend on the day the suite runs (a Sunday, Tết)
A_WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=VN)


def tongdai_server(server: ServerProcess, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return server.admin_command(*args, **env)


@pytest.fixture
def server(postgres: Postgres, template: str) -> Iterator[ServerProcess]:
    process = ServerProcess(postgres.url(postgres.create_database(template))).start()
    admin = Desk(process, "admin")
    assert admin.http.put("/api/v1/catalog/unit/so-y-te", json={"name": "Sở Y tế"}).status_code == 200
    made = tongdai_server(
        process, "create-unit-account", "yte.lan", "--unit", "so-y-te", "--email", UNIT_MAIL,
        TONGDAI1022_NEW_PASSWORD=PASSWORD,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    try:
        yield process
    finally:
        process.stop()


def forward(server: ServerProcess, code: str) -> str:
    desk = Desk(server, "dtv1")
    ticket_id = new_id()
    values = ticket(
        code, level=2, phone="0912345678", citizen_name="Trần Văn Bình", content="Trạm y tế đóng cửa"
    )
    assert desk.push([desk.mutation("ticket", "create", ticket_id, values)]).status_code == 200
    answer = desk.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": "so-y-te"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_a_forward_goes_while_smtp_is_down_and_its_mail_follows_when_it_is_back(
    server: ServerProcess, tmp_path: Path
) -> None:
    port = free_port()
    smtp_env = {"TONGDAI1022_SMTP_HOST": "127.0.0.1", "TONGDAI1022_SMTP_PORT": str(port)}
    forward(server, "P-MAIL-1")  # nobody listens on the SMTP port: the forward is not held up

    down = tongdai_server(server, "send-mail", **smtp_env)
    assert down.returncode == 1 and "chưa gửi được 1" in down.stdout
    failing = Desk(server, "admin").http.get("/api/v1/mail/failing").json()
    assert [(m["recipient"], m["attempts"]) for m in failing] == [(UNIT_MAIL, 1)]
    assert "ConnectionRefused" in failing[0]["last_error"]
    console = tongdai_server(server, "mail-failing")  # the admin at the server's console sees it too
    assert console.returncode == 1 and UNIT_MAIL in console.stdout and "ConnectionRefused" in console.stdout

    mbox = tmp_path / "mbox"
    smtp = smtp_server(mbox, port)
    try:
        up = tongdai_server(server, "send-mail", **smtp_env)
        assert up.returncode == 0, up.stdout + up.stderr
        mails = received(mbox)
    finally:
        smtp.terminate()
        smtp.wait(10)
    [(to, subject, body)] = mails
    assert to == UNIT_MAIL and "P-MAIL-1" in subject and "hạn trả lời" in subject
    assert "/don-vi/" in body
    for personal in ("0912345678", "Trần Văn Bình", "Trạm y tế đóng cửa"):
        assert personal not in body and personal not in subject
    assert Desk(server, "admin").http.get("/api/v1/mail/failing").json() == []
    assert tongdai_server(server, "mail-failing").returncode == 0


def test_the_day_before_the_deadline_and_an_overdue_ticket_are_reminded_once(
    server: ServerProcess, tmp_path: Path
) -> None:
    tomorrow_id, late_id = forward(server, "P-MAIL-2"), forward(server, "P-MAIL-3")
    database = create_engine(server.db_url)
    with database.begin() as connection:
        connection.execute(
            text("UPDATE forwardings SET deadline = '2026-11-19' WHERE id = :i"), {"i": tomorrow_id}
        )
        connection.execute(
            text("UPDATE forwardings SET deadline = '2020-01-06' WHERE id = :i"), {"i": late_id}
        )
    database.dispose()
    port = free_port()
    mbox = tmp_path / "mbox"
    smtp = smtp_server(mbox, port)
    env = {"TONGDAI1022_SMTP_HOST": "127.0.0.1", "TONGDAI1022_SMTP_PORT": str(port)}
    env |= faked(libfaketime(), A_WEDNESDAY)
    try:
        assert tongdai_server(server, "send-mail", **env).returncode == 0
        assert tongdai_server(server, "send-mail", **env).returncode == 0  # a second run sends nothing again
        subjects = sorted(subject for _to, subject, _body in received(mbox))
    finally:
        smtp.terminate()
        smtp.wait(10)
    assert len(subjects) == 4  # two "forwarded", one "tomorrow", one "overdue"
    assert any("P-MAIL-2" in s and "ngày mai" in s for s in subjects)
    assert any("P-MAIL-3" in s and "quá hạn" in s for s in subjects)


@pytest.mark.parametrize("mode", ["TONGDAI1022_SMTP_SSL", "TONGDAI1022_SMTP_STARTTLS"])
def test_mail_goes_over_tls_only_to_a_server_whose_certificate_checks_out(
    server: ServerProcess, tmp_path: Path, mode: str
) -> None:
    tls = make_tls_files(tmp_path / "ca", ca_name="So TT-TT tinh test CA")
    port, mbox = free_port(), tmp_path / "mbox"
    keys = (tls.certificate, tls.key)
    smtp = smtp_server(mbox, port, **({"smtps": keys} if mode.endswith("SSL") else {"starttls": keys}))
    env = {"TONGDAI1022_SMTP_HOST": "127.0.0.1", "TONGDAI1022_SMTP_PORT": str(port), mode: "1"}
    try:
        forward(server, "P-TLS-1")
        untrusted = tongdai_server(server, "send-mail", **env)  # the system does not know the province's CA
        assert untrusted.returncode == 1, untrusted.stdout + untrusted.stderr
        [failing] = Desk(server, "admin").http.get("/api/v1/mail/failing").json()
        assert "CERTIFICATE_VERIFY_FAILED" in failing["last_error"]  # the password never went
        trusted = tongdai_server(server, "send-mail", TONGDAI1022_SMTP_CA_FILE=str(tls.ca), **env)
        assert trusted.returncode == 0, trusted.stdout + trusted.stderr
        mails = received(mbox)
    finally:
        smtp.terminate()
        smtp.wait(10)
    [(to, subject, _)] = mails
    assert to == UNIT_MAIL and "P-TLS-1" in subject


def test_a_mistyped_smtp_setting_is_said_plainly(server: ServerProcess, tmp_path: Path) -> None:
    bad_port = tongdai_server(
        server, "send-mail", TONGDAI1022_SMTP_HOST="127.0.0.1", TONGDAI1022_SMTP_PORT="25a"
    )
    assert bad_port.returncode == 2 and "TONGDAI1022_SMTP_PORT" in bad_port.stderr
    assert "Traceback" not in bad_port.stderr
    no_ca = tongdai_server(
        server,
        "send-mail",
        TONGDAI1022_SMTP_HOST="127.0.0.1",
        TONGDAI1022_SMTP_CA_FILE=str(tmp_path / "x.pem"),
    )
    assert no_ca.returncode == 2 and "TONGDAI1022_SMTP_CA_FILE" in no_ca.stderr


def test_a_unit_without_any_address_is_shown_to_the_admin_and_the_forward_still_goes(
    server: ServerProcess,
) -> None:
    admin = Desk(server, "admin")
    assert admin.http.put("/api/v1/catalog/unit/so-tu-phap", json={"name": "Sở Tư pháp"}).status_code == 200
    made = tongdai_server(
        server, "create-unit-account", "tuphap.an", "--unit", "so-tu-phap", TONGDAI1022_NEW_PASSWORD=PASSWORD
    )  # an account, but no address to write to
    assert made.returncode == 0, made.stderr
    desk = Desk(server, "dtv1")
    ticket_id = new_id()
    assert (
        desk.push([desk.mutation("ticket", "create", ticket_id, ticket("P-NOADDR", level=2))]).status_code
        == 200
    )
    sent = desk.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": "so-tu-phap"})
    assert sent.status_code == 201, sent.text

    [waiting] = admin.http.get("/api/v1/mail/failing").json()
    assert waiting["recipient"] == "" and "P-NOADDR" in waiting["subject"]
    assert "Sở Tư pháp» chưa có tài khoản nào có địa chỉ thư" in waiting["last_error"]
    assert "change-unit-account TÊN --email" in waiting["last_error"]  # what to do
    assert "unit-accounts --unit so-tu-phap" in waiting["last_error"]
    console = tongdai_server(server, "mail-failing")
    assert console.returncode == 1 and "chưa có tài khoản nào có địa chỉ thư" in console.stdout

    web = unit_browser(server, "tuphap.an")  # once the unit has answered, nothing is left to do about it
    unit_step(web, sent.json()["id"], "tra-loi", {"answer": "Sở Tư pháp đã hướng dẫn thủ tục."})
    assert admin.http.get("/api/v1/mail/failing").json() == []


def test_a_granted_extension_is_reminded_again_at_its_new_deadline_and_the_mails_say_where_to_answer(
    server: ServerProcess, tmp_path: Path
) -> None:
    late_id = forward(server, "P-MAIL-GH")
    database = create_engine(server.db_url)
    with database.begin() as connection:
        connection.execute(
            text("UPDATE forwardings SET deadline = '2020-01-06' WHERE id = :i"), {"i": late_id}
        )
    database.dispose()
    port, mbox = free_port(), tmp_path / "mbox"
    smtp = smtp_server(mbox, port)
    env = {
        "TONGDAI1022_SMTP_HOST": "127.0.0.1",
        "TONGDAI1022_SMTP_PORT": str(port),
        "TONGDAI1022_SERVER_PUBLIC_URL": "https://1022.tinh.example.vn/",
        **faked(libfaketime(), A_WEDNESDAY),
    }
    try:
        assert tongdai_server(server, "send-mail", **env).returncode == 0
        web = unit_browser(server, "yte.lan")
        unit_step(web, late_id, "gia-han", {"days": "3", "reason": "Chờ kết quả kiểm tra."})
        granted = Desk(server, "giamsat").http.post(
            f"/api/v1/forwardings/{late_id}/extension", json={"grant": True}
        )
        assert granted.status_code == 200 and granted.json()["deadline"] == "2020-01-09"
        assert tongdai_server(server, "send-mail", **env).returncode == 0
        assert tongdai_server(server, "send-mail", **env).returncode == 0  # each deadline reminded once
        mails = received(mbox)
    finally:
        smtp.terminate()
        smtp.wait(10)
    overdue = sorted((subject, body) for _to, subject, body in mails if "quá hạn" in subject)  # any order
    assert [subject for subject, _ in overdue] == [
        "[Tổng đài 1022] Phiếu P-MAIL-GH đã quá hạn trả lời (06/01/2020)",
        "[Tổng đài 1022] Phiếu P-MAIL-GH đã quá hạn trả lời (09/01/2020)",
    ]
    body = overdue[1][1]
    assert "Kính gửi Sở Y tế" in body and "đã quá hạn trả lời (hạn là ngày 09/01/2020)" in body
    assert f"https://1022.tinh.example.vn/don-vi/phieu/{late_id}" in body
    [(_, forwarded_body)] = [(s, b) for _to, s, b in mails if "chuyển đến đơn vị" in s]
    # the server itself was started without its public address: the mail still says where to go
    assert "trang của đơn vị trên máy chủ Tổng đài 1022 (/don-vi/) và mở phiếu P-MAIL-GH" in forwarded_body
    for personal in ("0912345678", "Trần Văn Bình", "Trạm y tế đóng cửa"):
        assert all(personal not in b for _to, _s, b in mails)


def test_a_mail_that_failed_all_weekend_goes_within_the_hour_once_smtp_is_back(
    server: ServerProcess, tmp_path: Path
) -> None:
    weekend, fresh = forward(server, "P-MAIL-T7"), forward(server, "P-MAIL-MOI")
    database = create_engine(server.db_url)
    with database.begin() as connection:  # tried at every run, then hourly, all along a 50-hour outage
        for forwarding_id, age in ((weekend, "50 hours"), (fresh, "2 hours")):
            connection.execute(
                text(
                    "UPDATE mail_outbox SET attempts = 40, last_error = 'ConnectionRefusedError',"
                    f" created_at = now() - interval '{age}' WHERE forwarding_id = :i"
                ),
                {"i": forwarding_id},
            )
    database.dispose()
    port, mbox = free_port(), tmp_path / "mbox"
    smtp = smtp_server(mbox, port)
    try:
        run = tongdai_server(
            server, "send-mail", TONGDAI1022_SMTP_HOST="127.0.0.1", TONGDAI1022_SMTP_PORT=str(port)
        )
        assert run.returncode == 0, run.stdout + run.stderr
        subjects = [subject for _to, subject, _body in received(mbox)]
    finally:
        smtp.terminate()
        smtp.wait(10)
    [subject] = subjects
    assert "Phiếu P-MAIL-T7 chuyển đến đơn vị" in subject
    [waiting] = Desk(server, "admin").http.get("/api/v1/mail/failing").json()
    assert "P-MAIL-MOI" in waiting["subject"] and waiting["attempts"] == 40  # its hour has not come yet
