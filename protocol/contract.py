"""The values both ends accept: date ranges, text lengths and characters, one rule set (stdlib only).

The server checks every pushed value with it, the desk checks a ticket with it before the change enters
its outbox, and the importer names the line that breaks it: a value one end takes, the other never
refuses for good (a ticket stuck on one desk).
"""

from __future__ import annotations

import math
import re
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
