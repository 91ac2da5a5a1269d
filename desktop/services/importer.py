"""Importing historical tickets from a CSV file (the format of DOMAIN.md) into the local store.

The file is read once, as a stream: each row is parsed and checked in Python (codes with the enums'
`.parse`, the unit through its aliases, the phone number, `validate_draft`), and the good rows are
written in chunks of CHUNK_ROWS with sqlite3 executemany, all inside ONE write transaction (its lock
taken at BEGIN): the ticket, its citizen, its history row (`nhap`), its outbox mutation and its
free-text index row commit together or not at all. When a row is bad and `skip_bad` is False the
reading goes on to the end (so every bad row is reported, by line) and the transaction is rolled
back: nothing is written.

Two halves, so that a large file keeps both cores busy:

- `_batches` reads and parses: it turns the rows into `_Batch`es of ready parameter tuples (ids,
  numbering, the search words, the history and outbox rows all computed there), plus the bad rows.
  It needs no database, only plain data (`_Setup`: catalogs, operator, the store's last pk).
- `_Writer` does only the database work: one query for the chunk's codes already stored (a code
  already stored counts as present; one seen earlier in this file is the same line again, present,
  or a different row with the same code, bad), then one executemany per table. The citizen of a
  ticket is an upsert (new number added, empty name or address filled in) and the ticket finds its
  citizen id in the INSERT itself. Rows are numbered as if all were new; after a row already there,
  the writer numbers the following ones again.

A file of PARALLEL_MIN_BYTES or more is parsed by a worker process (multiprocessing, 'spawn': the
importing process may hold SQLite connections and Qt, so no fork) that sends its batches through a
queue of _QUEUED_BATCHES (memory stays bounded), while this process writes. An unreadable file or
a decoding error in the worker comes back as the same ImportFileError; the worker is ended and
joined whatever happens (errors, Ctrl+C). Threads would not help: sqlite3 releases and takes the GIL
again on every row. Smaller files are parsed in this process, by the same `_batches`.

Memory stays bounded: a few chunks of rows at a time, caches of the small vocabularies (codes,
units, phone numbers) capped in size, and two compact arrays (8 bytes each per imported ticket) to
tell a code repeated in the file from the same line repeated. The non-unique indexes are dropped
and built again at the end (same transaction) when the file is larger than the store.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import queue
import signal
import time
import traceback
import unicodedata
from array import array
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import phonenumbers
from sqlalchemy import Connection, Index, column, func, select, table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import OperationalError

from desktop.domain.clock import VN_TZ, now_vn
from desktop.domain.codes import (
    Channel,
    DissatisfactionReason,
    HistoryAction,
    Level,
    RequestType,
    Satisfaction,
    TicketStatus,
)
from desktop.domain.phone import InvalidPhoneNumber, normalize_phone
from desktop.domain.text import fold
from desktop.domain.ticket import TicketDraft, validate_draft
from desktop.domain.workdays import WorkCalendar
from desktop.services.catalogs import CatalogService
from desktop.services.import_file import (
    ImportFileError as ImportFileError,  # part of this module's API
)
from desktop.services.import_file import (
    LineReader,
    check_file_start,
    codec_for,
    csv_reason,
    read_header,
)
from desktop.services.tickets import stored_fields, ticket_search_body
from desktop.store.engine import bulk_writer
from desktop.store.errors import explain
from desktop.store.local import LocalStore
from desktop.store.models import Base
from desktop.store.types import VnDateTime

REQUIRED_COLUMNS = (
    "ma_phieu",
    "ngay_tiep_nhan",
    "kenh",
    "so_dien_thoai",
    "ho_ten",
    "loai_yeu_cau",
    "cap_do",
    "la_tthc",
    "don_vi_xu_ly",
    "trang_thai",
    "danh_gia",
    "ly_do_khong_hai_long",
    "noi_dung",
)
# Read when present (exports of some provinces have them); any other column is ignored.
OPTIONAL_COLUMNS = ("ma_tthc", "tra_loi", "dia_chi")
CHUNK_ROWS = 5_000
MAX_REMEMBERED_NUMBERS = 200_000
MAX_KEPT_PROBLEMS = 10_000
CODE_MAX_LENGTH = 40

_SEVEN_HOURS = timedelta(hours=7)
# validate_draft checks the phone with normalize_phone, whose cache a million distinct numbers would
# defeat; the importer has already normalised the number, so the draft it validates carries a number
# known to be valid (normalised once, then cached) in its place.
_VALID_PHONE_STAND_IN = "1022"


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


class ImportAborted(Exception):
    """Bad rows and `skip_bad` False: nothing was written; `report` lists the bad rows."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.skipped_bad} dòng lỗi; không nhập phiếu nào.")
        self.report = report


