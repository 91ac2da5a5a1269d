"""`save`: TicketService.create (ticket, history, outbox, FTS in one transaction) beside a bare INSERT."""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Iterator
from typing import Any

from bench import Size, data_root, figure, log, percentile
from bench.dataset import Generator, copy_store, open_bench_store, raw_connection, store_for
from desktop.domain.clock import now_vn
from desktop.services.tickets.service import TicketService

BARE = (
    "INSERT INTO tickets (id, code, version, received_at, channel, phone, citizen_name, citizen_address,"
    " request_type, level, is_tthc, tthc_code, unit_code, content, answer, status, satisfaction,"
    " created_by, updated_by, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?, 'bench-bare', 'bench-bare', ?, ?)"
)
WARMUP = 20


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    work = copy_store(store_for(size), data_root() / f"tmp-save-{size.tickets}")
    try:
        store = open_bench_store(work)
        service = TicketService(store, operator="bench-save")
        bare = raw_connection(store.path)
        count = 200 if quick else 500
        # New tickets from the same callers as the data set (same seed), numbered after it.
        drafts = list(Generator(size).tickets(WARMUP + count, first=size.tickets))
        ours: list[float] = []
        base: list[float] = []
        log(f"save: {WARMUP} warm-up then {count} creates, each beside a bare INSERT, order alternating")
        for i, ticket in enumerate(drafts):

            def create(ticket: Any = ticket) -> float:
                draft = ticket.draft()
                started = time.perf_counter()
                service.create(draft)
                return time.perf_counter() - started

            def insert(ticket: Any = ticket, i: int = i) -> float:
                now = now_vn().isoformat()
                values = (
                    str(uuid.uuid4()), f"BARE-{uuid.uuid4().hex[:12]}", now, ticket.channel.value,
                    ticket.phone, ticket.name, ticket.request_type.value, int(ticket.level), ticket.is_tthc,
                    ticket.tthc_code, ticket.unit_code, ticket.content, ticket.answer, ticket.status.value,
                    ticket.satisfaction.value, now, now,
                )  # fmt: skip
                started = time.perf_counter()
                bare.execute("BEGIN")
                bare.execute(BARE, values)
                bare.execute("COMMIT")
                return time.perf_counter() - started

            if i % 2:
                b, s = insert(), create()
            else:
                s, b = create(), insert()
            if i >= WARMUP:
                ours.append(s * 1000)
                base.append(b * 1000)
        bare.close()
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for p, target in ((50, "n/a (p95 is the target)"), (95, "<= 15 ms")):
        yield figure(
            "save",
            f"p{p}_ms",
            percentile(ours, p),
            "bare INSERT of one ticket row in its own transaction (SQLCipher, same key, pragmas and file)",
            percentile(base, p),
            n=count,
            dataset=size.label,
            target=target,
        )
