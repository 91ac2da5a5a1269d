"""Per unit and per area, how forwarded tickets were answered: on time, late, overdue now, returned.

The national service-quality index scores "tỷ lệ phản ánh, kiến nghị xử lý đúng hạn": a ticket answered
on or before its deadline's day (Vietnam's day) is on time; the rate is on time / answered. Days to
answer are working days (the holiday catalog's WorkCalendar) from the forwarding day to the answer's day.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from protocol.workdays import WorkCalendar
from reports.areas import AreaResolver
from reports.shape import AreaRow, OnTimeFigures, percent


@dataclass(frozen=True)
class ForwardingFacts:
    """One forwarding as the report needs it: days only, in Vietnam's calendar."""

    unit_code: str
    state: str  # forwarded | answered | returned
    forwarded_on: date
    deadline: date
    answered_on: date | None
    citizen_address: str = ""  # the ticket's, for the table by area


def unit_timeliness(
    facts: Iterable[ForwardingFacts], names: dict[str, str], today: date, calendar: WorkCalendar
) -> dict[str, Any]:
    """One row per unit that received tickets (in the catalog's name, else its code), then the total."""
    by_unit: dict[str, list[ForwardingFacts]] = {}
    for fact in facts:
        by_unit.setdefault(fact.unit_code, []).append(fact)
    between = _days_between(calendar)
    rows = [
        {"unit_code": code, "unit": names.get(code, code), **figures(group, today, between)}
        for code, group in sorted(by_unit.items(), key=lambda item: names.get(item[0], item[0]))
    ]
    everything = [fact for group in by_unit.values() for fact in group]
    return {"today": today.isoformat(), "units": rows, "total": figures(everything, today, between)}


def area_timeliness(
    received: Iterable[tuple[str, bool, int]],
    facts: Iterable[ForwardingFacts],
    areas: AreaResolver,
    today: date,
    calendar: WorkCalendar,
) -> list[AreaRow]:
    """One row per area: `received` is (citizen's address, resolved, tickets) of the period's tickets,
    `facts` the period's forwardings. Areas by name; the addresses naming no area last."""
    counts: dict[str | None, list[int]] = {}
    for address, done, tickets in received:
        row = counts.setdefault(areas.code_of(address), [0, 0])
        row[0] += tickets
        row[1] += tickets if done else 0
    forwarded: dict[str | None, list[ForwardingFacts]] = {}
    for fact in facts:
        forwarded.setdefault(areas.code_of(fact.citizen_address), []).append(fact)
    codes = sorted(set(counts) | set(forwarded), key=_areas_by_name(areas))
    between = _days_between(calendar)
    rows: list[AreaRow] = []
    for code in codes:
        tickets, resolved = counts.get(code, [0, 0])
        rows.append(
            {
                "area_code": code,
                "area": areas.name_of(code),
                "tickets": tickets,
                "resolved": resolved,
                "in_progress": tickets - resolved,
                **figures(forwarded.get(code, []), today, between),
            }
        )
    return rows


def _areas_by_name(areas: AreaResolver) -> Callable[[str | None], tuple[bool, str]]:
    return lambda code: (code is None, areas.name_of(code).casefold())


def _days_between(calendar: WorkCalendar) -> Callable[[date, date], int]:
    """Working days from one day to another, remembered: a year's 100k answers share a few thousand pairs."""
    return cache(calendar.working_days_between)


def figures(group: list[ForwardingFacts], today: date, between: Callable[[date, date], int]) -> OnTimeFigures:
    answered = [f for f in group if f.state == "answered" and f.answered_on is not None]
    on_time = sum(1 for f in answered if f.answered_on is not None and f.answered_on <= f.deadline)
    days = [between(f.forwarded_on, f.answered_on) for f in answered if f.answered_on]
    return {
        "forwarded": len(group),
        "answered_on_time": on_time,
        "answered_late": len(answered) - on_time,
        "overdue_now": sum(1 for f in group if f.state == "forwarded" and today > f.deadline),
        "waiting": sum(1 for f in group if f.state == "forwarded" and today <= f.deadline),
        "returned": sum(1 for f in group if f.state == "returned"),
        "on_time_rate": percent(on_time, len(answered)) if answered else None,
        "median_working_days": statistics.median(days) if days else None,
    }
