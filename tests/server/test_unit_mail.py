"""Mail to units through a real SMTP server process (aiosmtpd): a forward is announced, the day before
the deadline and an overdue ticket are reminded; while the SMTP server is down the forward still goes,
the mail waits and the admin sees why; no mail names the citizen."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from server_lab import Desk, Postgres, ServerProcess, free_port, new_id, ticket
from smtp_lab import received, smtp_server
from sqlalchemy import create_engine, text
from telephony.tls_certs import make_tls_files

from protocol.workdays import WorkCalendar
from server.services.forwarding import VN

UNIT_MAIL = "van-thu@soyte.example.vn"


def tongdai_server(server: ServerProcess, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return server.admin_command(*args, **env)


@pytest.fixture
def server(postgres: Postgres, template: str) -> Iterator[ServerProcess]:
    process = ServerProcess(postgres.url(postgres.create_database(template))).start()
    admin = Desk(process, "admin")
    assert admin.http.put("/api/v1/catalog/unit/so-y-te", json={"name": "Sở Y tế"}).status_code == 200
    made = tongdai_server(
        process, "create-unit-account", "yte.lan", "--unit", "so-y-te", "--email", UNIT_MAIL,
        TONGDAI1022_NEW_PASSWORD="tra-loi-cong-dan-2026",
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
    today = datetime.now(VN).date()
    database = create_engine(server.db_url)
    with database.begin() as connection:
        next_working = WorkCalendar().add_working_days(today + timedelta(days=1), 0)  # the next working day
        connection.execute(
            text("UPDATE forwardings SET deadline = :d WHERE id = :i"), {"d": next_working, "i": tomorrow_id}
        )
        connection.execute(
            text("UPDATE forwardings SET deadline = '2020-01-06' WHERE id = :i"), {"i": late_id}
        )
    database.dispose()
    port = free_port()
    mbox = tmp_path / "mbox"
    smtp = smtp_server(mbox, port)
    env = {"TONGDAI1022_SMTP_HOST": "127.0.0.1", "TONGDAI1022_SMTP_PORT": str(port)}
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
