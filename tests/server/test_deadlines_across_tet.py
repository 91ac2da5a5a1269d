"""Deadlines across Tết 2027 and round the swapped Saturday of National Day 2026, through the real server:
uvicorn runs under libfaketime, its clock set to the days that matter and running (PostgreSQL keeps the
real one), with the province's calendar as the server knows it: the shipped holiday catalog, the one
every desk counts with, no holiday entered by an admin. Checked through the forward API, the light of
the unit's inbox, the deadline mails a real SMTP server (aiosmtpd) receives from `send-mail` run on
those days under faketime too, and the working days left a desk shows after a sync, the desk itself
started on the same faked day."""

from __future__ import annotations

import email
import email.policy
import json
import mailbox
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from faked_clock import faked, libfaketime, movable, set_clock
from server_lab import PASSWORD, Desk, Postgres, ServerProcess, free_port, new_id, ticket, unit_browser
from smtp_lab import smtp_server
from sqlalchemy.orm import Session

from server.db import create_server_engine
from server.services import unit_accounts
from server.services.forwarding import VN

UNIT, UNIT_ACCOUNT, UNIT_MAIL = "so-y-te", "yte.tet", "van-thu.tet@soyte.example.vn"
ROOT = Path(__file__).resolve().parents[2]
FAKED_DESK = Path(__file__).with_name("faked_desk.py")
READER = email.policy.default  # headers decoded as a mail reader shows them
HOLIDAYS = ROOT / "resources" / "catalogs" / "holidays.json"


