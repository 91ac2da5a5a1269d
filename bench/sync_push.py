"""`sync_push`: 10k tickets pushed through the server beside a bare COPY; 100k changes pulled, 50 desks."""

from __future__ import annotations

import io
import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import psycopg

from bench import BenchError, Size, figure, log, percentile
from bench.server_lab import PASSWORD, ServerProcess, cluster, make_template, pg_bin
from desktop.domain.clock import VN_TZ
from protocol import PROTOCOL_VERSION, TICKET_FIELDS
from protocol.shipped_catalogs import shipped_entries

BATCH = 500
PAGE = 1000
COPY_COLUMNS = (*TICKET_FIELDS, "id", "version", "created_by", "updated_by", "created_at", "updated_at")
SERVER_COLUMNS = ("creator_rank", "field_meta", "origin_client")


def tickets(count: int, prefix: str = "BENCH") -> list[tuple[str, dict[str, Any]]]:
    units = sorted(shipped_entries("unit"))  # the server checks a ticket's unit against the catalog
    start = datetime(2024, 3, 1, 7, 30, tzinfo=VN_TZ)
    rows = []
    for n in range(count):
        at = start + timedelta(minutes=7 * n)
        rows.append(
            (
                str(uuid.uuid4()),
                {
                    "code": f"{prefix}-{n:07d}-{uuid.uuid4().hex[:6]}", "received_at": at.isoformat(),
                    "channel": "dien_thoai",
                    "phone": f"+849{n:08d}", "citizen_id": None, "citizen_name": f"Công dân {n}",
                    "citizen_address": "Cao Lãnh", "request_type": "hoi_thong_tin", "level": 1 + n % 4,
                    "is_tthc": n % 3 == 0, "tthc_code": "1.000178" if n % 3 == 0 else "", "field_code": None,
                    "unit_code": units[n % len(units)], "content": f"Hỏi thủ tục cấp đổi căn cước số {n}",
                    "answer": "Hướng dẫn nộp hồ sơ tại Công an xã", "status": "da_xu_ly",
                    "satisfaction": "hai_long", "dissatisfaction_reason": None, "deadline": None,
                    "resolved_at": at.isoformat(), "call_id": None,
                    "publication": "chua_hoi", "public_question": "", "public_answer": "",
                    "return_reason": "", "unit_answered_at": None, "called_back_at": None,
                },
            )
        )  # fmt: skip
    return rows


def _copy_text(rows: list[tuple[str, dict[str, Any]]]) -> bytes:
    out = io.StringIO()
    now = datetime.now(VN_TZ).isoformat()
    for ticket_id, values in rows:
        record = [values[name] for name in TICKET_FIELDS] + [
            ticket_id,
            1,
            "copy",
            "copy",
            now,
            now,
            1,
            "{}",
            "copy",
        ]
        out.write("\t".join("\\N" if v is None else str(v).replace("\t", " ") for v in record) + "\n")
    return out.getvalue().encode()


def _login(server: ServerProcess, client_id: str) -> httpx.Client:
    http = httpx.Client(base_url=server.base, timeout=120)
    credentials = {"username": "dtv1", "password": PASSWORD, "client_id": client_id, "desk_key": "k" * 32}
    body = http.post("/api/v1/login", json=credentials)
    body.raise_for_status()
    http.headers["Authorization"] = f"Bearer {body.json()['token']}"
    return http


def _push(
    http: httpx.Client, client_id: str, rows: list[tuple[str, dict[str, Any]]], first_seq: int = 1
) -> None:
    for first in range(0, len(rows), BATCH):
        mutations = [
            {"seq": first_seq + first + i, "mutation_id": str(uuid.uuid4()), "entity": "ticket",
             "op": "create", "entity_id": ticket_id, "base_version": 0, "payload": values}
            for i, (ticket_id, values) in enumerate(rows[first : first + BATCH])
        ]  # fmt: skip
        body = {"client_id": client_id, "protocol_version": PROTOCOL_VERSION, "mutations": mutations}
        answer = http.post("/api/v1/sync/push", json=body)
        if answer.status_code != 200 or any(r["status"] != "applied" for r in answer.json()["results"]):
            raise BenchError(f"push failed: {answer.status_code} {answer.text[:300]}")


def _pull_all(http: httpx.Client, cursor: int = 0, limit: int = PAGE) -> tuple[int, int]:
    pulled = 0
    while True:
        answer = http.get("/api/v1/sync/pull", params={"cursor": cursor, "limit": limit})
        answer.raise_for_status()
        body = answer.json()
        pulled += len(body["changes"])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return pulled, cursor


def _copy_seconds(connect: dict[str, Any], rows: list[tuple[str, dict[str, Any]]]) -> float:
    with psycopg.connect(**connect) as conn:
        conn.execute("CREATE TABLE copy_tickets (LIKE tickets INCLUDING ALL)")
        conn.commit()
        data = _copy_text(rows)
        columns = ", ".join(COPY_COLUMNS + SERVER_COLUMNS)
        started = time.perf_counter()
        with conn.cursor().copy(f"COPY copy_tickets ({columns}) FROM STDIN") as copy:
            copy.write(data)
        conn.commit()
        return time.perf_counter() - started


