"""The pull feed follows commit order: writers whose transactions commit out of order lose nothing."""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
from server_lab import Desk, Postgres, ServerProcess, new_id, ticket
from sqlalchemy.orm import Session

from protocol import PullResponse
from server.db import create_server_engine
from server.services.feed import PendingChanges, publish, read_page


def _writer(db_url: str, name: str, hold: float, started: threading.Event | None, done: list[str]) -> None:
    engine = create_server_engine(db_url)
    try:
        with Session(engine) as session, session.begin():
            feed = PendingChanges()
            feed.record("kb_qa", name, 1, {"id": name})
            publish(session, feed)
            if started is not None:
                started.set()
            time.sleep(hold)  # commit late: a writer that took its cursor later commits before this one
        done.append(name)
    finally:
        engine.dispose()


def test_a_puller_sees_every_commit_although_writers_commit_out_of_order(
    db_url: str, server: ServerProcess
) -> None:
    desk = Desk(server, "dtv1")
    _, cursor = desk.pull_all()
    first_took_cursor = threading.Event()
    done: list[str] = []
    slow = threading.Thread(target=_writer, args=(db_url, "cham", 1.5, first_took_cursor, done))
    slow.start()
    assert first_took_cursor.wait(10)
    fast = threading.Thread(target=_writer, args=(db_url, "nhanh", 0, None, done))
    fast.start()
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len({c["entity_id"] for c in seen} & {"cham", "nhanh"}) < 2:
        changes, cursor = desk.pull_all(cursor)  # pulls while the writers are still running
        seen.extend(changes)
        time.sleep(0.05)
    slow.join()
    fast.join()
    changes, cursor = desk.pull_all(cursor)
    seen.extend(changes)
    names = [c["entity_id"] for c in seen if c["entity"] == "kb_qa"]
    assert sorted(names) == ["cham", "nhanh"]  # each seen exactly once, none skipped
    assert names == ["cham", "nhanh"]  # the one that took its cursor first committed first
    assert done == ["cham", "nhanh"]  # the second writer waited for the first one's commit


def test_a_bare_sequence_as_cursor_would_skip_a_commit(postgres: Postgres) -> None:
    """The hazard the feed counter exists for, on the same PostgreSQL: the control of the test above."""
    database = postgres.create_database()
    connect = {"host": str(postgres.sockets), "port": postgres.port, "user": "postgres", "dbname": database}
    with psycopg.connect(**connect, autocommit=True) as setup:
        setup.execute("CREATE TABLE naive_feed (position bigserial PRIMARY KEY, name text)")
    with (
        psycopg.connect(**connect) as slow,
        psycopg.connect(**connect) as fast,
        psycopg.connect(**connect) as reader,
    ):
        slow.execute("INSERT INTO naive_feed (name) VALUES ('cham')")  # takes position 1
        fast.execute("INSERT INTO naive_feed (name) VALUES ('nhanh')")  # takes position 2
        fast.commit()  # ...and commits first
        reader.autocommit = True
        rows = reader.execute("SELECT position, name FROM naive_feed ORDER BY position").fetchall()
        cursor = rows[-1][0]
        slow.commit()
        later = reader.execute("SELECT name FROM naive_feed WHERE position > %s", (cursor,)).fetchall()
        assert rows == [(2, "nhanh")] and later == []  # 'cham' committed below the saved cursor: lost


def test_pull_pages_in_order_across_two_server_processes(
    server: ServerProcess, second_server: ServerProcess
) -> None:
    writers = [Desk(server, "dtv1"), Desk(second_server, "dtv2")]
    reader = Desk(second_server, "giamsat")
    _, cursor = reader.pull_all()
    ids: list[str] = []

    def write(desk: Desk) -> None:
        for batch in range(5):
            mutations = []
            for n in range(20):
                tid = new_id()
                ids.append(tid)
                mutations.append(
                    desk.mutation("ticket", "create", tid, ticket(f"P-2P-{desk.client_id}-{batch}-{n}"))
                )
            assert desk.push(mutations).status_code == 200

    threads = [threading.Thread(target=write, args=(desk,)) for desk in writers]
    for thread in threads:
        thread.start()
    seen: list[dict[str, Any]] = []
    while any(t.is_alive() for t in threads):
        changes, cursor = reader.pull_all(cursor, limit=7)
        seen.extend(changes)
    for thread in threads:
        thread.join()
    changes, cursor = reader.pull_all(cursor, limit=7)
    seen.extend(changes)
    cursors = [c["cursor"] for c in seen]
    assert cursors == sorted(cursors) and len(set(cursors)) == len(cursors)
    assert sorted(c["entity_id"] for c in seen if c["entity"] == "ticket") == sorted(ids)


def read_page_of_all(db_url: str) -> tuple[list[Any], bool]:
    engine = create_server_engine(db_url)
    try:
        with Session(engine) as session:
            return read_page(session, 0, 5000)
    finally:
        engine.dispose()


def test_the_pull_page_built_by_postgresql_equals_the_feed_read_through_the_models(
    db_url: str, server: ServerProcess
) -> None:
    """The server answers pulls with JSON PostgreSQL builds; it must be the `Change` list of `read_page`."""
    desk = Desk(server, "dtv1")
    tid = new_id()
    desk.push(
        [
            desk.mutation("ticket", "create", tid, ticket(f"P-JS-{tid[:8]}", content="Đèn “hỏng”\ttab")),
            desk.mutation("ticket", "update", tid, {"changes": {"level": 2, "unit_code": "so-y-te"}}, 1),
        ]
    )
    _writer(db_url, "hoi-dap-1", 0, None, [])  # a record of another kind in the feed
    # one entity alone: a desk catching up what its older release skipped (desktop.sync.catch_up)
    for cursor, limit, entity in ((0, 3, None), (0, 5000, None), (2, 1, None), (0, 5000, "ticket")):
        asked: dict[str, Any] = {"cursor": cursor, "limit": limit} | ({"entity": entity} if entity else {})
        answer = desk.http.get("/api/v1/sync/pull", params=asked)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
        body = answer.json()
        engine = create_server_engine(db_url)
        try:
            with Session(engine) as session:
                changes, has_more = read_page(session, cursor, limit, entity)
        finally:
            engine.dispose()
        if entity:
            everything, _ = read_page_of_all(db_url)
            assert {change.entity for change in everything} - {entity}  # others are left out
            assert [c for c in everything if c.entity == entity] == changes
        assert body["changes"] == [c.model_dump(mode="json") for c in changes]
        assert body["has_more"] == has_more
        assert body["next_cursor"] == (changes[-1].cursor if changes else cursor)
        PullResponse.model_validate(body)
    empty = desk.http.get("/api/v1/sync/pull", params={"cursor": 2**62}).json()
    assert empty["changes"] == [] and empty["next_cursor"] == 2**62 and not empty["has_more"]
