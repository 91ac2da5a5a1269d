"""`dashboard`: one dashboard refresh and the survey due list, beside bare GROUP BY / SELECT baselines."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from bench import BenchError, Size, data_root, figure, log, percentile
from bench.dataset import open_bench_store, raw_connection, store_for
from desktop.domain.clock import VN_TZ
from desktop.services.supervisor.dashboard import DashboardService
from desktop.services.supervisor.surveys import SurveyService

# A day inside the generated data (2020-01 … 2025-10), so today and this month hold real rows.
NOW = datetime(2025, 10, 20, 14, 0, tzinfo=VN_TZ)
MONTH_BARE = (
    "SELECT channel, request_type, level, status, satisfaction, count(*) FROM tickets"
    " WHERE received_at >= '2025-10-01T00:00:00+07:00' AND received_at < '2025-10-21T00:00:00+07:00'"
    " GROUP BY channel, request_type, level, status, satisfaction"
)
DUE_BARE = (
    "SELECT id, code, phone, resolved_at FROM tickets WHERE status = 'da_xu_ly'"
    " AND satisfaction = 'chua_danh_gia' ORDER BY resolved_at LIMIT 500"
)
REFRESH_BASELINE = "bare GROUP BY of this month's tickets (SQLCipher)"
DUE_BASELINE = "bare SELECT of the 500 oldest unrated resolved tickets (SQLCipher)"


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    if (data_root() / f"store-{size.tickets}.building").exists():
        raise BenchError(f"the {size.label} store is being built by another run; try again when it is done")
    store = open_bench_store(store_for(size))
    bare = raw_connection(store.path)
    dashboard = DashboardService(store, clock=lambda: NOW)
    surveys = SurveyService(store, "bench", clock=lambda: NOW)
    rounds = 30 if quick else 60
    cases: list[tuple[str, Callable[[], Any], Callable[[], Any], str, str]] = [
        (
            "refresh_ms",
            lambda: dashboard.counts(),
            lambda: bare.execute(MONTH_BARE).fetchall(),
            REFRESH_BASELINE,
            "p95 far below the 5 s refresh (< 250 ms)",
        ),
        (
            "refresh_with_trends_ms",
            lambda: dashboard.counts(with_trends=True),
            lambda: bare.execute(MONTH_BARE).fetchall(),
            REFRESH_BASELINE,
            "< 250 ms (read once a minute; closed months kept)",
        ),
        (
            "refresh_with_trends_cold_ms",  # the first trends read: nothing kept from a previous one
            lambda: DashboardService(store, clock=lambda: NOW).counts(with_trends=True),
            lambda: bare.execute(MONTH_BARE).fetchall(),
            REFRESH_BASELINE,
            "< 2 s (once per 10 min)",
        ),
        (
            "due_list_ms",
            lambda: surveys.due(500),
            lambda: bare.execute(DUE_BARE).fetchall(),
            DUE_BASELINE,
            "< 100 ms",
        ),
    ]
    try:
        counts = dashboard.counts()
        log(
            f"dashboard: {size.label}; month {counts.month.tickets.total} tickets,"
            f" {counts.month.calls.inbound} inbound calls, {len(counts.overdue)} units overdue"
        )
        for metric, ours_call, bare_call, baseline, target in cases:
            for _ in range(3):  # warm-up: compiled statements, page cache
                ours_call()
                bare_call()
            ours: list[float] = []
            base: list[float] = []
            for i in range(rounds):
                if i % 2:
                    base.append(_timed(bare_call))
                    ours.append(_timed(ours_call))
                else:
                    ours.append(_timed(ours_call))
                    base.append(_timed(bare_call))
            for p in (50, 95):
                yield figure(
                    "dashboard",
                    metric.replace("_ms", f"_p{p}_ms"),
                    percentile(ours, p),
                    baseline,
                    percentile(base, p),
                    n=rounds,
                    dataset=size.label,
                    target=target if p == 95 else "n/a (p95 is the target)",
                )
    finally:
        bare.close()
        store.close()