# --- parsing cells -------------------------------------------------------------------------------

E = TypeVar("E", bound=Enum)


class _Codes(Generic[E]):
    """A code column: the code or its Vietnamese label (the enum's `.parse`), remembered."""

    def __init__(self, what: str, parse: Callable[[str], E], members: list[E]) -> None:
        self._what = what
        self._parse = parse
        self._allowed = ", ".join(str(member.value) for member in members)
        self.known: dict[str, E] = {}

    def parse(self, raw: str) -> E | str:
        """The member, or the reason (in Vietnamese) it is not one."""
        try:
            member = self._parse(_nfc(raw))
        except ValueError:
            return f"{self._what} «{raw}» không hợp lệ; các mã được chấp nhận: {self._allowed}"
        if len(self.known) < 1000:
            self.known[raw] = member
        return member


def _codes(enum: type[E], what: str) -> _Codes[E]:
    parse: Callable[[str], E] = enum.parse  # type: ignore[attr-defined]
    return _Codes(what, parse, list(enum))


_LEVELS: dict[str, Level] = {str(int(level)): level for level in Level}
_LEVELS.update({fold(level.label): level for level in Level})
_TTHC = {"0": False, "1": True, "khong": False, "co": True}


@cache
def _mobile_prefixes() -> frozenset[str]:
    """First three national digits of the valid 9-digit Vietnamese mobile numbers, from phonenumbers.

    In phonenumbers' metadata the validity of a 9-digit national number starting 3, 5, 7, 8 or 9 is
    decided by its first three digits; a prefix is taken only if every sample number under it is valid.
    """
    prefixes = set()
    for first in "35789":
        for rest in range(100):
            prefix = f"{first}{rest:02d}"
            if all(
                phonenumbers.is_valid_number(phonenumbers.parse(f"+84{prefix}{tail}", None))
                for tail in ("000000", "999999", "123456", "987654", "505050")
            ):
                prefixes.add(prefix)
    return frozenset(prefixes)


def fast_vn_mobile(raw: str) -> str | None:
    """`normalize_phone(raw)` for the common forms of a Vietnamese mobile number, else None.

    0912345678, 0912 345 678, 0912.345.678, 84912345678, +84912345678: the same E.164 as
    normalize_phone gives, without phonenumbers' ~30 µs; anything else (landlines, short codes,
    other separators, invalid numbers) returns None for normalize_phone to decide.
    """
    compact = raw if raw.isdigit() else raw.replace(" ", "").replace(".", "").replace("-", "")
    size = len(compact)
    if size == 10 and compact[0] == "0":
        national = compact[1:]
    elif size == 11 and compact[:2] == "84":
        national = compact[2:]
    elif size == 12 and compact[:3] == "+84":
        national = compact[3:]
    else:
        return None
    if national[:3] in _mobile_prefixes() and national.isascii() and national.isdigit():
        return "+84" + national
    return None


