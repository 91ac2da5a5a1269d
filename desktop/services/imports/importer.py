"""Importing historical tickets from a CSV file (the format of DOMAIN.md) into the local store.

The file is read once, as a stream: each row is parsed and checked (`import_parse`), and the good
rows are written in chunks with sqlite3 executemany (`ticket_rows.write_bulk`, after their
citizens), all inside ONE write transaction (its lock taken at BEGIN): the ticket, its citizen, its
history row (`nhap`), its outbox mutation and its free-text index row commit together or not at all.
When a row is bad and `skip_bad` is False the reading goes on to the end (so every bad row is
reported, by line) and the transaction is rolled back: nothing is written.

Two halves, so that a large file keeps both cores busy:

- `import_parse.parsed_batches` reads and parses into `Batch`es of ready parameter tuples. It
  needs no database, only plain data (`ParseSetup`: catalogs, operator, the store's last pk).
- `_Writer` (here) does only the database work: one query for the chunk's codes already stored (a
  code already stored counts as present; one seen earlier in this file is the same line again,
  present, or a different row with the same code, bad), then one executemany per table. The
  citizen of a ticket is an upsert (new number added, empty name or address filled in) and the
  ticket finds its citizen id in the INSERT itself, and the free-text index reads its words from
  the rows just written (`TICKET_BODY_SQL`: they never cross between the processes). Rows are
  numbered as if all were new; a chunk with a row already there is numbered again.

A file of PARALLEL_MIN_BYTES or more is parsed by a worker process (multiprocessing, 'spawn': the
importing process may hold SQLite connections and Qt, so no fork) that sends its batches through a
queue of _QUEUED_BATCHES (memory stays bounded), while this process writes. An unreadable file or
a decoding error in the worker comes back as the same ImportFileError; the worker is ended and
joined whatever happens (errors, Ctrl+C). Threads would not help: sqlite3 releases and takes the GIL
again on every row. Smaller files are parsed in this process, by the same `parsed_batches`.

Memory stays bounded: a few chunks of rows at a time, caches of the small vocabularies (codes,
units, phone numbers) capped in size, and two compact arrays (8 bytes each per imported ticket) to
tell a code repeated in the file from the same line repeated. The non-unique indexes are dropped
and built again at the end (same transaction) when the file is larger than the store; a store
nobody else has open is written through a rollback journal for the load (`bulk_writer`).
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import queue
from array import array
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Index, column, func, select, table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import OperationalError

from desktop.domain.clock import now_vn
from desktop.services.catalogs import CatalogService
from desktop.services.imports.file import (
    ImportFileError as ImportFileError,  # part of this module's API
)
from desktop.services.imports.file import (
    LineReader,
    check_file_start,
    codec_for,
    header_delimiter,
    read_header,
)
from desktop.services.imports.parse import (
    MAX_REMEMBERED_NUMBERS,
    Batch,
    Columns,
    ParseSetup,
    Row,
    parse_in_worker,
    parsed_batches,
)
from desktop.services.tickets.rows import BULK_COLUMNS, write_bulk
from desktop.store.engine import bulk_writer
from desktop.store.errors import explain
from desktop.store.local import LocalStore
from desktop.store.models import Base
from desktop.store.types import VnDateTime

MAX_KEPT_PROBLEMS = 10_000


UNVERIFIED_LINES_KEPT = 5


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be imported: its physical line in the file (header = 1) and why, in Vietnamese."""

    line: int
    code: str | None
    reason: str

    def __str__(self) -> str:
        return f"dòng {self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did. `skipped_bad` counts every bad row; `problems` keeps the first 10.000."""

    total_rows: int = 0
    imported: int = 0
    already_present: int = 0
    skipped_bad: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    unverified: int = 0  # rows whose number is possible but not (yet) listed by phonenumbers: imported
    unverified_lines: list[int] = field(default_factory=list)  # the first few of them


@dataclass(frozen=True)
class ImportProgress:
    """How far an import is, after each chunk written: the file's bytes read and the rows so far."""

    bytes_read: int
    rows_read: int
    imported: int
    bad: int


