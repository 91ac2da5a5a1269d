"""Importing historical tickets from a CSV file (the format of DOMAIN.md) into the local store.

The file is read once, as a stream: each row is parsed and checked in Python (codes with the enums'
`.parse`, the unit through its aliases, the phone number, `validate_draft`), and the good rows are
written in chunks with SQLAlchemy Core executemany, all inside ONE write transaction: the ticket, its
citizen, its history row (`nhap`), its outbox mutation and its free-text index row commit together
or not at all. When a row is bad and `skip_bad` is False the reading goes on to the end (so every bad
row is reported) and the transaction is rolled back: nothing is written.

Memory stays bounded: a chunk of rows at a time, caches of the small vocabularies (codes, units,
phone numbers) capped in size, and two compact arrays (8 bytes each per imported ticket) to tell a
code repeated in the file from the same line repeated.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import time
import unicodedata
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from functools import cache, partial
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

import phonenumbers
from sqlalchemy import Connection, Dialect, Index, Insert, bindparam, column, func, select, table, text
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
from desktop.services.catalogs import CatalogService
from desktop.services.search_index import index_new_tickets
from desktop.services.tickets import TicketService, stored_fields, ticket_search_body
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
MAX_KEPT_PROBLEMS = 10_000
CODE_MAX_LENGTH = 40
ENCODING_HINT = "--encoding cp1258"

_SEVEN_HOURS = timedelta(hours=7)
# validate_draft checks the phone with normalize_phone, whose cache a million distinct numbers would
# defeat; the importer has already normalised the number, so the draft it validates carries a number
# known to be valid (normalised once, then cached) in its place.
_VALID_PHONE_STAND_IN = "1022"
_CSV_ERRORS = {
    "',' expected after '\"'": (
        'sau dấu ngoặc kép đóng phải là dấu phẩy (dấu ngoặc kép trong ô phải viết đôi: "")'
    ),
    "unexpected end of data": "dấu ngoặc kép mở ở dòng này không được đóng đến hết tệp",
    "field larger than field limit": "một ô dài quá giới hạn (thường do dấu ngoặc kép không được đóng)",
    "new-line character seen in unquoted field": "ký tự xuống dòng lạ (CR) trong ô không có ngoặc kép",
    "line contains NUL": "dòng có ký tự NUL (tệp có thể là UTF-16 hoặc không phải tệp văn bản)",
}


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


class ImportFileError(Exception):
    """The file cannot be read as an import file (missing, wrong encoding, missing columns)."""


# --- reading lines -------------------------------------------------------------------------------


class _Lines:
    """Decoded lines of the file (line endings kept, for csv) and the bytes read so far.

    For encodings where a newline is the byte 0x0A (UTF-8, Windows code pages) each physical line is
    decoded on its own, so a decoding error names its exact line.
    """

    def __init__(self, binary: BinaryIO, encoding: str) -> None:
        self._binary = binary
        self._encoding = encoding
        self.bytes_read = 0
        self.lines_read = 0

    def __iter__(self) -> Iterator[str]:
        if _newline_is_byte_0a(self._encoding):
            return self._by_line()
        return self._by_block()

    def _by_line(self) -> Iterator[str]:
        decode = codecs.getincrementaldecoder(self._encoding)("strict").decode
        for raw in self._binary:
            self.bytes_read += len(raw)
            self.lines_read += 1
            try:
                decoded = decode(raw)
            except UnicodeDecodeError as error:
                raise self._decode_error(error, self.lines_read) from error
            yield decoded
        try:
            tail = decode(b"", True)
        except UnicodeDecodeError as error:
            raise self._decode_error(error, self.lines_read) from error
        if tail:
            yield tail

    def _by_block(self) -> Iterator[str]:
        decode = codecs.getincrementaldecoder(self._encoding)("strict").decode
        pending = ""
        while True:
            block = self._binary.read(1 << 16)
            self.bytes_read += len(block)
            try:
                decoded = pending + decode(block, not block)
            except UnicodeDecodeError as error:
                raise self._decode_error(error, self.lines_read + 1 + pending.count("\n")) from error
            lines = decoded.split("\n")
            pending = lines.pop()
            for line in lines:
                self.lines_read += 1
                yield line + "\n"
            if not block:
                break
        if pending:
            self.lines_read += 1
            yield pending

    def _decode_error(self, error: UnicodeDecodeError, line: int) -> ImportFileError:
        bad = error.object[error.start : error.start + 1].hex().upper()
        if codecs.lookup(self._encoding).name in ("utf-8", "utf-8-sig"):
            return ImportFileError(
                f"dòng {line}: tệp không phải UTF-8 (byte 0x{bad} không đọc được theo UTF-8). "
                "Có lẽ tệp được lưu bằng bảng mã Windows (Windows-1258 hoặc Windows-1252, thường gặp khi "
                "lưu CSV từ Excel): hãy lưu lại tệp dạng «CSV UTF-8» hoặc chạy lại với "
                f"{ENCODING_HINT}."
            )
        return ImportFileError(
            f"dòng {line}: không đọc được tệp theo bảng mã {self._encoding} (byte 0x{bad}). "
            "Hãy kiểm tra bảng mã của tệp và chạy lại với --encoding đúng (utf-8, cp1258, utf-16...)."
        )


@cache
def _newline_is_byte_0a(encoding: str) -> bool:
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig"):
        return True
    try:
        return '\n,"a'.encode(encoding) == b'\n,"a'
    except UnicodeError:
        return False


def _codec(encoding: str) -> str:
    """The codec to read with: UTF-8 accepts (and drops) a byte order mark."""
    try:
        name = codecs.lookup(encoding.strip()).name
    except LookupError as error:
        raise ImportFileError(
            f"Không biết bảng mã «{encoding}». "
            "Dùng utf-8 (mặc định), cp1258 (Windows tiếng Việt) hoặc utf-16."
        ) from error
    return "utf-8-sig" if name in ("utf-8", "utf-8-sig") else name


def _check_start(start: bytes, codec: str) -> None:
    if codec == "utf-8-sig" and start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise ImportFileError(
            "Tệp được lưu bằng bảng mã UTF-16 (Excel gọi là «Unicode Text»), không phải UTF-8. "
            "Hãy lưu lại tệp dạng «CSV UTF-8» hoặc chạy lại với --encoding utf-16."
        )


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

    def __init__(
        self,
        store: LocalStore,
        columns: _Columns,
        operator: str,
        now_text: str,
        vn_text: Callable[[datetime], str],
    ) -> None:
        self._columns = columns
        self._aliases = CatalogService(store).unit_aliases()
        self._units: dict[str, str] = {}
        self._deadline_for = TicketService(store, operator).deadline_for
        self._deadlines: dict[tuple[date, Level], str] = {}
        self._vn_text = vn_text
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
            "created_by": operator,
            "updated_by": operator,
            "created_at": now_text,
            "updated_at": now_text,
        }
        get = columns.index.get
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

        received_text = self._vn_text(received)
        key = (received.date(), level)
        deadline = self._deadlines.get(key)
        if deadline is None:
            deadline = self._deadlines[key] = self._deadline_for(*key).isoformat()
        values = stored_fields(draft)
        values.update(self._fixed)
        values["code"] = code
        values["received_at"] = received_text
        values["phone"] = phone
        values["deadline"] = deadline
        # The file does not say when a resolved ticket was resolved: its reception is the best known.
        values["resolved_at"] = received_text if status is TicketStatus.RESOLVED else None
        return values


# --- writing ------------------------------------------------------------------------------------

_TICKET_COLUMNS = tuple(Base.metadata.tables["tickets"].columns.keys())
# Lightweight tables: the values are already in their stored text form (ISO timestamps with +07:00),
# so no per-value type processing is wanted on a million rows.
_TICKETS = table("tickets", *(column(name) for name in _TICKET_COLUMNS))
_CITIZENS = table(
    "citizens", *(column(name) for name in ("id", "phone", "name", "address", "created_at", "updated_at"))
)
_HISTORY = table(
    "ticket_history", *(column(name) for name in ("ticket_id", "at", "actor", "action", "changes"))
)
_OUTBOX = table(
    "outbox",
    *(
        column(name)
        for name in ("mutation_id", "entity", "entity_id", "op", "base_version", "payload", "created_at")
    ),
)
_NAMED_PARAMS = sqlite.dialect(paramstyle="named")
_TICKETS_INSERT = _TICKETS.insert()
_CITIZENS_INSERT = _CITIZENS.insert()
_HISTORY_INSERT = _HISTORY.insert()
_OUTBOX_INSERT = _OUTBOX.insert()


class _OrderedIds:
    """New UUIDs (version 7, RFC 9562) in increasing order: the import's time, a counter, 32 random bits.

    Ids that increase append to the indexes on tickets.id, ticket_history.ticket_id and the outbox
    instead of landing on random pages of them, which matters for a million rows.
    """

    def __init__(self) -> None:
        self._prefix = ((time.time_ns() // 1_000_000) << 80) | (0x7 << 76) | (0b10 << 62)
        self._counter = 0

    def take(self, count: int) -> list[str]:
        entropy = os.urandom(4 * count)
        prefix, counter = self._prefix, self._counter
        out = []
        for start in range(0, 4 * count, 4):
            counter += 1
            value = "%032x" % (
                prefix
                | ((counter >> 30) & 0xFFF) << 64
                | (counter & 0x3FFFFFFF) << 32
                | int.from_bytes(entropy[start : start + 4])
            )
            out.append(f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}")
        self._counter = counter
        return out


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
    """Writes the chunks of good rows in the import's transaction; tells repeated codes apart."""

    def __init__(
        self,
        connection: Connection,
        operator: str,
        now_text: str,
        report: ImportReport,
        problem: Callable[[int, str | None, str], None],
        source: str,
        expected_rows: int,
    ) -> None:
        self._connection = connection
        self._source = json.dumps(source, ensure_ascii=False)
        self._operator = operator
        self._now = now_text
        self._report = report
        self._problem = problem
        # Take the write lock first (a no-op UPDATE), so no other writer can take the pks we number.
        connection.execute(text("UPDATE meta SET value = value WHERE 0"))
        self._first_pk = connection.execute(select(func.coalesce(func.max(_TICKETS.c.pk), 0))).scalar_one()
        # Per imported ticket, by pk - first_pk - 1: its line and the hash of its CSV record.
        self._lines = array("q")
        self._digests = array("q")
        self._ids = _OrderedIds()
        self._sql: dict[Insert, str] = {}
        self._deferred_indexes = _defer_indexes(connection, expected_rows)

    def finish(self) -> None:
        """Build the indexes dropped for a bulk import, inside the same transaction."""
        for index in self._deferred_indexes:
            index.create(self._connection)

    def write(self, rows: list[_Row]) -> None:
        if not rows:
            return
        rows = self._new_rows(rows)
        if not rows:
            return
        citizen_ids = self._citizens(rows)
        connection = self._connection
        ids = self._ids.take(2 * len(rows))
        pk = self._first_pk + len(self._lines)
        history: list[dict[str, Any]] = []
        outbox: list[dict[str, Any]] = []
        index: list[tuple[int, str]] = []
        tickets: list[dict[str, Any]] = []
        operator, now, imported = self._operator, self._now, HistoryAction.IMPORTED.value
        for position, row in enumerate(rows):
            pk += 1
            values = row.values
            ticket_id = ids[2 * position]
            values["pk"] = pk
            values["id"] = ticket_id
            values["citizen_id"] = citizen_ids.get(values["phone"])
            tickets.append(values)
            # The imported row is the ticket's first version; history says where it came from.
            source_line = f'{{"tep": {self._source}, "dong": {row.line}}}'
            history.append(
                {
                    "ticket_id": ticket_id,
                    "at": now,
                    "actor": operator,
                    "action": imported,
                    "changes": source_line,
                }
            )
            outbox.append(
                {
                    "mutation_id": ids[2 * position + 1],
                    "entity": "ticket",
                    "entity_id": ticket_id,
                    # The ticket's first version is its row as imported: the sync reads it from
                    # there instead of a second copy of a million tickets here.
                    "op": "import",
                    "base_version": 0,
                    "payload": source_line,
                    "created_at": now,
                }
            )
            index.append((pk, ticket_search_body(values)))
            self._lines.append(row.line)
            self._digests.append(row.digest)
        self._insert(_TICKETS_INSERT, tickets)
        self._insert(_HISTORY_INSERT, history)
        self._insert(_OUTBOX_INSERT, outbox)
        index_new_tickets(connection, index)
        self._report.imported += len(rows)

    def _insert(self, statement: Insert, rows: list[dict[str, Any]]) -> None:
        """executemany of a Core insert, its values bound by name by the driver itself.

        The same as `connection.execute(statement, rows)` without SQLAlchemy building a parameter
        tuple per row in Python: the rows are already in stored form (see the lightweight tables).
        """
        sql = self._sql.get(statement)
        if sql is None:
            sql = self._sql[statement] = str(statement.compile(dialect=_NAMED_PARAMS))
        self._connection.exec_driver_sql(sql, rows)

    def _new_rows(self, rows: list[_Row]) -> list[_Row]:
        """The rows whose code is new; a code already stored counts as present, one from this file is
        the same line again (present) or a different row with the same code (a bad row)."""
        codes = list({row.values["code"] for row in rows})
        seen: dict[str, tuple[int, int]] = {}  # code -> (line, digest); line 0: stored before
        found = self._connection.execute(
            select(_TICKETS.c.code, _TICKETS.c.pk).where(_TICKETS.c.code.in_(codes))
        )
        for code, pk in found:
            ordinal = pk - self._first_pk - 1
            seen[code] = (self._lines[ordinal], self._digests[ordinal]) if ordinal >= 0 else (0, 0)
        new: list[_Row] = []
        for row in rows:
            code = row.values["code"]
            first = seen.get(code)
            if first is None:
                seen[code] = (row.line, row.digest)
                new.append(row)
            elif first[0] == 0 or first[1] == row.digest:
                self._report.already_present += 1
            else:
                self._problem(row.line, code, f"trùng mã phiếu với dòng {first[0]}")
        return new

    def _citizens(self, rows: list[_Row]) -> dict[str, str]:
        """Citizen id per phone of the chunk: new numbers added, an empty name filled in."""
        first: dict[str, dict[str, Any]] = {}
        for row in rows:
            values = row.values
            phone = values["phone"]
            if not phone:
                continue
            known = first.get(phone)
            if known is None or (not known["citizen_name"] and values["citizen_name"]):
                first[phone] = values
        if not first:
            return {}
        connection = self._connection
        query = select(_CITIZENS.c.phone, _CITIZENS.c.id, _CITIZENS.c.name, _CITIZENS.c.address)
        ids: dict[str, str] = {}
        fill: list[dict[str, Any]] = []
        for phone, citizen_id, name, address in connection.execute(
            query.where(_CITIZENS.c.phone.in_(list(first)))
        ):
            ids[phone] = citizen_id
            values = first[phone]
            if (not name and values["citizen_name"]) or (not address and values["citizen_address"]):
                fill.append(
                    {
                        "key": citizen_id,
                        "name": name or values["citizen_name"],
                        "address": address or values["citizen_address"],
                        "updated_at": self._now,
                    }
                )
        new_phones = [phone for phone in first if phone not in ids]
        new_ids = self._ids.take(len(new_phones))
        added = []
        for phone, citizen_id in zip(new_phones, new_ids, strict=True):
            ids[phone] = citizen_id
            values = first[phone]
            added.append(
                {
                    "id": citizen_id,
                    "phone": phone,
                    "name": values["citizen_name"],
                    "address": values["citizen_address"],
                    "created_at": self._now,
                    "updated_at": self._now,
                }
            )
        if added:
            self._insert(_CITIZENS_INSERT, added)
        if fill:
            connection.execute(_CITIZENS.update().where(_CITIZENS.c.id == bindparam("key")), fill)
        return ids


