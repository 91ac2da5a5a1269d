"""`sync_desktop`: a desktop's offline tickets pushed and pulled by its engine, beside a bare HTTP client.

The same server, the same tickets, the same run: the bare client (httpx, A's `sync_push` loop) sends
ready-made payloads and reads pages without storing them; the desktop's engine numbers its outbox,
reads each batch from SQLite, records every answer, and applies every pulled change with its search
index and cursor in one transaction. The difference is the desktop's own cost.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import BenchError, Size, figure, log
from bench.dataset import open_bench_store
from bench.server_lab import PASSWORD, ServerProcess, cluster, make_template, pg_bin
from bench.sync_push import _login, _pull_all, _push, tickets
from desktop.services.imports.importer import import_tickets_csv
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from desktop.sync.state import read_counts
from desktop.ui.shell.launch import rss_bytes

CSV_HEADER = [
    "ma_phieu", "ngay_tiep_nhan", "kenh", "so_dien_thoai", "ho_ten", "loai_yeu_cau", "cap_do", "la_tthc",
    "don_vi_xu_ly", "trang_thai", "danh_gia", "ly_do_khong_hai_long", "noi_dung",
]  # fmt: skip


def _offline_tickets(path: Path, count: int) -> None:
    """The desk's tickets saved while the network was down (written as the historical CSV import)."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_HEADER)
        for n in range(count):
            writer.writerow(
                [
                    f"OFF-{n:07d}", "2025-03-02T08:15:00+07:00", "dien_thoai", f"0912 {n:06d}",
                    f"Công dân {n}", "hoi_thong_tin", "1", "0", "", "da_xu_ly", "hai_long", "",
                    f"Hỏi thủ tục cấp đổi căn cước số {n}",
                ]
            )  # fmt: skip


def _engine(store: LocalStore, server: ServerProcess, username: str) -> SyncEngine:
    credentials = Credentials(None)
    login = Login(server.base, username)
    credentials.remember(login, password=PASSWORD)
    return SyncEngine(store, SyncClient(server.base, read_timeout=300), credentials, login)


class PeakRss:
    """Samples this process's resident memory every 20 ms on a thread; `growth` is peak minus start."""

    def __init__(self) -> None:
        self.start = rss_bytes()
        self.peak = self.start
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, rss_bytes())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.start


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    count = 1_000 if quick else 10_000
    if pg_bin() is None:
        raise BenchError("PostgreSQL is not installed (apt-get install postgresql)")
    work = Path(tempfile.mkdtemp(prefix="tongdai1022-bench-sync-"))
    try:
        _offline_tickets(work / "offline.csv", count)
        pusher = open_bench_store(work / "pusher")
        import_tickets_csv(pusher, work / "offline.csv", operator="dtv1")
        if read_counts(pusher).pending != count:
            raise BenchError(f"{read_counts(pusher).pending:,} of {count:,} tickets waiting in the outbox")
        with cluster() as pg:
            server = ServerProcess(pg.url(pg.create_database(make_template(pg)))).start()
            try:
                log(f"sync_desktop: bare HTTP push of {count:,} tickets, then the desktop engine's")
                bare = _login(server, "bench-bare")
                started = time.perf_counter()
                _push(bare, "bench-bare", tickets(count, prefix="BARE"))
                bare_push_s = time.perf_counter() - started

                engine = _engine(pusher, server, "dtv1")
                with PeakRss() as memory:
                    started = time.perf_counter()
                    pushed = engine.push_pending()
                    push_s = time.perf_counter() - started
                if pushed != count or read_counts(pusher).pending:
                    raise BenchError(f"the engine pushed {pushed:,} of {count:,}")

                log(f"sync_desktop: {2 * count:,} changes pulled by a bare client, then by an empty desktop")
                started = time.perf_counter()
                bare_pulled, _ = _pull_all(bare)
                bare_pull_s = time.perf_counter() - started
                puller = open_bench_store(work / "puller")
                started = time.perf_counter()
                report = _engine(puller, server, "dtv2").run_cycle()
                pull_s = time.perf_counter() - started
                if report.pulled != bare_pulled or bare_pulled < 2 * count:
                    raise BenchError(f"the desktop pulled {report.pulled:,}, the bare client {bare_pulled:,}")

                engine.run_cycle()  # the pusher's own pull: from here on each cycle finds nothing new
                started = time.perf_counter()
                idle_cycles = 20
                for _ in range(idle_cycles):
                    engine.run_cycle()
                idle_ms = (time.perf_counter() - started) * 1000 / idle_cycles
                started = time.perf_counter()
                for _ in range(idle_cycles):
                    bare.get("/api/v1/sync/state").raise_for_status()
                bare_idle_ms = (time.perf_counter() - started) * 1000 / idle_cycles
                bare.close()
                pusher.close()
                puller.close()
            finally:
                server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    dataset = f"{count:,} offline tickets on one desktop, {bare_pulled:,} changes in the feed"
    yield figure(
        "sync_desktop", "desktop_push_tickets_per_s", count / push_s,
        f"bare HTTP client pushing {count:,} ready-made tickets in batches of 500 (same server, same run)",
        count / bare_push_s, n=count, dataset=dataset, target="10k offline tickets in < 5 min (>= 33/s)",
    )  # fmt: skip
    yield figure(
        "sync_desktop", "desktop_pull_changes_per_s", report.pulled / pull_s,
        "bare HTTP client reading the same pages without storing them", bare_pulled / bare_pull_s,
        n=report.pulled, dataset=dataset, target="n/a",
    )  # fmt: skip
    yield figure(
        "sync_desktop", "desktop_idle_cycle_ms", idle_ms,
        "bare GET /sync/state on an open connection", bare_idle_ms,
        n=idle_cycles, dataset=dataset, target="<= 50 ms",
    )  # fmt: skip
    yield figure(
        "sync_desktop", "push_peak_rss_growth_mb", memory.growth / 1e6,
        "resident memory of the process before the push (MB)", memory.start / 1e6,
        n=count, dataset=dataset, target="bounded: does not grow with the outbox (batches of 500)",
    )  # fmt: skip
