"""`ticket_list`: the list's first page, unfiltered and by step, beside the bare SELECT of the old page."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from bench import Size, figure, log, percentile
from bench.dataset import open_bench_store, raw_connection, store_for
from desktop.domain.ticket_step import TicketStep
from desktop.services.tickets.query import TicketFilter, TicketQuery

# The page as the list read it before it knew steps: the same columns and join, no step, no calendar.
COLUMNS = (
    "SELECT t.pk, t.id, t.code, t.received_at, t.phone, t.citizen_name, t.channel, t.request_type, t.level,"
    " u.name, t.status, t.deadline, t.satisfaction, substr(t.content, 1, 200)"
    " FROM tickets t LEFT JOIN units u ON u.code = t.unit_code"
)
ORDER = " ORDER BY t.received_at DESC, t.pk DESC LIMIT 200"
BARE_PAGE = COLUMNS + ORDER
BARE_WITH_A_UNIT = (
    COLUMNS
    + " WHERE t.status = 'dang_xu_ly' AND t.level > 1 AND t.unit_code IS NOT NULL AND t.answer = ''"
    + ORDER
)
BARE_DONE = COLUMNS + " WHERE t.status = 'da_xu_ly'" + ORDER
BASELINE = "bare SELECT of the same page as the list read it before steps (SQLCipher)"


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _fetch_all(connection: Any, sql: str) -> list[Any]:
    return list(connection.execute(sql).fetchall())


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    store = open_bench_store(store_for(size))
    bare = raw_connection(store.path)
    query = TicketQuery(store)
    rounds = 30 if quick else 60
    cases = [
        ("page_ms", TicketFilter(), BARE_PAGE),
        ("page_forwarded_ms", TicketFilter(steps=frozenset({TicketStep.FORWARDED})), BARE_WITH_A_UNIT),
        ("page_called_back_ms", TicketFilter(steps=frozenset({TicketStep.CALLED_BACK})), BARE_WITH_A_UNIT),
        ("page_done_ms", TicketFilter(steps=frozenset({TicketStep.DONE})), BARE_DONE),
    ]
    log(f"ticket_list: {rounds} rounds of each first page, each beside its bare SELECT")
    for metric, spec, sql in cases:
        query.page(spec)
        bare.execute(sql).fetchall()
        ours: list[float] = []
        base: list[float] = []
        ours_call, bare_call = partial(query.page, spec), partial(_fetch_all, bare, sql)
        for i in range(rounds):  # alternate which runs first: neither always gets the warmer cache
            if i % 2:
                base.append(_timed(bare_call))
            ours.append(_timed(ours_call))
            if not i % 2:
                base.append(_timed(bare_call))
        yield figure(
            "ticket_list",
            metric,
            percentile(ours, 95),
            BASELINE,
            percentile(base, 95),
            n=rounds,
            dataset=size.label,
            target="p95 <= 100 ms (the list answers a filter change at once)",
        )
    store.close()