class ImportCancelled(Exception):
    """Stopped on request between two chunks: the transaction was rolled back, nothing was written."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("Đã dừng nhập; không nhập phiếu nào.")
        self.report = report


class ImportAborted(Exception):
    """Bad rows and `skip_bad` False: nothing was written; `report` lists the bad rows."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.skipped_bad} dòng lỗi; không nhập phiếu nào.")
        self.report = report


# Where the writer finds what it needs in a ticket's tuple (`ticket_rows.BULK_COLUMNS` order).
_PK_AT, _CODE_AT, _PHONE_AT = (BULK_COLUMNS.index(name) for name in ("pk", "code", "phone"))
_NAME_AT, _ADDRESS_AT = (BULK_COLUMNS.index(name) for name in ("citizen_name", "citizen_address"))
# A number seen for the first time is added; a known one gets an empty name or address filled in.
_CITIZENS_SQL = (
    "INSERT INTO citizens (id, phone, name, address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (phone) DO UPDATE SET "
    "name = CASE name WHEN '' THEN excluded.name ELSE name END, "
    "address = CASE address WHEN '' THEN excluded.address ELSE address END, "
    "updated_at = excluded.updated_at "
    "WHERE (name = '' AND excluded.name != '') OR (address = '' AND excluded.address != '')"
)


# --- writing ------------------------------------------------------------------------------------

_TYPICAL_ROW_BYTES = 250
# The secondary indexes a bulk import drops and builds again at its end, in the same transaction
# (a rollback restores them): sorting once is several times cheaper than a million random inserts.
_BULK_INDEXED_TABLES = ("tickets", "ticket_history", "outbox")


def _defer_indexes(connection: Connection, expected_rows: int) -> list[Index]:
    """Drop the non-unique indexes when the file is larger than what the store already holds."""
    existing = connection.execute(text("SELECT count(*) FROM tickets")).scalar_one()
    if expected_rows < max(existing, 50_000):
        return []
    deferred = [
        index
        for name in _BULK_INDEXED_TABLES
        for index in Base.metadata.tables[name].indexes
        if not index.unique
    ]
    for index in deferred:
        index.drop(connection)
    return deferred


