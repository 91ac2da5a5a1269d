"""The values both ends accept: date ranges, text lengths and characters, catalog references (stdlib only).

The server checks every pushed value with it, the desk checks a ticket with it before the change enters
its outbox, and the importer names the line that breaks it: a value one end takes, the other never
refuses for good (a ticket stuck on one desk).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7))
# Reception and handling times the hotline can have: before 2000 is a typo (01/01/0001 from an empty
# Excel cell), after 2100 too; both ends store them in every database without overflow.
EARLIEST = datetime(2000, 1, 1, tzinfo=VN_TZ)
LATEST = datetime(2100, 1, 1, tzinfo=VN_TZ)

# Longest texts, by field (a ticket's and a call's): the same limits on the desk and the server.
TEXT_LIMITS: dict[str, int] = {
    "code": 40,
    "phone": 20,
    "citizen_name": 200,
    "citizen_address": 300,
    "tthc_code": 40,
    "field_code": 64,
    "unit_code": 64,
    "content": 100_000,
    "answer": 100_000,
    "public_question": 10_000,
    "public_answer": 20_000,
    "return_reason": 2_000,
    "operator": 64,
    "sip_call_id": 200,
}
FIELD_LABELS = {
    "code": "mã phiếu",
    "phone": "số điện thoại",
    "citizen_name": "họ tên",
    "citizen_address": "địa chỉ",
    "tthc_code": "mã TTHC",
    "field_code": "lĩnh vực",
    "unit_code": "đơn vị",
    "content": "nội dung",
    "answer": "trả lời",
    "public_question": "nội dung công khai",
    "public_answer": "trả lời công khai",
    "return_reason": "lý do trả lại",
    "received_at": "ngày tiếp nhận",
    "resolved_at": "ngày xử lý xong",
    "unit_answered_at": "ngày đơn vị trả lời",
    "called_back_at": "ngày gọi lại báo kết quả",
}
# Line breaks and tabs belong in a complaint's text; no other control character belongs anywhere, nor a
# lone surrogate (text decoded wrongly; PostgreSQL and every export refuse it).
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def moment_problem(name: str, moment: datetime) -> str | None:
    """Why `moment` cannot be stored (outside EARLIEST..LATEST or without a zone), else None."""
    label = FIELD_LABELS.get(name, name)
    if moment.tzinfo is None or moment.utcoffset() is None:
        return f"«{label}» thiếu múi giờ (cần dạng 2021-11-01T08:30:00+07:00)."
    try:
        inside = EARLIEST <= moment < LATEST
    except OverflowError:
        inside = False
    if not inside:
        return (
            f"«{label}» ngày {moment:%d/%m/%Y} nằm ngoài khoảng hợp lệ "
            f"({EARLIEST:%d/%m/%Y} đến trước {LATEST:%d/%m/%Y}); hãy kiểm tra lại ngày."
        )
    return None


def text_problem(name: str, value: str) -> str | None:
    """Why a text cannot be stored (too long, a control character, a lone surrogate), else None."""
    label = FIELD_LABELS.get(name, name)
    limit = TEXT_LIMITS.get(name)
    if limit is not None and len(value) > limit:
        return f"«{label}» dài {len(value)} ký tự, quá giới hạn {limit} ký tự."
    bad = _BAD_CHARACTER.search(value)
    if bad is None:
        return None
    if 0xD800 <= ord(bad.group()) <= 0xDFFF:
        return f"«{label}» có ký tự hỏng (mã hóa sai); hãy gõ lại."
    return f"«{label}» có ký tự điều khiển không hiển thị được (mã {ord(bad.group())}); hãy xóa nó."


def number_problem(name: str, value: float) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"«{FIELD_LABELS.get(name, name)}» không phải số hữu hạn."
    return None


# ---- catalog references ----------------------------------------------------------------------------
# The ticket fields that name an entry of a catalog, with that catalog's kind (protocol.records.CatalogKind).
# Units and fields are the catalogs a ticket names; its level is a number the contract bounds (1-4), and
# TTHC codes have no catalog on either end.
CATALOG_REFERENCES: dict[str, str] = {"unit_code": "unit", "field_code": "field"}
_REFERENCE_LABELS = {"unit": "Đơn vị", "field": "Lĩnh vực"}
_LONGEST_MERGE_CHAIN = 64  # a catalog edit refuses cycles; this only bounds a corrupt one


@dataclass(frozen=True)
class CatalogEntry:
    """What a reference check needs of a unit or field: its name, whether it takes new tickets, and
    (units only) the unit it was merged into."""

    name: str
    active: bool = True
    merged_into: str | None = None


# (kind, code) -> the entry, or None when that catalog has no such code. Each end reads its own catalog:
# the desk its synced store, the server its tables over the catalog every desk ships.
CatalogLookup = Callable[[str, str], CatalogEntry | None]


class ReferenceRefused(ValueError):
    """A ticket names a catalog entry it cannot; the message is for the operator (Vietnamese)."""


def stored_reference(name: str, code: str, lookup: CatalogLookup, *, follow_merge: bool) -> str:
    """The code a ticket stores in `name` for `code`: refused when the catalog has no such entry.

    A unit merged into another is stored as the unit it ended in when `follow_merge` (new work a desk
    chose before the merge reached it goes where that work is now done); history (an imported ticket)
    keeps the unit it had. A retired entry that was not merged stays: it exists, and a desk may have
    chosen it before the retirement reached it (the desk's form refuses it for new work: `new_work_problem`).
    """
    kind = CATALOG_REFERENCES[name]
    entry = lookup(kind, code)
    if entry is None:
        raise ReferenceRefused(_unknown(kind, code))
    seen = {code}
    while follow_merge and entry.merged_into and len(seen) < _LONGEST_MERGE_CHAIN:
        target = lookup(kind, entry.merged_into)
        if target is None or entry.merged_into in seen:
            break  # a merge into nowhere or round a circle: keep the last entry that exists
        code, entry = entry.merged_into, target
        seen.add(code)
    return code


def new_work_problem(name: str, code: str, lookup: CatalogLookup) -> str | None:
    """Why a ticket cannot newly be given `code` (not in the catalog, or no longer taking tickets), else
    None: the desk's check before a change enters its outbox."""
    kind = CATALOG_REFERENCES[name]
    entry = lookup(kind, code)
    if entry is None:
        return _unknown(kind, code)
    if entry.active:
        return None
    successor = lookup(kind, entry.merged_into) if entry.merged_into else None
    hint = f" Hãy chọn «{successor.name}»." if successor is not None else ""
    return f"{_REFERENCE_LABELS[kind]} «{entry.name}» đã ngừng nhận phiếu.{hint}"


def _unknown(kind: str, code: str) -> str:
    return (
        f"{_REFERENCE_LABELS[kind]} «{code[:64]}» không có trong danh mục. Hãy chọn trong danh sách "
        "(danh mục mới được tải về khi đồng bộ)."
    )
