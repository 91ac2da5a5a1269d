"""Reading and parsing an import file into batches of ready rows: the half of an import that needs
no database, run by the worker process for a large file (it imports no SQLAlchemy, so it starts in
a fraction of a second) or in the importing process for a small one.

Each row is parsed and checked (codes with the enums' `.parse`, the unit through its aliases, the
phone number, `validate_draft`) and the good rows become parameter tuples for the writer (ids,
numbering, the history and outbox rows all computed here), CHUNK_ROWS at a time, with the bad rows
and their reasons in Vietnamese.
"""

from __future__ import annotations

import csv
import os
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
from typing import Any, Generic, TypeVar

import phonenumbers

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import (
    Channel,
    DissatisfactionReason,
    HistoryAction,
    Level,
    RequestType,
    Satisfaction,
    TicketStatus,
)
from desktop.domain.phone import InvalidPhoneNumber, is_unverified, normalize_phone
from desktop.domain.text import fold
from desktop.domain.ticket import TicketDraft, stored_fields, validate_draft
from desktop.domain.workdays import WorkCalendar
from desktop.services.imports.file import (
    ImportFileError,
    LineReader,
    csv_reason,
    header_delimiter,
    read_header,
)
from protocol.contract import moment_problem

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
CODE_MAX_LENGTH = 40

_SEVEN_HOURS = timedelta(hours=7)
# validate_draft checks the phone with normalize_phone, whose cache a million distinct numbers would
# defeat; the importer has already normalised the number, so the draft it validates carries a number
# known to be valid (normalised once, then cached) in its place.
_VALID_PHONE_STAND_IN = "1022"


# --- parsing cells -------------------------------------------------------------------------------

E = TypeVar("E", bound=Enum)
Row = tuple[Any, ...]


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


class Columns:
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

    def __init__(self, setup: ParseSetup) -> None:
        self._columns = setup.columns
        self._aliases = setup.aliases
        self._units: dict[str, str] = {}
        self._calendar = setup.calendar
        self._deadline_days = setup.deadline_days
        self._deadlines: dict[tuple[date, Level], str] = {}
        self._phones: dict[str, str] = {}
        self.unverified_numbers: set[str] = set()
        self._channel = _codes(Channel, "kênh")
        self._request_type = _codes(RequestType, "loại yêu cầu")
        self._status = _codes(TicketStatus, "trạng thái")
        self._satisfaction = _codes(Satisfaction, "đánh giá")
        self._reason = _codes(DissatisfactionReason, "lý do không hài lòng")
        self._fixed = {
            "version": 1,
            "created_by": setup.operator,
            "updated_by": setup.operator,
            "created_at": setup.now_text,
            "updated_at": setup.now_text,
            "return_reason": "",  # only the server writes it, when a unit returns a forwarded ticket
            "unit_answered_at": None,  # steps with a unit happen through the server, not in a CSV
            "called_back_at": None,
            "called_back_by": None,  # steps taken before this software knew the ticket: nobody to name
            "resolved_by": None,
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
            elif (out_of_range := moment_problem("received_at", received)) is not None:
                errors.append(out_of_range.rstrip("."))
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
                    if is_unverified(phone):
                        self.unverified_numbers.add(phone)

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

        received_text = received.isoformat()  # at +07:00 already: VnDateTime's stored form
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
class ParseSetup:
    """What parsing and numbering need, as plain data a worker process can receive."""

    columns: Columns
    aliases: dict[str, str]
    calendar: WorkCalendar
    deadline_days: dict[int, int]
    operator: str
    now_text: str
    source: str  # the file's name, as JSON (history and outbox say where a ticket came from)
    first_pk: int  # the store's largest pk when the import began: the rows are numbered after it
    ticket_columns: tuple[str, ...]  # the order of a ticket's parameter tuple


@dataclass
class Batch:
    """A chunk of the file, parsed: its good rows ready for executemany, its bad rows, where it ends.

    The rows are numbered (pk) as if every good row were new; the writer renumbers the rare chunk
    after a row that turned out to be already there.
    """

    tickets: list[Row] = field(default_factory=list)  # in the order of setup.ticket_columns
    citizen_ids: list[str] = field(default_factory=list)  # per ticket: the id if its number is new
    citizens: list[Row] = field(default_factory=list)  # the tickets with a phone: _CITIZENS_SQL
    history: list[Row] = field(default_factory=list)
    outbox: list[Row] = field(default_factory=list)
    lines: array[int] = field(default_factory=lambda: array("q"))
    digests: array[int] = field(default_factory=lambda: array("q"))
    problems: list[tuple[int, str | None, str]] = field(default_factory=list)
    unverified_lines: list[int] = field(default_factory=list)  # rows whose number phonenumbers does not list
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


def parsed_batches(reader: Any, lines: LineReader, setup: ParseSetup) -> Generator[Batch, None, None]:
    """The rows after the header, CHUNK_ROWS good rows at a time, parsed and ready to write."""
    columns = setup.columns
    expected = columns.count
    code_at = columns.index["ma_phieu"]
    parser = _RowParser(setup)
    parse, unverified_numbers = parser.parse, parser.unverified_numbers
    ids = _OrderedIds()
    pool: list[str] = []
    citizen_ids: dict[str, str] = {}
    source, operator, now = setup.source, setup.operator, setup.now_text
    ticket_columns = setup.ticket_columns
    imported = HistoryAction.IMPORTED.value
    pk = setup.first_pk
    batch = Batch()
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
        batch.tickets.append(tuple(map(values.__getitem__, ticket_columns)))
        phone = values["phone"]
        if phone in unverified_numbers:
            batch.unverified_lines.append(line)
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
        batch.lines.append(line)
        batch.digests.append(hash(tuple(record)))
        if len(batch.tickets) >= CHUNK_ROWS:
            batch.bytes_read = lines.bytes_read
            yield batch
            batch = Batch()
    batch.bytes_read = lines.bytes_read
    yield batch


def parse_in_worker(path: str, codec: str, setup: ParseSetup, out: Any) -> None:
    """The worker process: reads and parses the file, puts its batches on `out`, then ("end", None).

    A file it cannot read is ("file-error", message); anything else that goes wrong, ("crash", text).
    Ctrl+C is the importing process's to handle: it ends the worker.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with open(path, "rb") as binary:
            lines = LineReader(binary, codec)
            reader = csv.reader(lines, strict=True, delimiter=header_delimiter(path, codec))
            read_header(reader)
            for batch in parsed_batches(reader, lines, setup):
                out.put(("batch", batch))
        out.put(("end", None))
    except ImportFileError as error:
        out.put(("file-error", str(error)))
    except BaseException:  # reported to the importing process, which raises it
        out.put(("crash", traceback.format_exc()))
