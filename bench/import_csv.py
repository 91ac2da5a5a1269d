"""`import`: the CSV importer on the data set, beside a bare SQLCipher executemany of the same rows."""

from __future__ import annotations

import csv
import json
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import REPO, Size, data_root, figure, log
from bench.dataset import cached_store, csv_for, import_into, open_bench_store, raw_connection, store_for

BARE = (
    "INSERT INTO tickets (id, code, version, received_at, channel, phone, citizen_name, citizen_address,"
    " request_type, level, is_tthc, tthc_code, unit_code, status, satisfaction, dissatisfaction_reason,"
    " content, answer, created_by, updated_by, created_at, updated_at)"
    " VALUES (?, ?, 1, ?, ?, ?, ?, '', ?, ?, ?, '', ?, ?, ?, ?, ?, '', 'bench-bare', 'bench-bare', ?, ?)"
)


def unit_codes() -> dict[str, str]:
    """The unit of every name and alias as written, exactly: what a bare loader needs for the foreign key."""
    units = json.loads((REPO / "resources/catalogs/units.json").read_text(encoding="utf-8"))["units"]
    return {name: unit["code"] for unit in units for name in [unit["name"], *unit["aliases"]]}


def bare_rows(path: Path) -> Iterator[tuple[Any, ...]]:
    units = unit_codes()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            code, at, channel, phone, name, rtype, level, tthc, unit, status, rating, reason, content = row
            yield (
                str(uuid.uuid4()), code, at, channel, phone, name, rtype, int(level), tthc == "1",
                units[unit], status, rating, reason or None, content, at, at,
            )  # fmt: skip


def bare_import(data_dir: Path, path: Path) -> float:
    """Seconds to insert the CSV's rows into the tickets table of a new store in one transaction,
    through a rollback journal as the importer writes a store nobody else has open."""
    open_bench_store(data_dir).close()
    connection = raw_connection(data_dir / "tongdai1022.sqlite3")
    started = time.perf_counter()
    connection.execute("PRAGMA journal_mode=DELETE")  # alone on the store, as the importer then is
    connection.execute("BEGIN")
    connection.executemany(BARE, bare_rows(path))
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()
    return elapsed


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    path = csv_for(size)
    root = data_root()
    cached = cached_store(size) is not None
    target = root / (f"tmp-import-{size.tickets}" if cached else f"store-{size.tickets}.building")
    shutil.rmtree(target, ignore_errors=True)
    log(f"import: {path.name} through import_tickets_csv ...")
    imported, seconds = import_into(target, path)
    log(f"import: {imported} tickets in {seconds:.1f} s")
    if cached:
        shutil.rmtree(target, ignore_errors=True)
    else:  # this import is the cached store the other benchmarks use
        store_for(size, built=(target, imported, seconds))
    bare_dir = root / f"tmp-bare-import-{size.tickets}"
    shutil.rmtree(bare_dir, ignore_errors=True)
    try:
        log("import: the same rows through a bare executemany ...")
        bare_seconds = bare_import(bare_dir, path)
    finally:
        shutil.rmtree(bare_dir, ignore_errors=True)
    log(f"import: bare executemany in {bare_seconds:.1f} s")
    yield figure(
        "import",
        "tickets_per_s",
        imported / seconds,
        "bare SQLCipher executemany of the same CSV rows into tickets, one transaction, same key, pragmas"
        " and the same rollback journal",
        size.tickets / bare_seconds,
        n=imported,
        dataset=size.label,
        target=">= 20000 tickets/s",
    )
