"""Deadlines counted in working days: weekends and public holidays skipped, swapped Saturdays worked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkCalendar:
    """Which days an agency works, from the holiday catalog."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, holidays: Iterable[date], extra_working_days: Iterable[date] = ()) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(extra_working_days))

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The day `days` working days after `start`; 0 means the same day (or the next working day)."""
        if days < 0:
            raise ValueError("Số ngày làm việc không được âm.")
        current = start
        while not self.is_working_day(current):
            current += timedelta(days=1)
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is earlier).

        Counted, not walked: the weekdays by arithmetic, then the catalog's days in the range (a list's
        page asks this for years-old deadlines too)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = _weekdays_through(end) - _weekdays_through(start)
        count -= sum(
            1
            for day in self.holidays
            if start < day <= end and day.weekday() < 5 and day not in self.extra_working_days
        )
        count += sum(1 for day in self.extra_working_days if start < day <= end and day.weekday() >= 5)
        return count


def _weekdays_through(day: date) -> int:
    """Monday-to-Friday days from 1 January of year 1 (a Monday) up to and including `day`."""
    weeks, weekday = divmod(day.toordinal() - 1, 7)
    return 5 * weeks + min(weekday + 1, 5)
