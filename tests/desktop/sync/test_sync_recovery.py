"""Recovery against the real server: a desktop killed mid-pull, and a server restored from an older copy."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from server_lab import PASSWORD, REPO, Desk, Postgres, ServerProcess, new_id, ticket
from sqlalchemy import text
from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import Backoff, CycleReport, SyncEngine
from desktop.sync.state import read_counts

CHILD = Path(__file__).with_name("engine_child.py")
DRAFT = TicketDraft(content="Hỏi thủ tục cấp lại căn cước", phone="0912 345 678", citizen_name="Lan")


def sync(store: LocalStore, server: ServerProcess, username: str) -> CycleReport:
    credentials = Credentials(None)
    login = Login(server.base, username)
    credentials.remember(login, password=PASSWORD)
    client = SyncClient(server.base, connect_timeout=1, read_timeout=30)
    return SyncEngine(store, client, credentials, login, backoff=Backoff(first=0.1, cap=1)).run_cycle()


def scalar(store: LocalStore, sql: str) -> Any:
    with store.engine.connect() as connection:
        return connection.execute(text(sql)).scalar()


def child(data_dir: Path, server: ServerProcess, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO}{os.pathsep}{Path(__file__).resolve().parents[2]}",  # + tests/: store_keys
        "TONGDAI1022_TEST_PASSWORD": PASSWORD,
    }
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), server.base, "dtv1", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_desktop_killed_between_applying_a_page_and_committing_its_cursor_loses_and_doubles_nothing(
    tmp_path: Path, server: ServerProcess
) -> None:
    other = Desk(server, "dtv2")  # another desk put 300 tickets on the server
    codes = [f"KHAC-{n:04d}" for n in range(300)]
    answer = other.push([other.mutation("ticket", "create", new_id(), ticket(code)) for code in codes])
    assert answer.status_code == 200
    data_dir = tmp_path / "desk"
    desk = open_test_store(data_dir)
    mine = TicketService(desk, "dtv1")
    own = [mine.create(replace(DRAFT, phone=f"0912 000 {n:03d}")).id for n in range(5)]
    desk.close()

    crashing = child(data_dir, server, "50", "3")  # 50 changes a page, stop inside the third
    assert crashing.stdout is not None
    line = crashing.stdout.readline()
    assert line.strip() == "applied page 3", crashing.stderr.read() if crashing.stderr else ""
    crashing.send_signal(signal.SIGKILL)
    crashing.wait(10)

    desk = open_test_store(data_dir)
    assert int(scalar(desk, "SELECT cursor FROM sync_state")) > 0  # the first two pages were kept
    halfway = scalar(desk, "SELECT count(*) FROM tickets")
    assert 5 < halfway < 305  # ...and the third rolled back with its cursor
    desk.close()

    restarted = child(data_dir, server, "50")
    out, errors = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, errors
    assert out.startswith("done")

    desk = open_test_store(data_dir)
    assert scalar(desk, "SELECT count(*) FROM tickets") == 305
    assert scalar(desk, "SELECT count(DISTINCT code) FROM tickets") == 305
    assert {code for (code,) in desk.engine.connect().execute(text("SELECT code FROM tickets"))} >= set(codes)
    assert scalar(desk, "SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH 'can* AND cuoc*'") == 305
    assert scalar(desk, "SELECT count(*) FROM outbox") == 5  # pulled changes wrote no outbox rows
    assert read_counts(desk).pending == 0
    assert all(TicketService(desk, "dtv1").get(ticket_id) for ticket_id in own)
    _, feed_head = Desk(server, "admin").pull_all()
    assert int(scalar(desk, "SELECT cursor FROM sync_state")) == feed_head
    desk.close()


def database_of(server: ServerProcess) -> str:
    return server.db_url.split("@/", 1)[1].split("?", 1)[0]


def test_a_server_restored_from_an_older_copy_is_detected_and_given_back_what_it_lost(
    tmp_path: Path, postgres: Postgres, server: ServerProcess
) -> None:
    desk_a, desk_b = open_test_store(tmp_path / "a"), open_test_store(tmp_path / "b")
    lan = TicketService(desk_a, "dtv1")
    early = [
        lan.create(replace(DRAFT, phone=f"0912 111 {n:03d}", content=f"Phiếu sớm {n}")) for n in range(4)
    ]
    sync(desk_a, server, "dtv1")
    database = database_of(server)
    backup = f"{database}_backup"
    server.stop()
    with postgres.admin() as admin:  # the nightly backup (a copy of the database)
        admin.execute(f"CREATE DATABASE {backup} TEMPLATE {database}")
    server.start()

    late = [
        lan.create(replace(DRAFT, phone=f"0912 222 {n:03d}", content=f"Phiếu muộn {n}")) for n in range(3)
    ]
    first = early[0]
    lan.update(first.id, replace(first.draft, answer="Đã hướng dẫn sau sao lưu"), first.version)
    sync(desk_a, server, "dtv1")
    sync(desk_b, server, "dtv2")
    assert scalar(desk_b, "SELECT count(*) FROM tickets") == 7

    server.stop()  # the server's disk dies; IT restores last night's copy
    with postgres.admin() as admin:
        admin.execute(f"DROP DATABASE {database}")
        admin.execute(f"CREATE DATABASE {database} TEMPLATE {backup}")
    server.start()

    report_b = sync(desk_b, server, "dtv2")  # B had pulled further than the restored feed goes
    assert report_b.restored
    report_a = sync(desk_a, server, "dtv1")  # A had pushed more than the restored server has
    assert report_a.restored and report_a.pushed == 4  # 3 tickets and the edit, sent again
    assert read_counts(desk_a).pending == 0
    assert "khôi phục" in read_counts(desk_a).restore_detail
    sync(desk_b, server, "dtv2")

    on_server = {
        c["entity_id"]: c["fields"] for c in Desk(server, "admin").pull_all()[0] if c["entity"] == "ticket"
    }
    assert set(on_server) == {t.id for t in early + late}
    assert on_server[first.id]["answer"] == "Đã hướng dẫn sau sao lưu"
    for desk in (desk_a, desk_b):
        assert scalar(desk, "SELECT count(*) FROM tickets") == 7
        assert scalar(desk, "SELECT count(DISTINCT code) FROM tickets") == 7
        assert TicketService(desk, "x").get(first.id).draft.answer == "Đã hướng dẫn sau sao lưu"
    desk_a.close()
    desk_b.close()