def _nfc(text: str) -> str:
    """Precomposed Vietnamese (a Windows-1258 file or a Mac decomposes the tones): as typed in the desk."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


@dataclass
class _Row:
    """A good row waiting for its chunk to be written."""

    line: int
    digest: int
    values: dict[str, Any]


class _Columns:
    """Where each known column is in the file, from the header row."""

    def __init__(self, header: list[str]) -> None:
        names = [name.strip().lstrip("\ufeff").casefold() for name in header]
        if any("\x00" in name for name in names):
            raise ImportFileError(
                "Tệp có vẻ được lưu bằng bảng mã UTF-16 (có ký tự NUL ở dòng tiêu đề). "
                "Hãy lưu lại tệp dạng «CSV UTF-8» hoặc chạy lại với --encoding utf-16."
            )
        repeated = sorted({name for name in names if name and names.count(name) > 1})
        if repeated:
            raise ImportFileError(
                f"dòng 1: cột {', '.join(repeated)} xuất hiện nhiều lần trong dòng tiêu đề."
            )
        missing = [name for name in REQUIRED_COLUMNS if name not in names]
        if missing:
            raise ImportFileError(
                f"dòng 1: tệp thiếu cột {', '.join(missing)}. Dòng tiêu đề cần có các cột: "
                f"{', '.join(REQUIRED_COLUMNS)}."
            )
        self.count = len(names)
        self.index = {
            name: names.index(name) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if name in names
        }


class _RowParser:
    """One CSV record to the stored values of a ticket, or the reasons it is bad (in Vietnamese)."""

    def __init__(self, setup: _Setup) -> None:
        self._columns = setup.columns
        self._aliases = setup.aliases
        self._units: dict[str, str] = {}
        self._calendar = setup.calendar
        self._deadline_days = setup.deadline_days
        self._deadlines: dict[tuple[date, Level], str] = {}
        self._phones: dict[str, str] = {}
        self._channel = _codes(Channel, "kênh")
        self._request_type = _codes(RequestType, "loại yêu cầu")
        self._status = _codes(TicketStatus, "trạng thái")
        self._satisfaction = _codes(Satisfaction, "đánh giá")
        self._reason = _codes(DissatisfactionReason, "lý do không hài lòng")
        self._fixed = {
            "version": 1,
            "field_code": None,
            "call_id": None,
            "created_by": setup.operator,
            "updated_by": setup.operator,
            "created_at": setup.now_text,
            "updated_at": setup.now_text,
        }
        get = setup.columns.index.get
        self._optional = (get("ma_tthc"), get("tra_loi"), get("dia_chi"))

    def parse(self, record: list[str]) -> dict[str, Any] | list[str]:
        index = self._columns.index
        errors: list[str] = []
        code = record[index["ma_phieu"]].strip()
        if not code:
            errors.append("thiếu mã phiếu")
        elif len(code) > CODE_MAX_LENGTH:
            errors.append(f"mã phiếu «{code}» dài quá {CODE_MAX_LENGTH} ký tự")

        received_raw = record[index["ngay_tiep_nhan"]].strip()
        received: datetime | None = None
        try:
            received = datetime.fromisoformat(received_raw)
        except ValueError:
            errors.append(
                f"ngày tiếp nhận «{received_raw}» không phải thời điểm ISO 8601 "
                "(ví dụ 2021-11-01T08:30:00+07:00)"
            )
        else:
            if received.utcoffset() is None:
                errors.append(
                    f"ngày tiếp nhận «{received_raw}» thiếu múi giờ (cần dạng 2021-11-01T08:30:00+07:00)"
                )
                received = None
            elif received.utcoffset() != _SEVEN_HOURS:
                received = received.astimezone(VN_TZ)

        raw = record[index["kenh"]].strip()
        channel = self._channel.known.get(raw) or self._channel.parse(raw)
        raw = record[index["loai_yeu_cau"]].strip()
        request_type = self._request_type.known.get(raw) or self._request_type.parse(raw)
        raw = record[index["trang_thai"]].strip()
        status = self._status.known.get(raw) or self._status.parse(raw)
        raw = record[index["danh_gia"]].strip()
        satisfaction = (
            (self._satisfaction.known.get(raw) or self._satisfaction.parse(raw))
            if raw
            else Satisfaction.NOT_RATED
        )
        raw = record[index["ly_do_khong_hai_long"]].strip()
        reason = (self._reason.known.get(raw) or self._reason.parse(raw)) if raw else None
        for parsed in (channel, request_type, status, satisfaction, reason):
            if parsed is not None and not isinstance(parsed, Enum):  # members are str too
                errors.append(parsed)

        raw = record[index["cap_do"]].strip()
        level = _LEVELS.get(raw) or _LEVELS.get(fold(raw))
        if level is None:
            errors.append(f"cấp độ «{raw}» không hợp lệ (1-4)")
        raw = record[index["la_tthc"]].strip()
        is_tthc = _TTHC.get(raw)
        if is_tthc is None:
            is_tthc = _TTHC.get(fold(raw))
            if is_tthc is None:
                errors.append(f"cột la_tthc «{raw}» không hợp lệ (0 hoặc 1)")

        raw = record[index["don_vi_xu_ly"]].strip()
        unit_code: str | None = None
        if raw:
            unit_code = self._units.get(raw)
            if unit_code is None:
                unit_code = self._aliases.get(fold(raw))
                if unit_code is None:
                    errors.append(f"đơn vị xử lý «{raw}» không có trong danh mục (kể cả tên cũ)")
                elif len(self._units) < 10_000:
                    self._units[raw] = unit_code

        raw = record[index["so_dien_thoai"]]
        phone = ""
        if raw.strip():
            phone = self._phones.get(raw) or fast_vn_mobile(raw) or ""
            if not phone:
                try:
                    phone = normalize_phone(raw)
                except InvalidPhoneNumber as error:
                    errors.append(str(error))
                else:
                    if len(self._phones) >= 100_000:
                        self._phones.clear()
                    self._phones[raw] = phone

        if errors:
            return errors
        assert received is not None and level is not None and is_tthc is not None
        assert isinstance(channel, Channel) and isinstance(request_type, RequestType)
        assert isinstance(status, TicketStatus) and isinstance(satisfaction, Satisfaction)
        assert reason is None or isinstance(reason, DissatisfactionReason)
        tthc_at, answer_at, address_at = self._optional
        tthc_code = record[tthc_at].strip() if tthc_at is not None else ""
        draft = TicketDraft(
            content=_nfc(record[index["noi_dung"]]),
            phone=_VALID_PHONE_STAND_IN if phone else "",
            citizen_name=_nfc(record[index["ho_ten"]]),
            citizen_address=_nfc(record[address_at]) if address_at is not None else "",
            channel=channel,
            request_type=request_type,
            level=level,
            is_tthc=is_tthc,
            tthc_code=tthc_code,
            unit_code=unit_code,
            answer=_nfc(record[answer_at]) if answer_at is not None else "",
            status=status,
            satisfaction=satisfaction,
            dissatisfaction_reason=reason,
        )
        for problem in validate_draft(draft, require_answer_when_resolved=False):
            # The historical format has no TTHC code column: "la_tthc = 1" alone is accepted.
            if problem.field == "tthc_code" and not tthc_code:
                continue
            errors.append(problem.message)
        if errors:
            return errors

        received_text = _stored_time(received)
        key = (received.date(), level)
        deadline = self._deadlines.get(key)
        if deadline is None:
            days = self._deadline_days.get(int(level), 0)
            deadline = self._deadlines[key] = self._calendar.add_working_days(key[0], days).isoformat()
        values = stored_fields(draft)
        values.update(self._fixed)
        values["code"] = code
        values["received_at"] = received_text
        values["phone"] = phone
        values["deadline"] = deadline
        # The file does not say when a resolved ticket was resolved: its reception is the best known.
        values["resolved_at"] = received_text if status is TicketStatus.RESOLVED else None
        return values


# --- producing batches of ready rows (in this process or in the worker) ------------------------


@dataclass(frozen=True)
class _Setup:
    """What parsing and numbering need, as plain data a worker process can receive."""

    columns: _Columns
    aliases: dict[str, str]
    calendar: WorkCalendar
    deadline_days: dict[int, int]
    operator: str
    now_text: str
    source: str  # the file's name, as JSON (history and outbox say where a ticket came from)
    first_pk: int  # the store's largest pk when the import began: the rows are numbered after it


# The tickets columns in the order of a row tuple: citizen_id is looked up by the INSERT itself.
_TICKET_VALUES = tuple(
    column.name for column in Base.metadata.tables["tickets"].columns if column.name != "citizen_id"
)
_PK_AT, _CODE_AT, _PHONE_AT = (_TICKET_VALUES.index(name) for name in ("pk", "code", "phone"))
_NAME_AT, _ADDRESS_AT = (_TICKET_VALUES.index(name) for name in ("citizen_name", "citizen_address"))
_PHONE_PARAM = f"?{_PHONE_AT + 1}"
_TICKETS_SQL = (
    f"INSERT INTO tickets ({', '.join(_TICKET_VALUES)}, citizen_id) VALUES "
    f"({', '.join(f'?{position}' for position in range(1, len(_TICKET_VALUES) + 1))}, "
    f"CASE WHEN {_PHONE_PARAM} = '' THEN NULL "
    f"ELSE (SELECT id FROM citizens WHERE phone = {_PHONE_PARAM}) END)"
)
# A number seen for the first time is added; a known one gets an empty name or address filled in.
_CITIZENS_SQL = (
    "INSERT INTO citizens (id, phone, name, address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (phone) DO UPDATE SET "
    "name = CASE name WHEN '' THEN excluded.name ELSE name END, "
    "address = CASE address WHEN '' THEN excluded.address ELSE address END, "
    "updated_at = excluded.updated_at "
    "WHERE (name = '' AND excluded.name != '') OR (address = '' AND excluded.address != '')"
)
_HISTORY_SQL = "INSERT INTO ticket_history (ticket_id, at, actor, action, changes) VALUES (?, ?, ?, ?, ?)"
_OUTBOX_SQL = (
    "INSERT INTO outbox (mutation_id, entity, entity_id, op, base_version, payload, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_FTS_SQL = "INSERT INTO ticket_fts(rowid, body) VALUES (?, ?)"
Row = tuple[Any, ...]


@dataclass
class _Batch:
    """A chunk of the file, parsed: its good rows ready for executemany, its bad rows, where it ends.

    The rows are numbered (pk) as if every good row were new; the writer renumbers the rare chunk
    after a row that turned out to be already there.
    """

    tickets: list[Row] = field(default_factory=list)  # in _TICKET_VALUES order
    citizen_ids: list[str] = field(default_factory=list)  # per ticket: the id if its number is new
    citizens: list[Row] = field(default_factory=list)  # the tickets with a phone: _CITIZENS_SQL
    history: list[Row] = field(default_factory=list)
    outbox: list[Row] = field(default_factory=list)
    bodies: list[tuple[int, str]] = field(default_factory=list)  # (pk, words for the index)
    lines: array[int] = field(default_factory=lambda: array("q"))
    digests: array[int] = field(default_factory=lambda: array("q"))
    problems: list[tuple[int, str | None, str]] = field(default_factory=list)
    total_rows: int = 0
    bytes_read: int = 0


class _OrderedIds:
    """New UUIDs (version 7, RFC 9562) in increasing order: the import's time (ms), a 36-bit counter,
    and 38 random bits drawn once per import. Two imports differ by time or by those bits; the ids of
    one import, by the counter.

    Ids that increase append to the indexes on tickets.id, ticket_history.ticket_id and the outbox
    instead of landing on random pages of them, which matters for a million rows.
    """

    def __init__(self) -> None:
        millis = "%012x" % (time.time_ns() // 1_000_000)
        self._time = f"{millis[:8]}-{millis[8:]}-7"
        noise = int.from_bytes(os.urandom(5), "big")  # 40 bits, 38 used
        self._clock = "%04x" % (0x8000 | (noise >> 24) & 0x3FFF)  # the variant (0b10), 14 random bits
        self._tail = "%06x" % (noise & 0xFF_FFFF)
        self._counter = 0

    def take(self, count: int) -> list[str]:
        head, clock, tail = self._time, self._clock, self._tail
        first = self._counter + 1
        self._counter += count
        if self._counter >= 1 << 36:
            raise OverflowError("more ids than one import can number")
        # The counter's top 12 bits after the version, its low 24 bits before the random tail.
        return [
            f"{head}{counter >> 24:03x}-{clock}-{counter & 0xFF_FFFF:06x}{tail}"
            for counter in range(first, self._counter + 1)
        ]


def _batches(reader: Any, lines: LineReader, setup: _Setup) -> Generator[_Batch, None, None]:
    """The rows after the header, CHUNK_ROWS good rows at a time, parsed and ready to write."""
    columns = setup.columns
    expected = columns.count
    code_at = columns.index["ma_phieu"]
    parse = _RowParser(setup).parse
    ids = _OrderedIds()
    pool: list[str] = []
    citizen_ids: dict[str, str] = {}
    source, operator, now = setup.source, setup.operator, setup.now_text
    imported = HistoryAction.IMPORTED.value
    pk = setup.first_pk
    batch = _Batch()
    last_line = reader.line_num
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            batch.total_rows += 1
            batch.problems.append((last_line + 1, None, csv_reason(error)))
            last_line = reader.line_num
            continue
        line = last_line + 1
        last_line = reader.line_num
        if len(record) != expected:
            if not any(cell.strip() for cell in record):
                continue  # an empty line
            batch.total_rows += 1
            code = record[code_at].strip() if len(record) > code_at else None
            if len(record) < expected:
                reason = f"thiếu cột: dòng có {len(record)} ô, dòng tiêu đề có {expected} cột"
            else:
                reason = (
                    f"thừa cột: dòng có {len(record)} ô, dòng tiêu đề có {expected} cột "
                    "(ô có dấu phẩy phải đặt trong ngoặc kép)"
                )
            batch.problems.append((line, code, reason))
            continue
        batch.total_rows += 1
        values = parse(record)
        if isinstance(values, list):
            reason = "; ".join(reason.rstrip(".") for reason in values)
            batch.problems.append((line, record[code_at].strip(), reason))
            continue
        pk += 1
        if len(pool) < 3:
            pool = ids.take(3 * CHUNK_ROWS)
            pool.reverse()
        ticket_id, mutation_id = pool.pop(), pool.pop()
        values["pk"] = pk
        values["id"] = ticket_id
        batch.tickets.append(tuple(map(values.__getitem__, _TICKET_VALUES)))
        phone = values["phone"]
        # The id the number's citizen gets if it is new: the same for every row with the number.
        citizen_id = citizen_ids.get(phone)
        if citizen_id is None:
            citizen_id = pool.pop()
            if len(citizen_ids) >= MAX_REMEMBERED_NUMBERS:
                citizen_ids.clear()
            citizen_ids[phone] = citizen_id
        batch.citizen_ids.append(citizen_id)
        if phone:
            batch.citizens.append(
                (citizen_id, phone, values["citizen_name"], values["citizen_address"], now, now)
            )
        # The imported row is the ticket's first version; history says where it came from, and the
        # sync reads the ticket itself rather than a second copy of a million tickets in the outbox.
        source_line = f'{{"tep": {source}, "dong": {line}}}'
        batch.history.append((ticket_id, now, operator, imported, source_line))
        batch.outbox.append((mutation_id, "ticket", ticket_id, "import", 0, source_line, now))
        batch.bodies.append((pk, ticket_search_body(values)))
        batch.lines.append(line)
        batch.digests.append(hash(tuple(record)))
        if len(batch.tickets) >= CHUNK_ROWS:
            batch.bytes_read = lines.bytes_read
            yield batch
            batch = _Batch()
    batch.bytes_read = lines.bytes_read
    yield batch


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

    def write(self, batch: _Batch) -> None:
        report = self._report
        report.total_rows += batch.total_rows
        for line, code, reason in batch.problems:
            self._problem(line, code, reason)
        if not batch.tickets:
            return
        self._keep_new(batch)
        tickets = batch.tickets
        if not tickets:
            return
        if tickets[0][_PK_AT] != self._next_pk:  # rows before were already there: number again
            pks = range(self._next_pk, self._next_pk + len(tickets))
            tickets = [(pk, *row[1:]) for pk, row in zip(pks, tickets, strict=True)]
            batch.bodies = [(pk, body) for pk, (_, body) in zip(pks, batch.bodies, strict=True)]
        cursor = self._cursor
        cursor.executemany(_CITIZENS_SQL, self._citizens_to_write(batch.citizens))
        cursor.executemany(_TICKETS_SQL, tickets)
        cursor.executemany(_HISTORY_SQL, batch.history)
        cursor.executemany(_OUTBOX_SQL, batch.outbox)
        cursor.executemany(_FTS_SQL, batch.bodies)
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

    def _keep_new(self, batch: _Batch) -> None:
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
        tickets, citizen_ids, history, outbox, bodies = (
            batch.tickets,
            batch.citizen_ids,
            batch.history,
            batch.outbox,
            batch.bodies,
        )
        batch.tickets = [tickets[position] for position in kept]
        batch.citizen_ids = [citizen_ids[position] for position in kept]
        batch.history = [history[position] for position in kept]
        batch.outbox = [outbox[position] for position in kept]
        batch.bodies = [bodies[position] for position in kept]
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


def _parse_in_worker(path: str, codec: str, setup: _Setup, out: Any) -> None:
    """The worker process: reads and parses the file, puts its batches on `out`, then ("end", None).

    A file it cannot read is ("file-error", message); anything else that goes wrong, ("crash", text).
    Ctrl+C is the importing process's to handle: it ends the worker.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with open(path, "rb") as binary:
            lines = LineReader(binary, codec)
            reader = csv.reader(lines, strict=True)
            read_header(reader)
            for batch in _batches(reader, lines, setup):
                out.put(("batch", batch))
        out.put(("end", None))
    except ImportFileError as error:
        out.put(("file-error", str(error)))
    except BaseException:  # reported to the importing process, which raises it
        out.put(("crash", traceback.format_exc()))


