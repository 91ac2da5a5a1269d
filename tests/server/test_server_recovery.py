"""Crashes and restores: a server killed mid-push converges; a server restored from a backup is detected."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from server_lab import REPO, SECRET, Desk, Postgres, ServerProcess, new_id, ticket
from sqlalchemy import create_engine, text


def scalar(url: str, query: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture
def fresh(postgres: Postgres, template: str) -> Iterator[tuple[str, str]]:
    name = postgres.create_database(template)
    yield name, postgres.url(name)


TOTAL = 4000  # enough that the kill lands mid-push although a batch of 500 applies in well under a second


def test_a_server_killed_mid_push_converges_with_nothing_lost_or_doubled(fresh: tuple[str, str]) -> None:
    _, url = fresh
    first = ServerProcess(url).start()
    desk = Desk(first, "dtv1")
    batches = [
        [desk.mutation("ticket", "create", new_id(), ticket(f"P-KILL-{b}-{n}")) for n in range(500)]
        for b in range(TOTAL // 500)
    ]
    errors: list[Exception] = []

    def push_all() -> None:
        try:
            for batch in batches:
                desk.push(batch)
        except httpx.HTTPError as error:
            errors.append(error)

    pusher = threading.Thread(target=push_all)
    pusher.start()
    # Kill -9 once the server is inside the pushes (some mutations applied, the rest not).
    while scalar(url, "SELECT count(*) FROM applied_mutations") < 150:
        time.sleep(0.02)
    first.kill()
    pusher.join()
    assert errors, "the push should have been cut off"
    applied_before = scalar(url, "SELECT count(*) FROM applied_mutations")
    assert 150 <= applied_before < TOTAL
    second = ServerProcess(url).start()
    try:
        desk.use(second)
        for batch in batches:  # the desktop knows nothing was acknowledged: it sends everything again
            answer = desk.push(batch)
            assert answer.status_code == 200, answer.text
            assert all(r["status"] == "applied" for r in answer.json()["results"])
        assert scalar(url, "SELECT count(*) FROM tickets") == TOTAL
        assert scalar(url, "SELECT count(*) FROM applied_mutations") == TOTAL
        assert scalar(url, "SELECT max(last_seq) FROM client_streams") == TOTAL
        changes, _ = desk.pull_all()
        assert len({c["entity_id"] for c in changes if c["entity"] == "ticket"}) == TOTAL
    finally:
        second.stop()


def test_a_server_restored_from_a_backup_is_detected_and_refilled(
    postgres: Postgres, fresh: tuple[str, str]
) -> None:
    name, url = fresh
    server = ServerProcess(url).start()
    desk = Desk(server, "dtv1")
    assert (
        desk.push(
            [desk.mutation("ticket", "create", new_id(), ticket(f"P-BK-{n}")) for n in range(5)]
        ).status_code
        == 200
    )
    server.stop()
    backup = f"{name}_backup"
    with postgres.admin() as admin:
        admin.execute(f"CREATE DATABASE {backup} TEMPLATE {name}")
    server = ServerProcess(url).start()
    desk.use(server)
    later = [desk.mutation("ticket", "create", new_id(), ticket(f"P-BK-{n}")) for n in range(5, 10)]
    acknowledged = desk.push(later).json()
    acked_seq, acked_head, epoch = acknowledged["last_seq"], acknowledged["feed_head"], acknowledged["server"]
    assert acked_seq == 10
    server.stop()
    with postgres.admin() as admin:  # the province restores last night's backup
        admin.execute(f"DROP DATABASE {name}")
        admin.execute(f"ALTER DATABASE {backup} RENAME TO {name}")
    server = ServerProcess(url).start()
    try:
        desk.use(server)
        state = desk.login()
        # What a desktop checks (protocol docstring): the server forgot acknowledged work.
        assert state["last_seq"] == 5 < acked_seq
        assert state["feed_head"] < acked_head
        assert state["server"]["server_epoch"] == epoch["server_epoch"]
        # The administrator also marks the restore: a new epoch every desktop sees.
        env = {**os.environ, "TONGDAI1022_SERVER_SECRET": SECRET}
        done = subprocess.run(
            [sys.executable, "-m", "server", "--db", url, "new-epoch"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert desk.login()["server"]["server_epoch"] != epoch["server_epoch"]
        # The desktop kept its pushed rows: it sends them again from last_seq + 1.
        assert desk.push(later).status_code == 200
        assert scalar(url, "SELECT count(*) FROM tickets") == 10
    finally:
        server.stop()


def test_the_server_refuses_a_default_secret_and_creates_users_from_the_cli(fresh: tuple[str, str]) -> None:
    _, url = fresh
    env = {key: value for key, value in os.environ.items() if key != "TONGDAI1022_SERVER_SECRET"}
    for secret in ("", "changethis"):
        bad_env = {**env, "TONGDAI1022_SERVER_SECRET": secret}
        done = subprocess.run(
            [sys.executable, "-m", "server", "--db", url, "serve"],
            cwd=REPO, env=bad_env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 2 and "khoá bí mật" in done.stderr.lower()
    created = subprocess.run(
        [sys.executable, "-m", "server", "--db", url, "create-user", "truongca", "--role", "supervisor"],
        cwd=REPO, env={**env, "TONGDAI1022_SERVER_SECRET": SECRET, "TONGDAI1022_NEW_PASSWORD": "ca-3-86421"},
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert (
        scalar(url, "SELECT count(*) FROM accounts WHERE username = 'truongca' AND role = 'supervisor'") == 1
    )