def _grow_feed(connect: dict[str, Any], total: int) -> None:
    """Other desktops' changes: feed rows written directly (with the counter), up to `total` in the feed."""
    with psycopg.connect(**connect) as conn:
        head = conn.execute("SELECT value FROM feed_counter").fetchone()[0]
        extra = total - head
        sample = json.dumps(tickets(1)[0][1], ensure_ascii=False)
        with conn.cursor().copy(
            "COPY feed (entity, entity_id, position, version, tombstone, data, origin_client) FROM STDIN"
        ) as copy:
            for n in range(extra):
                copy.write_row(("ticket", str(uuid.uuid4()), head + 1 + n, 1, False, sample, "other-desk"))
        conn.execute("UPDATE feed_counter SET value = %s", (head + extra,))
        conn.commit()


def _desktop_cycles(server: ServerProcess, client_id: str, cycles: int, latencies: list[float]) -> None:
    """One desktop syncing: push 5 new tickets, pull what is new, again and again."""
    http = _login(server, client_id)
    _, cursor = _pull_all(http)
    seq = 1
    for _ in range(cycles):
        rows = tickets(5, prefix=client_id)
        started = time.perf_counter()
        _push(http, client_id, rows, first_seq=seq)
        latencies.append((time.perf_counter() - started) * 1000)
        seq += len(rows)
        started = time.perf_counter()
        answer = http.get("/api/v1/sync/pull", params={"cursor": cursor, "limit": PAGE})
        latencies.append((time.perf_counter() - started) * 1000)
        cursor = answer.json()["next_cursor"]
    http.close()


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    count = 1_000 if quick else 10_000
    feed_total = 10_000 if quick else 100_000
    desktops, cycles = (10, 5) if quick else (50, 10)
    rows = tickets(count)
    if pg_bin() is None:
        raise BenchError("PostgreSQL is not installed (apt-get install postgresql)")
    with cluster() as pg:
        database = pg.create_database(make_template(pg))
        connect = {"host": str(pg.sockets), "port": pg.port, "user": "postgres", "dbname": database}
        server = ServerProcess(pg.url(database)).start()
        try:
            http = _login(server, "bench-desk")
            log(f"sync_push: pushing {count:,} tickets in batches of {BATCH} through {server.base}")
            started = time.perf_counter()
            _push(http, "bench-desk", rows)
            push_s = time.perf_counter() - started
            copy_s = _copy_seconds(connect, rows)

            _grow_feed(connect, feed_total)
            log(f"sync_push: pulling {feed_total:,} changes in pages of {PAGE}, beside a bare SELECT of them")
            started = time.perf_counter()
            pulled, _ = _pull_all(http)
            pull_s = time.perf_counter() - started
            with psycopg.connect(**connect) as conn:
                started = time.perf_counter()
                selected = len(conn.execute("SELECT * FROM feed ORDER BY position").fetchall())
                select_s = time.perf_counter() - started
            if pulled != feed_total or selected != feed_total:
                raise BenchError(f"pulled {pulled:,} and selected {selected:,} of {feed_total:,} changes")

            idle: list[float] = []
            base: list[float] = []
            with psycopg.connect(**connect, autocommit=True) as conn:
                for _ in range(200):
                    started = time.perf_counter()
                    http.get("/api/v1/sync/state").raise_for_status()
                    idle.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    conn.execute("SELECT value FROM feed_counter").fetchone()
                    base.append((time.perf_counter() - started) * 1000)

            log(f"sync_push: one desktop alone, then {desktops} at once, {cycles} push+pull cycles each")
            alone: list[float] = []
            _desktop_cycles(server, "bench-alone", cycles * 2, alone)
            crowd: list[float] = []
            threads = [
                threading.Thread(target=_desktop_cycles, args=(server, f"bench-{n}", cycles, crowd))
                for n in range(desktops)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if len(crowd) != desktops * cycles * 2:
                raise BenchError(f"{len(crowd)} of {desktops * cycles * 2} requests of the crowd finished")
        finally:
            server.stop()
    dataset = f"{count:,} tickets pushed, {feed_total:,} changes in the feed"
    yield figure(
        "sync_push", "push_tickets_per_s", count / push_s,
        f"one bare COPY of the same {count:,} rows into a copy of the tickets table (psycopg, same cluster)",
        count / copy_s, n=count, dataset=dataset, target="10k offline tickets in < 5 min (>= 33/s)",
    )  # fmt: skip
    yield figure(
        "sync_push", "pull_changes_per_s", feed_total / pull_s,
        "one bare SELECT of the same feed rows (psycopg, same cluster)", feed_total / select_s,
        n=feed_total, dataset=dataset, target="n/a",
    )  # fmt: skip
    yield figure(
        "sync_push", "idle_sync_state_p95_ms", percentile(idle, 95),
        "bare SELECT of the feed counter on an open connection", percentile(base, 95),
        n=len(idle), dataset=dataset, target="<= 50 ms",
    )  # fmt: skip
    yield figure(
        "sync_push", f"desktops_{desktops}_request_p95_ms", percentile(crowd, 95),
        "the same push/pull requests from one desktop alone", percentile(alone, 95),
        n=len(crowd), dataset=dataset, target=f"n/a (p95 while {desktops} desktops sync at once)",
    )  # fmt: skip
