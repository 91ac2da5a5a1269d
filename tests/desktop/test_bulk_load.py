"""A bulk import writes a store nobody else has open through a rollback journal (its pages reach the
file once), falls back to WAL when another connection is open, and a kill in the middle of either
leaves the store as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from store_keys import open_test_store, store_key_for

from desktop.services.imports.importer import ImportAborted, import_tickets_csv
from desktop.store import cipher
from desktop.store.engine import DB_FILENAME
from desktop.store.local import LocalStore

REPO = Path(__file__).resolve().parents[2]
HEADER = (
    "ma_phieu,ngay_tiep_nhan,kenh,so_dien_thoai,ho_ten,loai_yeu_cau,cap_do,la_tthc,"
    "don_vi_xu_ly,trang_thai,danh_gia,ly_do_khong_hai_long,noi_dung"
)


def write_rows(path: Path, count: int, *, start: int = 0) -> Path:
    rows = (
        f"B-{n:06d},2021-06-01T08:00:00+07:00,dien_thoai,0912{n % 5000:06d},Khách {n},"
        f"hoi_thong_tin,1,0,,da_xu_ly,,,Hỏi đường đến trụ sở số {n}"
        for n in range(start, start + count)
    )
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def journal_of(database: Path) -> str:
    """Which journal the store is in. Its header is encrypted, so: a rollback journal is the file beside
    it while a rollback-mode transaction writes; else a new connection reads the mode the file keeps."""
    if Path(f"{database}-journal").exists():
        return "rollback"
    probe = cipher.connect(database, store_key_for(database.parent), timeout=0, isolation_level=None)
    try:
        return {"wal": "wal", "delete": "rollback"}[probe.execute("PRAGMA journal_mode").fetchone()[0]]
    finally:
        probe.close()


def test_an_import_into_a_store_nobody_else_has_open_goes_through_a_rollback_journal(
    store: LocalStore, data_dir: Path, tmp_path: Path
) -> None:
    database = data_dir / DB_FILENAME
    seen: list[str] = []

    report = import_tickets_csv(
        store,
        write_rows(tmp_path / "alone.csv", 12_000),
        operator="dtv-lan",
        parallel=False,
        progress=lambda _bytes: seen.append(journal_of(database)),
    )

    assert report.imported == 12_000
    assert set(seen) == {"rollback"}
    assert journal_of(database) == "wal"
    with store.engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert raw.execute("PRAGMA busy_timeout").fetchone() == (10_000,)
        assert raw.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_with_another_connection_open_the_import_stays_in_wal_and_that_reader_is_not_blocked(
    store: LocalStore, data_dir: Path, tmp_path: Path
) -> None:
    import_tickets_csv(store, write_rows(tmp_path / "first.csv", 10), operator="dtv-lan")
    database = data_dir / DB_FILENAME
    # A desk's window open on the same store, idle: it has read, its transaction is over.
    reader = cipher.connect(database, store.key, timeout=0, isolation_level=None)
    reader.execute("SELECT count(*) FROM tickets").fetchall()
    counted: list[tuple[str, int]] = []

    def progress(_bytes: int) -> None:
        [(count,)] = reader.execute("SELECT count(*) FROM tickets").fetchall()
        counted.append((journal_of(database), count))

    try:
        report = import_tickets_csv(
            store,
            write_rows(tmp_path / "more.csv", 12_000, start=10),
            operator="dtv-lan",
            parallel=False,
            progress=progress,
        )
        assert report.imported == 12_000
        # The reader sees the store as it was until the import commits, without waiting.
        assert counted and set(counted) == {("wal", 10)}
        assert reader.execute("SELECT count(*) FROM tickets").fetchone() == (12_010,)
    finally:
        reader.close()


def test_an_import_aborted_by_a_bad_row_leaves_the_store_in_wal_with_nothing_written(
    store: LocalStore, data_dir: Path, tmp_path: Path
) -> None:
    path = write_rows(tmp_path / "bad.csv", 12_000)
    path.write_text(path.read_text(encoding="utf-8").replace("B-011000,2021", "B-011000,hôm qua"), "utf-8")

    with pytest.raises(ImportAborted):
        import_tickets_csv(store, path, operator="dtv-lan", parallel=False)

    assert journal_of(data_dir / DB_FILENAME) == "wal"
    with store.engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        assert raw.execute("SELECT count(*) FROM tickets").fetchone() == (0,)
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


KILLED_IMPORT = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from desktop.store import engine

    engine.BULK_CACHE_KIB = -1024  # a small cache: the load spills its pages into the file early

    from desktop.services.imports.importer import ImportAborted, import_tickets_csv

    sys.path.insert(0, "tests")
    from store_keys import open_test_store

    def progress(done) -> None:
        print(done.rows_read, flush=True)

    import_tickets_csv(open_test_store(Path(sys.argv[1])), Path(sys.argv[2]), operator="dtv-kill",
                       parallel=False, progress=progress)
    print("done", flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("another_reader", [False, True], ids=["rollback-journal", "wal"])
def test_a_kill_in_the_middle_of_an_import_leaves_the_store_as_it_was(
    data_dir: Path, tmp_path: Path, another_reader: bool
) -> None:
    store = open_test_store(data_dir)
    import_tickets_csv(store, write_rows(tmp_path / "first.csv", 10), operator="dtv-lan")
    store.close()
    database = data_dir / DB_FILENAME
    reader = cipher.connect(database, store.key, isolation_level=None) if another_reader else None
    if reader is not None:  # idle, its read over: WAL connections keep a shared lock all the same
        reader.execute("SELECT count(*) FROM tickets").fetchall()
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLED_IMPORT,
            str(data_dir),
            str(write_rows(tmp_path / "big.csv", 60_000, start=10)),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        for _ in range(6):  # six chunks written, their pages partly in the file
            line = child.stdout.readline()
            assert line and line.strip().isdigit(), child.stderr.read() if child.stderr else line
        during = journal_of(database)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=10)
        if reader is not None:
            reader.close()
    assert during == ("wal" if another_reader else "rollback")

    store = open_test_store(data_dir)  # rolls the hot journal back, or ignores the uncommitted WAL
    try:
        with store.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            counts = [
                raw.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                for name in ("tickets", "ticket_history", "outbox", "ticket_fts")
            ]
            indexes = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert counts == [10, 10, 10, 10]
        assert "ix_tickets_report" in indexes and "ix_outbox_pending" in indexes  # dropped, restored
        again = import_tickets_csv(store, tmp_path / "big.csv", operator="dtv-lan")
        assert again.imported == 60_000
    finally:
        store.close()