# --- the import ---------------------------------------------------------------------------------


def import_tickets_csv(
    store: LocalStore,
    path: Path,
    *,
    operator: str,
    skip_bad: bool = False,
    encoding: str = "utf-8",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the tickets of a CSV file; raises ImportFileError (unreadable) or ImportAborted (bad rows)."""
    codec = _codec(encoding)
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
        _check_start(binary.peek(4)[:4] if isinstance(binary, io.BufferedReader) else b"", codec)
        lines = _Lines(binary, codec)
        reader = csv.reader(lines, strict=True)
        header = _read_header(reader)
        columns = _Columns(header)
        now = now_vn()
        try:
            with store.engine.begin() as connection:
                vn_text = partial(_stored_time, dialect=connection.dialect)
                now_text = vn_text(now)
                parser = _RowParser(store, columns, operator, now_text, vn_text)
                writer = _Writer(
                    connection,
                    operator,
                    now_text,
                    report,
                    problem,
                    source=path.name,
                    expected_rows=path.stat().st_size // _TYPICAL_ROW_BYTES,
                )
                _read_rows(reader, columns, parser, writer, report, problem, lines, progress)
                kept.sort(key=lambda item: item.line)
                if report.skipped_bad and not skip_bad:
                    report.imported = 0
                    raise ImportAborted(report)
                writer.finish()
        except OperationalError as error:
            raise explain(error) from error
    return report


def _stored_time(moment: datetime, dialect: Dialect) -> str:
    """A timestamp in the text form the store keeps (VnDateTime's, `2021-11-01T08:30:00+07:00`)."""
    stored = _VN_DATETIME.process_bind_param(moment, dialect)
    assert stored is not None
    return stored


_VN_DATETIME = VnDateTime()


def _read_header(reader: Any) -> list[str]:
    try:
        header: list[str] = next(reader)
    except StopIteration:
        raise ImportFileError("Tệp rỗng: không có dòng tiêu đề (ma_phieu, ngay_tiep_nhan, ...).") from None
    except csv.Error as error:
        raise ImportFileError(f"dòng 1: không đọc được dòng tiêu đề ({_csv_reason(error)}).") from error
    return header


def _csv_reason(error: csv.Error) -> str:
    message = str(error)
    for english, vietnamese in _CSV_ERRORS.items():
        if english in message:
            return vietnamese
    return f"lỗi định dạng CSV: {message}"


def _read_rows(
    reader: Any,
    columns: _Columns,
    parser: _RowParser,
    writer: _Writer,
    report: ImportReport,
    problem: Callable[[int, str | None, str], None],
    lines: _Lines,
    progress: Callable[[int], None] | None,
) -> None:
    expected = columns.count
    code_at = columns.index["ma_phieu"]
    batch: list[_Row] = []
    last_line = reader.line_num
    parse = parser.parse
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            report.total_rows += 1
            problem(last_line + 1, None, _csv_reason(error))
            last_line = reader.line_num
            continue
        line = last_line + 1
        last_line = reader.line_num
        if len(record) != expected:
            if not any(cell.strip() for cell in record):
                continue  # an empty line
            report.total_rows += 1
            code = record[code_at].strip() if len(record) > code_at else None
            if len(record) < expected:
                reason = f"thiếu cột: dòng có {len(record)} ô, dòng tiêu đề có {expected} cột"
            else:
                reason = (
                    f"thừa cột: dòng có {len(record)} ô, dòng tiêu đề có {expected} cột "
                    "(ô có dấu phẩy phải đặt trong ngoặc kép)"
                )
            problem(line, code, reason)
            continue
        report.total_rows += 1
        parsed = parse(record)
        if isinstance(parsed, list):
            problem(line, record[code_at].strip(), "; ".join(reason.rstrip(".") for reason in parsed))
            continue
        batch.append(_Row(line, hash(tuple(record)), parsed))
        if len(batch) >= CHUNK_ROWS:
            writer.write(batch)
            batch = []
            if progress is not None:
                progress(lines.bytes_read)
    writer.write(batch)
    if progress is not None:
        progress(lines.bytes_read)
