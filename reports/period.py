"""A report period: two calendar days, both inclusive, in Vietnamese local time (UTC+07:00)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

# The same zone as desktop.domain.clock.VN_TZ; repeated here because the server never imports desktop.
VN_TZ = timezone(timedelta(hours=7), "ICT")


def parse_day(text: str) -> date:
    """`2021-11-01`, or `01/11/2021` as Vietnamese write it, -> date; ValueError in Vietnamese otherwise."""
    cleaned = text.strip()
    try:
        if "/" in cleaned:
            day, month, year = (int(part) for part in cleaned.split("/"))
            return date(year, month, day)
        return date.fromisoformat(cleaned)
    except ValueError as error:
        raise ValueError(
            f"«{text}» không phải ngày dạng NĂM-THÁNG-NGÀY (ví dụ 2021-11-01) "
            "hay NGÀY/THÁNG/NĂM (01/11/2021)."
        ) from error


@dataclass(frozen=True)
class Period:
    """From `first` to `last` (reception dates, inclusive)."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(
                f"Ngày kết thúc {self.last:%d/%m/%Y} đứng trước ngày bắt đầu {self.first:%d/%m/%Y}: "
                "hãy đổi chỗ hai ngày."
            )

    @classmethod
    def parse(cls, first: str, last: str) -> Period:
        return cls(parse_day(first), parse_day(last))

    @property
    def starts_at(self) -> datetime:
        """The first moment of the period: `first` at 00:00 in Vietnam."""
        return datetime.combine(self.first, time(0), VN_TZ)

    @property
    def ends_before(self) -> datetime:
        """The first moment after the period: the day after `last` at 00:00 in Vietnam (exclusive)."""
        return datetime.combine(self.last + timedelta(days=1), time(0), VN_TZ)