def vn(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def delivered(mbox: Path) -> list[tuple[str, str]]:
    """(To, Subject) of each mail the SMTP server delivered, the subject as a mail reader shows it."""
    box = mailbox.Maildir(mbox, factory=None)
    parsed = [email.message_from_bytes(box.get_bytes(key), policy=READER) for key in box.iterkeys()]
    # stripped as readers show it: the subject may start on a folded line ("Subject:" CRLF " =?utf-8?...")
    return [(str(mail["To"]), str(mail["Subject"]).strip()) for mail in parsed]


@dataclass
class Lab:
    """One server on faked time, a unit with an account that gets mail, and the SMTP server it goes to."""

    library: str
    clock_file: Path
    server: ServerProcess
    mbox: Path
    smtp_port: int
    desk_dir: Path
    seen: set[str] = field(default_factory=set)

    def set_clock(self, moment: datetime) -> None:
        set_clock(self.clock_file, moment)

    def forward(self, code: str, level: int, at: datetime) -> date:
        """An operator forwards a new ticket of `level` to the unit at `at`; the deadline the API answers."""
        self.set_clock(at)
        desk = Desk(self.server, "dtv1")
        ticket_id = new_id()
        values = ticket(code, level=level, received_at=at.isoformat(), content="Hỏi lịch tiêm chủng")
        assert desk.push([desk.mutation("ticket", "create", ticket_id, values)]).status_code == 200
        answer = desk.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": UNIT})
        assert answer.status_code == 201, answer.text + self.server.log_text()[-3000:]
        [step] = desk.http.get(f"/api/v1/tickets/{ticket_id}/steps").json()
        assert step["deadline"] == answer.json()["deadline"]  # the ticket's own steps say the same
        return date.fromisoformat(answer.json()["deadline"])

    def lights(self, at: datetime, codes: set[str]) -> dict[str, str]:
        """The light of each of `codes` in the unit's inbox as its staff see it at `at`."""
        self.set_clock(at)
        web = unit_browser(self.server, UNIT_ACCOUNT)
        page = web.get("/don-vi/").text
        web.close()
        found = re.findall(r'data-light="(\w+)">.*?<strong>([^<]+)</strong>', page, re.DOTALL)
        return {code: light for light, code in found if code in codes}

    def send_mail(self, at: datetime, codes: set[str]) -> set[str]:
        """`send-mail` as cron runs it at `at`; the subjects about `codes` that arrived (new ones only)."""
        self.set_clock(at)
        smtp = {"TONGDAI1022_SMTP_HOST": "127.0.0.1", "TONGDAI1022_SMTP_PORT": str(self.smtp_port)}
        done = self.server.admin_command("send-mail", **smtp, **faked(self.library, at))
        assert done.returncode == 0, done.stdout + done.stderr
        subjects = {subject for to, subject in delivered(self.mbox) if to == UNIT_MAIL}
        new, self.seen = subjects - self.seen, subjects
        return {subject for subject in new if any(code in subject for code in codes)}

    def desk_on(self, at: datetime, codes: set[str]) -> dict[str, Any]:
        """A desk started at `at` (faked too) syncs; per ticket the deadline it carries and its days left."""
        self.set_clock(at)
        done = subprocess.run(
            [sys.executable, str(FAKED_DESK), str(self.desk_dir), self.server.base, "dtv2", PASSWORD],
            cwd=ROOT,
            env={**os.environ, **faked(self.library, at), "PYTHONPATH": str(ROOT / "tests")},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        shown = json.loads(done.stdout.strip().splitlines()[-1])
        assert shown["today"] == at.date().isoformat()  # the desk's clock is the faked one
        return {code: row for code, row in shown["tickets"].items() if code in codes}


@pytest.fixture(scope="module")
def lab(postgres: Postgres, template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    library = libfaketime()
    root = tmp_path_factory.mktemp("tet")
    clock_file = root / "faketime"
    set_clock(clock_file, vn(2026, 8, 20, 8))
    server = ServerProcess(
        postgres.url(postgres.create_database(template)), env=movable(library, clock_file)
    ).start()
    mbox, smtp_port = root / "mbox", free_port()
    smtp = smtp_server(mbox, smtp_port)
    try:
        admin = Desk(server, "admin")
        assert admin.http.put(f"/api/v1/catalog/unit/{UNIT}", json={"name": "Sở Y tế"}).status_code == 200
        engine = create_server_engine(server.db_url)
        with Session(engine) as session, session.begin():
            unit_accounts.create(session, UNIT_ACCOUNT, UNIT, PASSWORD, email=UNIT_MAIL)
        engine.dispose()
        yield Lab(library, clock_file, server, mbox, smtp_port, root / "desk")
    finally:
        smtp.terminate()
        smtp.wait(10)
        server.stop()
        server.log_path.unlink(missing_ok=True)


def test_the_catalog_holds_the_tet_2027_break_these_dates_follow() -> None:
    """The shipped catalog's Tết 2027 is provisional (no announcement yet): when the Government announces
    it and the catalog changes, the expected dates below change with it."""
    catalog = json.loads(HOLIDAYS.read_text(encoding="utf-8"))
    days_off = {date.fromisoformat(item["date"]) for item in catalog["holidays"]}
    worked = {date.fromisoformat(item["date"]) for item in catalog["extra_working_days"]}
    tet = {date(2027, 2, 5) + timedelta(days=n) for n in range(7)}  # Fri 5/2 to Thu 11/2
    assert tet <= days_off and not {d for d in worked if d.year == 2027}
    assert date(2027, 2, 4) not in days_off and date(2027, 2, 12) not in days_off
    assert {date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)} <= days_off
    assert date(2026, 8, 22) in worked  # the Saturday worked for Monday 31/8


def test_a_forward_before_tet_skips_the_whole_break_in_the_api_the_inbox_the_mails_and_the_desk(
    lab: Lab,
) -> None:
    codes = {"TET-A", "TET-B", "TET-2", "TET-3", "TET-4"}
    # level 2 is 3 working days, level 3 five, level 4 ten (the shipped level catalog)
    assert lab.forward("TET-A", 2, vn(2027, 2, 1, 9)) == date(2027, 2, 4)  # Tue, Wed, Thu: before Tết
    assert lab.forward("TET-B", 2, vn(2027, 2, 2, 9)) == date(2027, 2, 12)  # Wed 3, Thu 4, Fri 12/2
    # forwarded at 06:30 on Thursday 4/2 in Vietnam, still Wednesday 3/2 in UTC: counted from Thursday
    early = vn(2027, 2, 4, 6, 30)
    assert lab.forward("TET-2", 2, early) == date(2027, 2, 16)  # Fri 12, Mon 15, Tue 16
    assert lab.forward("TET-3", 3, early) == date(2027, 2, 18)  # ... Wed 17, Thu 18
    assert lab.forward("TET-4", 4, early) == date(2027, 2, 25)  # ... Fri 19, Mon 22 to Thu 25

    # Thursday 4/2, the last working day before Tết: TET-B is due on the first day back
    before_tet = vn(2027, 2, 4, 16)
    assert lab.lights(before_tet, codes) == {
        "TET-A": "yellow", "TET-B": "yellow", "TET-2": "green", "TET-3": "green", "TET-4": "green",
    }  # fmt: skip
    mails = lab.send_mail(before_tet, codes)
    assert {s for s in mails if "chuyển đến đơn vị" in s} == {
        f"[Tổng đài 1022] Phiếu {code} chuyển đến đơn vị, hạn trả lời {deadline}"
        for code, deadline in (
            ("TET-A", "04/02/2027"), ("TET-B", "12/02/2027"), ("TET-2", "16/02/2027"),
            ("TET-3", "18/02/2027"), ("TET-4", "25/02/2027"),
        )
    }  # fmt: skip
    assert {s for s in mails if "chuyển đến đơn vị" not in s} == {
        "[Tổng đài 1022] Phiếu TET-B đến hạn trả lời ngày làm việc tới (12/02/2027)"
    }
    assert lab.desk_on(before_tet, codes) == {
        "TET-A": {"deadline": "2027-02-04", "days_left": 0, "step": "da_chuyen_don_vi"},
        "TET-B": {"deadline": "2027-02-12", "days_left": 1, "step": "da_chuyen_don_vi"},
        "TET-2": {"deadline": "2027-02-16", "days_left": 3, "step": "da_chuyen_don_vi"},
        "TET-3": {"deadline": "2027-02-18", "days_left": 5, "step": "da_chuyen_don_vi"},
        "TET-4": {"deadline": "2027-02-25", "days_left": 10, "step": "da_chuyen_don_vi"},
    }

    # Friday 5/2, Tết: TET-A is late, but nobody is mailed on Tết; TET-B still has its one day back
    on_tet = vn(2027, 2, 5)
    assert lab.lights(on_tet, {"TET-A", "TET-B", "TET-2"}) == {
        "TET-A": "red", "TET-B": "yellow", "TET-2": "green",
    }  # fmt: skip
    assert lab.send_mail(on_tet, codes) == set()

    # Friday 12/2, the first working day back: the overdue mail goes now
    back = vn(2027, 2, 12)
    assert lab.lights(back, {"TET-A", "TET-B", "TET-2"}) == {
        "TET-A": "red", "TET-B": "yellow", "TET-2": "green",
    }  # fmt: skip
    assert lab.send_mail(back, codes) == {"[Tổng đài 1022] Phiếu TET-A đã quá hạn trả lời (04/02/2027)"}
    shown = lab.desk_on(back, codes)
    assert {code: row["days_left"] for code, row in shown.items()} == {
        "TET-A": -1, "TET-B": 0, "TET-2": 2, "TET-3": 4, "TET-4": 9,
    }  # fmt: skip

    # Monday 15/2: TET-B is late; TET-2 is due tomorrow, a plain working day
    monday = vn(2027, 2, 15)
    assert lab.lights(monday, {"TET-B", "TET-2", "TET-3"}) == {
        "TET-B": "red", "TET-2": "green", "TET-3": "green",
    }  # fmt: skip
    assert lab.send_mail(monday, codes) == {
        "[Tổng đài 1022] Phiếu TET-B đã quá hạn trả lời (12/02/2027)",
        "[Tổng đài 1022] Phiếu TET-2 đến hạn trả lời ngày mai (16/02/2027)",
    }


def test_a_swapped_saturday_is_worked_and_the_bridge_day_it_bought_is_not(lab: Lab) -> None:
    codes = {"SWAP-2", "SWAP-4", "BREAK-2"}
    # Saturday 22/8/2026 is worked in exchange for Monday 31/8, the bridge to National Day (1-2/9)
    assert lab.forward("SWAP-2", 2, vn(2026, 8, 20, 9)) == date(2026, 8, 24)  # Fri 21, Sat 22, Mon 24
    # Fri 21, Sat 22, Mon 24 to Fri 28 (7), then Thu 3/9, Fri 4/9, Mon 7/9
    assert lab.forward("SWAP-4", 4, vn(2026, 8, 20, 9)) == date(2026, 9, 7)

    saturday = vn(2026, 8, 22)  # a working day: SWAP-2's last before its Monday deadline
    assert lab.lights(saturday, codes) == {"SWAP-2": "yellow", "SWAP-4": "green"}
    assert lab.send_mail(saturday, codes) == {
        "[Tổng đài 1022] Phiếu SWAP-2 chuyển đến đơn vị, hạn trả lời 24/08/2026",
        "[Tổng đài 1022] Phiếu SWAP-4 chuyển đến đơn vị, hạn trả lời 07/09/2026",
        "[Tổng đài 1022] Phiếu SWAP-2 đến hạn trả lời ngày làm việc tới (24/08/2026)",
    }
    assert lab.desk_on(saturday, codes) == {
        "SWAP-2": {"deadline": "2026-08-24", "days_left": 1, "step": "da_chuyen_don_vi"},
        "SWAP-4": {"deadline": "2026-09-07", "days_left": 8, "step": "da_chuyen_don_vi"},
    }

    assert lab.forward("BREAK-2", 2, vn(2026, 8, 25, 9)) == date(2026, 8, 28)  # Wed 26, Thu 27, Fri 28

    friday = vn(2026, 8, 28)
    assert lab.lights(friday, codes) == {"SWAP-2": "red", "SWAP-4": "green", "BREAK-2": "yellow"}
    assert lab.send_mail(friday, codes) == {
        "[Tổng đài 1022] Phiếu BREAK-2 chuyển đến đơn vị, hạn trả lời 28/08/2026",
        "[Tổng đài 1022] Phiếu SWAP-2 đã quá hạn trả lời (24/08/2026)",
    }

    bridge = vn(2026, 8, 31)  # the day off bought with the Saturday: BREAK-2 is late, nobody is mailed
    assert lab.lights(bridge, codes) == {"SWAP-2": "red", "SWAP-4": "green", "BREAK-2": "red"}
    assert lab.send_mail(bridge, codes) == set()
    back = vn(2026, 9, 3)
    assert lab.send_mail(back, codes) == {"[Tổng đài 1022] Phiếu BREAK-2 đã quá hạn trả lời (28/08/2026)"}
