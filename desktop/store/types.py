"""Column types: timestamps kept as ISO 8601 text with the +07:00 offset, so text order is time order."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from desktop.domain.clock import to_vn


class VnDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as `2021-11-01T08:30:00+07:00` (Vietnamese local time)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return to_vn(value).isoformat(timespec="microseconds" if value.microsecond else "seconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value)


class IsoDate(TypeDecorator[date]):
    """A calendar day stored as `2021-11-01`."""

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: date | None, dialect: Dialect) -> str | None:
        return None if value is None else value.isoformat()

    def process_result_value(self, value: Any, dialect: Dialect) -> date | None:
        return None if value is None else date.fromisoformat(value)
