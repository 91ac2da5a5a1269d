"""Time in the province: Asia/Ho_Chi_Minh is UTC+07:00 all year (no daylight saving since 1975)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "ICT")


def now_vn() -> datetime:
    return datetime.now(VN_TZ)


def to_vn(moment: datetime) -> datetime:
    """An aware datetime in Vietnamese local time; naive datetimes are refused, never guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Thời điểm thiếu múi giờ (cần dạng 2021-11-01T08:30:00+07:00).")
    return moment.astimezone(VN_TZ)


def parse_iso(text: str) -> datetime:
    """An ISO 8601 timestamp with an offset, in Vietnamese local time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ValueError(
            f"«{text}» không phải thời điểm ISO 8601 (ví dụ 2021-11-01T08:30:00+07:00)."
        ) from error
    return to_vn(moment)


def shown_vn(moment: datetime, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """How a stored moment is shown to a user: Vietnam wall-clock time, whatever offset it carries."""
    return to_vn(moment).strftime(pattern)
