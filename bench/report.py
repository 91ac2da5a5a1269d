"""`report`: the province's report over every ticket of the store beside one bare GROUP BY of the same rows.

The report is what `tongdai1022 report` and the supervisor screens run (ReportService: three queries in
one snapshot); the baseline is the least any per-unit table costs: `SELECT unit_code, count(*) ...
GROUP BY unit_code` over the same period through a bare SQLCipher connection. Both alternate, warm,
several times.
A month (November 2021, the bulletin's) and the two exports are measured too.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from bench import BenchError, Size, figure, log
from bench.dataset import open_bench_store, raw_connection, store_for
from desktop.services.supervisor.reports import ReportService
from reports import Period, Report
from reports.export_docx import write_docx
from reports.export_xlsx import write_xlsx

BARE = "SELECT unit_code, count(*) FROM tickets WHERE received_at >= ? AND received_at < ? GROUP BY unit_code"
BASELINE = "bare GROUP BY unit_code over the same rows (SQLCipher, same key)"
MONTH = Period(date(2021, 11, 1), date(2021, 11, 30))


def _seconds(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _alternate(
    ours: Callable[[], Any], base: Callable[[], Any], runs: int
) -> tuple[list[float], list[float]]:
    """Warm both once, then `runs` times each, alternating which goes first."""
    ours()
    base()
    mine: list[float] = []
    theirs: list[float] = []
    for i in range(runs):
        pair = [(mine, ours), (theirs, base)]
        for samples, work in pair if i % 2 == 0 else reversed(pair):
            samples.append(_seconds(work)[0])
    return mine, theirs


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    store = open_bench_store(store_for(size))
    bare = raw_connection(store.path)
    service = ReportService(store)
    runs = 5
    try:
        first, last = bare.execute("SELECT min(received_at), max(received_at) FROM tickets").fetchone()
        whole = Period(date.fromisoformat(first[:10]), date.fromisoformat(last[:10]))
        for label, period in (("", whole), ("_month", MONTH)):
            bounds = (period.starts_at.isoformat(), period.ends_before.isoformat())
            report: Report = service.report_for(period)
            counted = sum(n for _, n in bare.execute(BARE, bounds))
            if report["totals"]["tickets"] != counted:
                raise BenchError(
                    f"the report counts {report['totals']['tickets']} tickets, GROUP BY {counted}"
                )
            if label == "" and counted != size.tickets:
                raise BenchError(f"the whole period holds {counted} of {size.tickets} tickets")
            log(f"report{label}: {counted:,} tickets, {runs} runs each beside the bare GROUP BY")
            mine, theirs = _alternate(
                lambda period=period: service.report_for(period),
                lambda bounds=bounds: bare.execute(BARE, bounds).fetchall(),
                runs,
            )
            yield figure(
                "report",
                f"median_ms{label}",
                statistics.median(mine) * 1000,
                BASELINE,
                statistics.median(theirs) * 1000,
                n=runs,
                dataset=f"{size.label}, {counted:,} in the period",
                target="<= 2000 ms" if label == "" else "n/a (the whole store is the target)",
            )
        yield from _exports(report, runs)
    finally:
        bare.close()
        store.close()


def _exports(report: Report, runs: int) -> Iterator[dict[str, Any]]:
    """Drawing the XLSX and the DOCX of a report (52 units) beside writing its JSON."""
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        folder = Path(scratch)

        def as_json() -> None:
            (folder / "r.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")

        for kind, write in (("xlsx", write_xlsx), ("docx", write_docx)):
            mine, theirs = _alternate(
                lambda write=write, kind=kind: write(report, folder / f"r.{kind}"), as_json, runs
            )
            yield figure(
                "report",
                f"{kind}_median_ms",
                statistics.median(mine) * 1000,
                "writing the same report as JSON",
                statistics.median(theirs) * 1000,
                n=runs,
                dataset=f"{len(report['units'])} units",
                target="n/a (seconds on a terminal, with a progress bar)",
            )