class _Writer:
    """Writes the batches in the import's transaction; tells repeated codes apart.

    Only database work happens here (it is what the import waits for when a worker parses): one
    query for the codes already stored, then one executemany per table of the rows as produced.
    """

    def __init__(
        self,
        connection: Connection,
        first_pk: int,
        report: ImportReport,
        problem: Callable[[int, str | None, str], None],
        expected_rows: int,
    ) -> None:
        self._connection = connection
        self._cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self._report = report
        self._problem = problem
        self._first_pk = first_pk
        self._next_pk = first_pk + 1
        # Per imported ticket, by pk - first_pk - 1: its line and the hash of its CSV record.
        self._lines = array("q")
        self._digests = array("q")
        self._in_sql: dict[int, str] = {}
        self._citizens_known: dict[str, tuple[bool, bool]] = {}  # number -> (has a name, has an address)
        self._deferred_indexes = _defer_indexes(connection, expected_rows)

    def finish(self) -> None:
        """Build the indexes dropped for a bulk import, inside the same transaction."""
        self._cursor.close()
        for index in self._deferred_indexes:
            index.create(self._connection)

    def write(self, batch: Batch) -> None:
        report = self._report
        report.total_rows += batch.total_rows
        for line, code, reason in batch.problems:
            self._problem(line, code, reason)
        if batch.unverified_lines:
            report.unverified += len(batch.unverified_lines)
            room = UNVERIFIED_LINES_KEPT - len(report.unverified_lines)
            report.unverified_lines.extend(batch.unverified_lines[: max(room, 0)])
        if not batch.tickets:
            return
        self._keep_new(batch)
        tickets = batch.tickets
        if not tickets:
            return
        last_pk = self._next_pk + len(tickets) - 1
        # Rows already there (before or inside this chunk) left a gap in the worker's numbering.
        if tickets[0][_PK_AT] != self._next_pk or tickets[-1][_PK_AT] != last_pk:
            pks = range(self._next_pk, self._next_pk + len(tickets))
            tickets = [(pk, *row[1:]) for pk, row in zip(pks, tickets, strict=True)]
        cursor = self._cursor
        cursor.executemany(_CITIZENS_SQL, self._citizens_to_write(batch.citizens))
        write_bulk(cursor, tickets, batch.history, batch.outbox, (self._next_pk, last_pk))
        self._lines.extend(batch.lines)
        self._digests.extend(batch.digests)
        self._next_pk += len(tickets)
        report.imported += len(tickets)

    def _citizens_to_write(self, rows: list[Row]) -> list[Row]:
        """The citizen rows that can change something: a number not written yet by this import, or
        one whose name or address is still empty and this row has it (most rows are neither)."""
        known = self._citizens_known
        if len(known) >= MAX_REMEMBERED_NUMBERS:
            known.clear()  # forgetting only costs rows written again
        needed = []
        for row in rows:
            _id, phone, name, address = row[:4]
            has = known.get(phone)
            if has is None or (name and not has[0]) or (address and not has[1]):
                needed.append(row)
                known[phone] = (
                    bool(name) or (has is not None and has[0]),
                    bool(address) or (has is not None and has[1]),
                )
        return needed

    def _keep_new(self, batch: Batch) -> None:
        """Drop from the batch the rows whose code is not new: a code already stored counts as
        present, one from this file is the same line again (present) or a different row with the
        same code (a bad row)."""
        codes = [row[_CODE_AT] for row in batch.tickets]
        sql = self._in_sql.get(len(codes))
        if sql is None:
            marks = ", ".join("?" * len(codes))
            sql = self._in_sql[len(codes)] = f"SELECT code, pk FROM tickets WHERE code IN ({marks})"
        found = self._cursor.execute(sql, codes).fetchall()
        if not found and len(set(codes)) == len(codes):
            return  # the usual case: every row is new
        seen: dict[str, tuple[int, int]] = {}  # code -> (line, digest); line 0: stored before
        for code, pk in found:
            ordinal = pk - self._first_pk - 1
            seen[code] = (self._lines[ordinal], self._digests[ordinal]) if ordinal >= 0 else (0, 0)
        kept: list[int] = []
        for position, (code, line, digest) in enumerate(zip(codes, batch.lines, batch.digests, strict=True)):
            first = seen.get(code)
            if first is None:
                seen[code] = (line, digest)
                kept.append(position)
            elif first[0] == 0 or first[1] == digest:
                self._report.already_present += 1
            else:
                self._problem(line, code, f"trùng mã phiếu với dòng {first[0]}")
        tickets, citizen_ids, history, outbox = batch.tickets, batch.citizen_ids, batch.history, batch.outbox
        batch.tickets = [tickets[position] for position in kept]
        batch.citizen_ids = [citizen_ids[position] for position in kept]
        batch.history = [history[position] for position in kept]
        batch.outbox = [outbox[position] for position in kept]
        batch.lines = array("q", (batch.lines[position] for position in kept))
        batch.digests = array("q", (batch.digests[position] for position in kept))
        now = history[0][1]
        batch.citizens = [
            (citizen_id, row[_PHONE_AT], row[_NAME_AT], row[_ADDRESS_AT], now, now)
            for citizen_id, row in zip(batch.citizen_ids, batch.tickets, strict=True)
            if row[_PHONE_AT]
        ]


# --- the worker process ---------------------------------------------------------------------------

# Files this large are parsed by a worker process while this one writes (starting it takes ~0.3 s).
PARALLEL_MIN_BYTES = 4 << 20
_QUEUED_BATCHES = 3
_WORKER_POLL_SECONDS = 0.5


