"""`sync_push`: 10k tickets pushed through the real HTTP server beside one bare COPY; the feed pulled back."""

from __future__ import annotations

import io
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

BATCH = 500
PAGE = 1000
COPY_COLUMNS = (*TICKET_FIELDS, "id", "version", "created_by", "updated_by", "created_at", "updated_at")
SERVER_COLUMNS = ("creator_rank", "field_meta", "origin_client")


def tickets(count: int) -> list[tuple[str, dict[str, Any]]]:
    start = datetime(2024, 3, 1, 7, 30, tzinfo=VN_TZ)
    rows = []
    for n in range(count):
        at = start + timedelta(minutes=7 * n)
        rows.append(
            (
                str(uuid.uuid4()),
                {
                    "code": f"BENCH-{n:07d}", "received_at": at.isoformat(), "channel": "dien_thoai",
                    "phone": f"+849{n:08d}", "citizen_id": None, "citizen_name": f"Công dân {n}",
                    "citizen_address": "Cao Lãnh", "request_type": "hoi_thong_tin", "level": 1 + n % 4,
                    "is_tthc": n % 3 == 0, "tthc_code": "1.000178" if n % 3 == 0 else "", "field_code": None,
                    "unit_code": f"don_vi_{n % 50}", "content": f"Hỏi thủ tục cấp đổi căn cước số {n}",
                    "answer": "Hướng dẫn nộp hồ sơ tại Công an xã", "status": "da_xu_ly",
                    "satisfaction": "hai_long", "dissatisfaction_reason": None, "deadline": None,
                    "resolved_at": at.isoformat(), "call_id": None,
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


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    count = 1_000 if quick else 10_000
    rows = tickets(count)
    if pg_bin() is None:
        raise BenchError("PostgreSQL is not installed (apt-get install postgresql)")
    with cluster() as pg:
        database = pg.create_database(make_template(pg))
        server = ServerProcess(pg.url(database)).start()
        try:
            http = httpx.Client(base_url=server.base, timeout=120)
            login = http.post(
                "/api/v1/login", json={"username": "dtv1", "password": PASSWORD, "client_id": "bench-desk"}
            ).json()
            http.headers["Authorization"] = f"Bearer {login['token']}"
            log(f"sync_push: pushing {count:,} tickets in batches of {BATCH} through {server.base}")
            started = time.perf_counter()
            for first in range(0, count, BATCH):
                mutations = [
                    {"seq": first + i + 1, "mutation_id": str(uuid.uuid4()), "entity": "ticket",
                     "op": "create", "entity_id": ticket_id, "base_version": 0, "payload": values}
                    for i, (ticket_id, values) in enumerate(rows[first : first + BATCH])
                ]  # fmt: skip
                answer = http.post(
                    "/api/v1/sync/push",
                    json={
                        "client_id": "bench-desk",
                        "protocol_version": PROTOCOL_VERSION,
                        "mutations": mutations,
                    },
                )
                if answer.status_code != 200 or any(
                    r["status"] != "applied" for r in answer.json()["results"]
                ):
                    raise BenchError(f"push failed: {answer.status_code} {answer.text[:300]}")
            push_s = time.perf_counter() - started

            connect = {"host": str(pg.sockets), "port": pg.port, "user": "postgres", "dbname": database}
            with psycopg.connect(**connect) as conn:
                conn.execute("CREATE TABLE copy_tickets (LIKE tickets INCLUDING ALL)")
                conn.commit()
                data = _copy_text(rows)
                columns = ", ".join(COPY_COLUMNS + SERVER_COLUMNS)
                started = time.perf_counter()
                with conn.cursor().copy(f"COPY copy_tickets ({columns}) FROM STDIN") as copy:
                    copy.write(data)
                conn.commit()
                copy_s = time.perf_counter() - started

            log("sync_push: pulling the feed back in pages of 1000, beside one bare SELECT of the feed rows")
            pages: list[float] = []
            cursor, pulled = 0, 0
            started = time.perf_counter()
            while True:
                page_started = time.perf_counter()
                body = http.get("/api/v1/sync/pull", params={"cursor": cursor, "limit": PAGE}).json()
                pages.append((time.perf_counter() - page_started) * 1000)
                pulled += len(body["changes"])
                cursor = body["next_cursor"]
                if not body["has_more"]:
                    break
            pull_s = time.perf_counter() - started
            with psycopg.connect(**connect) as conn:
                started = time.perf_counter()
                selected = len(conn.execute("SELECT * FROM feed ORDER BY position").fetchall())
                select_s = time.perf_counter() - started
            if pulled != count or selected != count:
                raise BenchError(f"pulled {pulled:,} and selected {selected:,} of {count:,} changes")

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
        finally:
            server.stop()
    dataset = f"{count:,} tickets"
    yield figure(
        "sync_push", "push_tickets_per_s", count / push_s,
        f"one bare COPY of the same {count:,} rows into a copy of the tickets table (psycopg, same cluster)",
        count / copy_s, n=count, dataset=dataset, target="10k offline tickets in < 5 min",
    )  # fmt: skip
    yield figure(
        "sync_push", "pull_changes_per_s", count / pull_s,
        "one bare SELECT of the same feed rows (psycopg, same cluster)", count / select_s,
        n=count, dataset=dataset, target="n/a",
    )  # fmt: skip
    yield figure(
        "sync_push", "idle_sync_state_p95_ms", percentile(idle, 95),
        "bare SELECT of the feed counter on an open connection", percentile(base, 95),
        n=len(idle), dataset=dataset, target="<= 50 ms",
    )  # fmt: skip
