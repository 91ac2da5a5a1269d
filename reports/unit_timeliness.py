"""Per unit and per area, how forwarded tickets were answered: on time, late, overdue now, returned.

The national service-quality index scores "tỷ lệ phản ánh, kiến nghị xử lý đúng hạn": a ticket answered
on or before its deadline's day (Vietnam's day) is on time; the rate is on time / answered. Days to
answer are working days (the holiday catalog's WorkCalendar) from the forwarding day to the answer's day.

The figures are made from tallies, forwardings counted by (kind, working days): a database counts them
with GROUP BY (server.services.unit_timeliness on PostgreSQL), or `tally` counts the facts one by one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
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


# What became of a forwarding, as the tables count it; `days` is set for the answered ones only.
ON_TIME, LATE, OVERDUE, WAITING, RETURNED, OTHER = (
    "on_time",
    "late",
    "overdue",
    "waiting",
    "returned",
    "other",
)
# A forwarding made before the period and still with its unit: "còn tồn từ các kỳ trước chuyển sang", part
# of what the province's note counts as "đang theo dõi kết quả xử lý", never of the period's forwardings.
CARRIED_WAITING, CARRIED_OVERDUE = "carried_waiting", "carried_overdue"
CARRIED = (CARRIED_WAITING, CARRIED_OVERDUE)
Tally = Mapping[tuple[str, int | None], int]  # (kind, working days to answer) -> forwardings


def kind_of(fact: ForwardingFacts, today: date, since: date | None = None) -> str:
    """What became of the forwarding by `today`; one made before `since` (the period's first day) is
    carried over (only the ones still with their unit are read)."""
    if since is not None and fact.forwarded_on < since:
        return CARRIED_OVERDUE if today > fact.deadline else CARRIED_WAITING
    if fact.state == "answered" and fact.answered_on is not None:
        return ON_TIME if fact.answered_on <= fact.deadline else LATE
    if fact.state == "forwarded":
        return OVERDUE if today > fact.deadline else WAITING
    return RETURNED if fact.state == "returned" else OTHER


def tally(
    facts: Iterable[ForwardingFacts],
    key: Callable[[ForwardingFacts], Any],
    today: date,
    calendar: WorkCalendar,
    since: date | None = None,
) -> dict[Any, Counter[tuple[str, int | None]]]:
    """The facts counted per `key` by (kind, working days), as the database's GROUP BY counts them;
    those made before `since` as carried over."""
    between = _days_between(calendar)
    tallies: dict[Any, Counter[tuple[str, int | None]]] = {}
    for fact in facts:
        kind = kind_of(fact, today, since)
        days = (
            between(fact.forwarded_on, fact.answered_on)
            if fact.answered_on and kind in (ON_TIME, LATE)
            else None
        )
        tallies.setdefault(key(fact), Counter())[kind, days] += 1
    return tallies


def unit_timeliness(
    facts: Iterable[ForwardingFacts], names: dict[str, str], today: date, calendar: WorkCalendar
) -> dict[str, Any]:
    """One row per unit that received tickets (in the catalog's name, else its code), then the total."""
    return unit_table(tally(facts, lambda fact: fact.unit_code, today, calendar), names, today)


def unit_table(tallies: Mapping[str, Tally], names: dict[str, str], today: date) -> dict[str, Any]:
    """One row per unit of `tallies` (in the catalog's name, else its code), then the total."""
    rows = [
        {"unit_code": code, "unit": names.get(code, code), **figures(counted)}
        for code, counted in sorted(tallies.items(), key=lambda item: names.get(item[0], item[0]))
    ]
    everything: Counter[tuple[str, int | None]] = Counter()
    for counted in tallies.values():
        everything.update(counted)
    return {"today": today.isoformat(), "units": rows, "total": figures(everything)}


def area_timeliness(
    received: Iterable[tuple[str, bool, int]],
    facts: Iterable[ForwardingFacts],
    areas: AreaResolver,
    today: date,
    calendar: WorkCalendar,
) -> list[AreaRow]:
    """One row per area: `received` is (citizen's address, resolved, tickets) of the period's tickets,
    `facts` the period's forwardings. Areas by name; the addresses naming no area last."""
    by_address = tally(facts, lambda fact: fact.citizen_address, today, calendar)
    return area_table(received, by_address, areas)


def area_table(
    received: Iterable[tuple[str, bool, int]],
    forwarded: Mapping[str, Tally],
    areas: AreaResolver,
    area_of: Callable[[str], str | None] | None = None,
) -> list[AreaRow]:
    """One row per area: `received` is (citizen's address, resolved, tickets) of the period's tickets,
    `forwarded` the period's forwardings tallied per citizen's address. Areas by name; no area last.
    With `area_of`, the keys are what it reads the area of (the address when it is not given)."""
    area_of = area_of or areas.code_of
    counts: dict[str | None, list[int]] = {}
    for address, done, tickets in received:
        row = counts.setdefault(area_of(address), [0, 0])
        row[0] += tickets
        row[1] += tickets if done else 0
    by_area: dict[str | None, Counter[tuple[str, int | None]]] = {}
    for address, counted in forwarded.items():
        by_area.setdefault(area_of(address), Counter()).update(counted)
    codes = sorted(set(counts) | set(by_area), key=_areas_by_name(areas))
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
                **figures(by_area.get(code, {})),
            }
        )
    return rows


def _areas_by_name(areas: AreaResolver) -> Callable[[str | None], tuple[bool, str]]:
    return lambda code: (code is None, areas.name_of(code).casefold())


def _days_between(calendar: WorkCalendar) -> Callable[[date, date], int]:
    """Working days from one day to another, remembered: a year's 100k answers share a few thousand pairs."""
    return cache(calendar.working_days_between)


def figures(counted: Tally) -> OnTimeFigures:
    kinds: Counter[str] = Counter()
    for (kind, _), count in counted.items():
        kinds[kind] += count
    on_time, answered = kinds[ON_TIME], kinds[ON_TIME] + kinds[LATE]
    days = {days: count for (kind, days), count in counted.items() if kind in (ON_TIME, LATE) and count}
    return {
        "forwarded": sum(count for kind, count in kinds.items() if kind not in CARRIED),
        "answered_on_time": on_time,
        "answered_late": kinds[LATE],
        "overdue_now": kinds[OVERDUE],
        "waiting": kinds[WAITING],
        "returned": kinds[RETURNED],
        "on_time_rate": percent(on_time, answered) if answered else None,
        "median_working_days": _median(days) if days else None,
        "carried_over": kinds[CARRIED_WAITING] + kinds[CARRIED_OVERDUE],
        "carried_over_overdue": kinds[CARRIED_OVERDUE],
    }


def _median(counts: Mapping[Any, int]) -> float:
    """statistics.median of the values each repeated `count` times: the middle one (an int) for an odd
    number, the mean of the two middle ones (a float) for an even number."""
    ordered = sorted(counts.items())
    total = sum(counts.values())

    def at(position: int) -> Any:
        for value, count in ordered:
            if position < count:
                return value
            position -= count
        raise IndexError(position)

    middle = total // 2
    if total % 2:
        return at(middle)  # type: ignore[no-any-return]
    return (at(middle - 1) + at(middle)) / 2  # type: ignore[no-any-return]