def _batches_from_worker(path: Path, codec: str, setup: _Setup) -> Generator[_Batch, None, None]:
    """The batches of `_batches`, produced by a worker process; it never outlives the iteration."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue(maxsize=_QUEUED_BATCHES)
    worker = context.Process(
        target=_parse_in_worker,
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
    progress: Callable[[int], None] | None = None,
    parallel: bool | None = None,
) -> ImportReport:
    """Import the tickets of a CSV file; raises ImportFileError (unreadable) or ImportAborted (bad rows).

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
        reader = csv.reader(lines, strict=True)
        columns = _Columns(read_header(reader))
        catalogs = CatalogService(store)
        aliases, calendar, deadline_days = (
            catalogs.unit_aliases(),
            catalogs.work_calendar(),
            catalogs.deadline_days(),
        )
        try:
            with bulk_writer(store.engine) as connection:  # the write lock, up front
                first_pk = connection.execute(select(func.coalesce(func.max(_TICKETS.c.pk), 0))).scalar_one()
                setup = _Setup(
                    columns,
                    aliases,
                    calendar,
                    deadline_days,
                    operator,
                    _stored_time(now_vn()),
                    json.dumps(path.name, ensure_ascii=False),
                    first_pk,
                )
                batches: Generator[_Batch, None, None]
                if parallel:
                    batches = _batches_from_worker(path, codec, setup)
                else:
                    batches = _batches(reader, lines, setup)
                rows = _Writer(connection, first_pk, report, problem, size // _TYPICAL_ROW_BYTES)
                try:
                    for batch in batches:
                        rows.write(batch)
                        if progress is not None:
                            progress(batch.bytes_read)
                finally:
                    batches.close()  # ends the worker if any, even on an exception
                kept.sort(key=lambda item: item.line)
                if report.skipped_bad and not skip_bad:
                    report.imported = 0
                    raise ImportAborted(report)
                rows.finish()
        except OperationalError as error:
            raise explain(error) from error
    return report


def _stored_time(moment: datetime) -> str:
    """A timestamp in the text form the store keeps (VnDateTime's, `2021-11-01T08:30:00+07:00`)."""
    stored = _VN_DATETIME.process_bind_param(moment, _SQLITE)
    assert stored is not None
    return stored


_VN_DATETIME = VnDateTime()
_SQLITE = sqlite.dialect()
_TICKETS = table("tickets", column("pk"))