def _batches_from_worker(path: Path, codec: str, setup: ParseSetup) -> Generator[Batch, None, None]:
    """The batches of `parsed_batches`, produced by a worker process; it never outlives the iteration."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue(maxsize=_QUEUED_BATCHES)
    worker = context.Process(
        target=parse_in_worker,
        args=(str(path), codec, setup, out),
        name="tongdai1022-import-parser",
        daemon=True,
    )
    worker.start()
    try:
        while True:
            try:
                kind, payload = out.get(timeout=_WORKER_POLL_SECONDS)
            except queue.Empty:
                if worker.is_alive():
                    continue
                try:  # its last words may have arrived just as it ended
                    kind, payload = out.get(timeout=_WORKER_POLL_SECONDS)
                except queue.Empty:
                    raise RuntimeError(
                        f"Tiến trình đọc tệp dừng bất thường (mã thoát {worker.exitcode})."
                    ) from None
            if kind == "batch":
                yield payload
            elif kind == "end":
                return
            elif kind == "file-error":
                raise ImportFileError(payload)
            else:
                raise RuntimeError(f"Tiến trình đọc tệp gặp lỗi:\n{payload}")
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join()
        worker.close()
        out.close()
        out.join_thread()


# --- the import ---------------------------------------------------------------------------------


def import_tickets_csv(
    store: LocalStore,
    path: Path,
    *,
    operator: str,
    skip_bad: bool = False,
    encoding: str = "utf-8",
    progress: Callable[[ImportProgress], None] | None = None,
    stop_requested: Callable[[], bool] | None = None,
    parallel: bool | None = None,
) -> ImportReport:
    """Import the tickets of a CSV file; raises ImportFileError (unreadable) or ImportAborted (bad rows).

    `progress` hears after each chunk; `stop_requested` is asked after each chunk, and True ends the
    import with ImportCancelled, rolled back (once the last chunk is written the import completes).
    `parallel`: parse in a worker process while this one writes (None: when the file is at least
    PARALLEL_MIN_BYTES).
    """
    codec = codec_for(encoding)
    report = ImportReport()
    kept = report.problems

    def problem(line: int, code: str | None, reason: str) -> None:
        report.skipped_bad += 1
        if len(kept) < MAX_KEPT_PROBLEMS:
            kept.append(RowProblem(line, code or None, reason))

    try:
        binary = path.open("rb")
    except FileNotFoundError as error:
        raise ImportFileError(f"Không có tệp «{path}».") from error
    except IsADirectoryError as error:
        raise ImportFileError(f"«{path}» là một thư mục, không phải tệp CSV.") from error
    except OSError as error:
        raise ImportFileError(f"Không mở được tệp «{path}»: {error.strerror or error}.") from error
    with binary:
        size = os.fstat(binary.fileno()).st_size
        if parallel is None:
            parallel = size >= PARALLEL_MIN_BYTES
        check_file_start(binary.peek(4)[:4] if isinstance(binary, io.BufferedReader) else b"", codec)
        lines = LineReader(binary, codec)
        reader = csv.reader(lines, strict=True, delimiter=header_delimiter(path, codec))
        columns = Columns(read_header(reader))
        catalogs = CatalogService(store)
        aliases, calendar, deadline_days = (
            catalogs.unit_aliases(),
            catalogs.work_calendar(),
            catalogs.deadline_days(),
        )
        try:
            with bulk_writer(store.engine) as connection:  # the write lock, up front
                first_pk = connection.execute(select(func.coalesce(func.max(_TICKETS.c.pk), 0))).scalar_one()
                setup = ParseSetup(
                    columns,
                    aliases,
                    calendar,
                    deadline_days,
                    operator,
                    _stored_time(now_vn()),
                    json.dumps(path.name, ensure_ascii=False),
                    first_pk,
                    BULK_COLUMNS,
                )
                batches: Generator[Batch, None, None]
                if parallel:
                    batches = _batches_from_worker(path, codec, setup)
                else:
                    batches = parsed_batches(reader, lines, setup)
                rows = _Writer(connection, first_pk, report, problem, size // _TYPICAL_ROW_BYTES)
                try:
                    for batch in batches:
                        rows.write(batch)
                        if progress is not None:
                            progress(
                                ImportProgress(
                                    batch.bytes_read, report.total_rows, report.imported, report.skipped_bad
                                )
                            )
                        if stop_requested is not None and stop_requested():
                            report.imported = 0
                            raise ImportCancelled(report)  # leaves the transaction: rolled back
                finally:
                    batches.close()  # ends the worker if any, even on an exception
                kept.sort(key=lambda item: item.line)
                if report.skipped_bad and not skip_bad:
                    report.imported = 0
                    raise ImportAborted(report)
                rows.finish()
        except OperationalError as error:
            raise explain(error) from error
    store.outbox_written()
    return report


def _stored_time(moment: datetime) -> str:
    """A timestamp in the text form the store keeps (VnDateTime's, `2021-11-01T08:30:00+07:00`)."""
    stored = _VN_DATETIME.process_bind_param(moment, _SQLITE)
    assert stored is not None
    return stored


_VN_DATETIME = VnDateTime()
_SQLITE = sqlite.dialect()
_TICKETS = table("tickets", column("pk"))
