"""Checking and converting pushed field values (JSON) into column values; reasons in Vietnamese."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from protocol.contract import EARLIEST, LATEST, TEXT_LIMITS, moment_problem, text_problem
from protocol.phone import InvalidPhoneNumber, synced_phone
from protocol.records import TICKET_FIELDS
from protocol.vocabulary import vocabulary

# The codes of the one vocabulary (protocol/vocabulary.json), in the order the province's tables show them.
_VOCABULARY = vocabulary()
CHANNEL_CODES: tuple[str, ...] = _VOCABULARY["channel"].codes()
REQUEST_TYPE_CODES: tuple[str, ...] = _VOCABULARY["request_type"].codes()
REASON_CODES: tuple[str, ...] = _VOCABULARY["dissatisfaction_reason"].codes()
CHANNELS = frozenset(CHANNEL_CODES)
REQUEST_TYPES = frozenset(REQUEST_TYPE_CODES)
STATUSES = frozenset(_VOCABULARY["status"].codes())
SATISFACTIONS = frozenset(_VOCABULARY["satisfaction"].codes())
REASONS = frozenset(REASON_CODES)
DIRECTIONS = frozenset(_VOCABULARY["call_direction"].codes())
OUTCOMES = frozenset(_VOCABULARY["call_outcome"].codes())
PUBLICATIONS = frozenset(_VOCABULARY["publication"].codes())


class BadValue(ValueError):
    """A field value the server cannot store; the message is the operator's reason."""


def _text(limit: int, *, optional: bool = False) -> Callable[[str, Any], Any]:
    def convert(name: str, value: Any) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise BadValue(f"Trường «{name}» phải là chuỗi ký tự.")
        if len(value) > limit:
            raise BadValue(f"Trường «{name}» dài quá {limit} ký tự.")
        problem = text_problem(name, value)
        if problem is not None:
            raise BadValue(problem)
        return value if value or not optional else None

    return convert


def _code(allowed: frozenset[str], *, optional: bool = False) -> Callable[[str, Any], Any]:
    def convert(name: str, value: Any) -> Any:
        if value is None and optional:
            return None
        if value not in allowed:
            raise BadValue(
                f"Mã «{value}» của trường «{name}» không hợp lệ; chấp nhận: {', '.join(sorted(allowed))}."
            )
        return value

    return convert


def _moment(*, optional: bool) -> Callable[[str, Any], Any]:
    def convert(name: str, value: Any) -> Any:
        if value is None and optional:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise BadValue(
                f"Trường «{name}» phải là thời điểm ISO 8601 có múi giờ (2021-11-01T08:30:00+07:00)."
            )
        problem = moment_problem(name, moment)
        if problem is not None:
            raise BadValue(problem)
        return moment

    return convert


def _phone(*, call: bool) -> Callable[[str, Any], Any]:
    """A number by the desk's own policy (protocol.phone): its stored form, or refused as typing it is."""
    as_text = _text(TEXT_LIMITS["phone"])

    def convert(name: str, value: Any) -> Any:
        try:
            return synced_phone(as_text(name, value), call=call)
        except InvalidPhoneNumber as error:
            raise BadValue(f"«số điện thoại»: {error}") from None

    return convert


# A deadline is a few working days after reception, so within the contract's range give or take a year;
# 31/12/9999 would send the units' traffic lights counting working days for millennia.
_EARLIEST_DAY = EARLIEST.date()
_LATEST_DAY = LATEST.date() + timedelta(days=366)


def _day(name: str, value: Any) -> Any:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value[:10]) if isinstance(value, str) else _raise()
    except ValueError:
        raise BadValue(f"Trường «{name}» phải là ngày dạng YYYY-MM-DD.") from None
    if not _EARLIEST_DAY <= day < _LATEST_DAY:
        raise BadValue(
            f"«hạn xử lý» ngày {day:%d/%m/%Y} nằm ngoài khoảng hợp lệ "
            f"({_EARLIEST_DAY:%d/%m/%Y} đến trước {_LATEST_DAY:%d/%m/%Y}); hãy kiểm tra lại ngày."
        )
    return day


def _raise() -> date:
    raise ValueError


def _level(name: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise BadValue(f"Cấp độ phải là số từ 1 đến 4 (nhận được «{value}»).")
    return value


def _flag(name: str, value: Any) -> Any:
    if not isinstance(value, bool):
        raise BadValue(f"Trường «{name}» phải là đúng/sai.")
    return value


TICKET_CONVERTERS: dict[str, Callable[[str, Any], Any]] = {
    # Every synced text field the contract limits is plain text of that length: a new one needs no entry.
    **{name: _text(limit) for name, limit in TEXT_LIMITS.items() if name in TICKET_FIELDS},
    "phone": _phone(call=False),
    "received_at": _moment(optional=False),
    "channel": _code(CHANNELS),
    "citizen_id": _text(36, optional=True),
    "request_type": _code(REQUEST_TYPES),
    "level": _level,
    "is_tthc": _flag,
    "field_code": _text(TEXT_LIMITS["field_code"], optional=True),
    "unit_code": _text(TEXT_LIMITS["unit_code"], optional=True),
    "status": _code(STATUSES),
    "satisfaction": _code(SATISFACTIONS),
    "dissatisfaction_reason": _code(REASONS, optional=True),
    "deadline": _day,
    "resolved_at": _moment(optional=True),
    "unit_answered_at": _moment(optional=True),
    "called_back_at": _moment(optional=True),
    "call_id": _text(36, optional=True),
    "publication": _code(PUBLICATIONS),
}
TICKET_REQUIRED = ("code", "received_at", "channel", "request_type", "level", "status", "satisfaction")

CALL_CONVERTERS: dict[str, Callable[[str, Any], Any]] = {
    "direction": _code(DIRECTIONS),
    "phone": _phone(call=True),
    "citizen_id": _text(36, optional=True),
    "operator": _text(64),
    "started_at": _moment(optional=False),
    "answered_at": _moment(optional=True),
    "ended_at": _moment(optional=True),
    "outcome": _code(OUTCOMES),
    "ticket_id": _text(36, optional=True),
    "sip_call_id": _text(200, optional=True),
}

SURVEY_OUTCOMES = frozenset({"hai_long", "khong_hai_long", "khong_phan_hoi", "khong_nghe_may"})
SURVEY_CONVERTERS: dict[str, Callable[[str, Any], Any]] = {
    "ticket_id": _text(36),
    "at": _moment(optional=False),
    "operator": _text(64),
    "outcome": _code(SURVEY_OUTCOMES),
    "reason": _code(REASONS, optional=True),
    "call_id": _text(36, optional=True),
}


def convert(converters: dict[str, Callable[[str, Any], Any]], values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(converters))
    if unknown:
        raise BadValue(
            f"Máy chủ không biết trường {', '.join(unknown)}; hãy cập nhật phần mềm máy chủ hoặc máy trạm."
        )
    return {name: converters[name](name, value) for name, value in values.items()}


VN_TZ = timezone(timedelta(hours=7))


def to_json(value: Any) -> Any:
    """A column value as the feed carries it: ISO strings, datetimes in Vietnamese time (+07:00)."""
    if isinstance(value, datetime):
        return value.astimezone(VN_TZ).isoformat()
    return value.isoformat() if isinstance(value, date) else value
