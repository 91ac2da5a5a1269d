"""10,000 tickets saved offline reach the real server in batches, with memory that does not grow with them."""

from __future__ import annotations

import csv
import tracemalloc
from pathlib import Path

import pytest
from server_lab import PASSWORD, Desk, ServerProcess
from sqlalchemy import text
from store_keys import open_test_store

from desktop.services.imports.importer import import_tickets_csv
from desktop.services.imports.parse import REQUIRED_COLUMNS
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from desktop.sync.state import read_counts
from protocol import MAX_BATCH

LONG_TEXT = "Công dân phản ánh đường ấp 3 xã Tân Hội xuống cấp, ổ gà nhiều, mùa mưa ngập sâu. " * 24


def write_csv(path: Path, first: int, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(REQUIRED_COLUMNS)
        for n in range(first, first + count):
            writer.writerow(
                [
                    f"DT-2025-{n:06d}",
                    "2025-03-02T08:15:00+07:00",
                    "dien_thoai",
                    f"0912 {n:06d}",
                    "Nguyễn Văn An",
                    "hoi_thong_tin",
                    "1",
                    "0",
                    "",
                    "dang_xu_ly",
                    "chua_danh_gia",
                    "",
                    f"Phiếu {n}. {LONG_TEXT}",
                ]
            )


def push_measured(store: LocalStore, server: ServerProcess) -> tuple[int, int]:
    """Pushes everything pending; returns (acknowledged, peak bytes allocated by Python meanwhile)."""
    credentials = Credentials(None)
    login = Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    engine = SyncEngine(store, SyncClient(server.base, read_timeout=120), credentials, login)
    tracemalloc.start()
    try:
        pushed = engine.push_pending()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return pushed, peak


@pytest.mark.slow
def test_ten_thousand_offline_tickets_go_in_batches_with_memory_that_does_not_grow(
    tmp_path: Path, server: ServerProcess
) -> None:
    desk = open_test_store(tmp_path / "desk")
    small, large = tmp_path / "first.csv", tmp_path / "rest.csv"
    write_csv(small, 0, 2 * MAX_BATCH)
    write_csv(large, 2 * MAX_BATCH, 10_000 - 2 * MAX_BATCH)

    import_tickets_csv(desk, small, operator="dtv1")
    pushed_small, peak_small = push_measured(desk, server)
    import_tickets_csv(desk, large, operator="dtv1")
    with desk.engine.connect() as connection:
        text_bytes = int(
            connection.execute(text("SELECT sum(length(CAST(content AS BLOB))) FROM tickets")).scalar()
        )
    pushed_large, peak_large = push_measured(desk, server)

    assert (pushed_small, pushed_large) == (2 * MAX_BATCH, 10_000 - 2 * MAX_BATCH)
    assert read_counts(desk).pending == 0
    print(
        f"\n10k push: peak {peak_large / 1e6:.1f} MB for 9,000 tickets, {peak_small / 1e6:.1f} MB for 1,000; "
        f"the tickets' text alone is {text_bytes / 1e6:.1f} MB"
    )
    assert peak_large < 1.5 * peak_small + 2_000_000  # nine times the tickets, not nine times the memory
    assert peak_large < 0.75 * text_bytes  # never the whole outbox in memory: not even its text
    _, head = Desk(server, "admin").pull_all(limit=5000)
    assert head >= 10_000
    desk.close()
