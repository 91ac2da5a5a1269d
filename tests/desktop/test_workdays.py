"""Deadlines are counted in working days: weekends, holidays and Tết skipped, swapped Saturdays worked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desktop.domain.workdays import WorkCalendar
from desktop.services.catalogs import CatalogService
from desktop.store.local import LocalStore


def test_weekends_are_skipped() -> None:
    calendar = WorkCalendar()
    friday = date(2026, 11, 20)
    assert calendar.add_working_days(friday, 1) == date(2026, 11, 23)
    assert calendar.add_working_days(friday, 0) == friday


def test_a_ticket_received_on_a_sunday_counts_from_monday() -> None:
    assert WorkCalendar().add_working_days(date(2026, 11, 22), 0) == date(2026, 11, 23)


def test_holidays_are_skipped_and_swapped_saturdays_are_worked() -> None:
    calendar = WorkCalendar.of([date(2026, 11, 24)], [date(2026, 11, 28)])
    assert calendar.add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 25)
    assert calendar.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 28)
    assert calendar.working_days_between(date(2026, 11, 23), date(2026, 11, 30)) == 5


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError):
        WorkCalendar().add_working_days(date(2026, 1, 5), -1)


def test_tet_2026_from_the_catalog_pushes_a_deadline_past_the_holiday(store: LocalStore) -> None:
    calendar = CatalogService(store).work_calendar()
    assert not calendar.is_working_day(date(2026, 2, 17))  # mùng 1 Tết Bính Ngọ
    deadline = calendar.add_working_days(date(2026, 2, 13), 3)
    assert deadline > date(2026, 2, 22)
    assert all(calendar.is_working_day(day) for day in (deadline,))


def test_working_days_between_counts_as_a_walk_day_by_day_would(store: LocalStore) -> None:
    """The count is arithmetic (a list page asks it for years-old deadlines); it must equal walking the
    days one by one through Tết, swapped Saturdays and weekends, in both directions."""
    calendar = CatalogService(store).work_calendar()
    assert calendar.holidays and calendar.extra_working_days  # the catalog has both kinds of day

    def walked(start: date, end: date) -> int:
        low, high = sorted((start, end))
        days = sum(1 for n in range(1, (high - low).days + 1) if calendar.is_working_day(low + timedelta(n)))
        return days if end >= start else -days

    first = min(calendar.holidays | calendar.extra_working_days) - timedelta(days=9)
    starts = [first + timedelta(days=n) for n in range(0, 900, 5)]
    for start in starts:
        for length in (0, 1, 2, 6, 7, 8, 13, 40, 400):
            for end in (start + timedelta(days=length), start - timedelta(days=length)):
                assert calendar.working_days_between(start, end) == walked(start, end), (start, end)
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1  # Tết: only the 23rd
