"""The on-time figures from the server's forwardings (tickets forwarded in a period of days): per unit,
and per administrative area of the citizen's address.

On PostgreSQL the forwardings are counted by the database (GROUP BY unit or address, kind, working days:
a year of 1M tickets holds 140k forwardings, too many to read one by one); elsewhere they are read and
tallied in Python, to the same figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, cast, func, or_, select, text
from sqlalchemy.orm import Session

from protocol.workdays import WorkCalendar
from reports import Period, report_codes
from reports.areas import AreaResolver, CatalogArea
from reports.shape import AreaRow
from reports.unit_timeliness import (
    CARRIED_OVERDUE,
    CARRIED_WAITING,
    ForwardingFacts,
    Tally,
    area_table,
    tally,
    unit_table,
)
from server.models import Forwarding, Ticket, Unit
from server.services.forwarding import OPEN, VN, work_calendar
from server.services.ticket_areas import NO_AREA, catalog_areas


def forwarding_facts(session: Session, period: Period, with_carried: bool = False) -> list[ForwardingFacts]:
    """Forwardings made in `period` (Vietnam's days), with their ticket's citizen address; `with_carried`,
    also those made before it that are still with their unit."""
    on_postgresql = session.get_bind().dialect.name == "postgresql"
    forwarded, answered = (
        (_vn_day(Forwarding.forwarded_at), _vn_day(Forwarding.answered_at))
        if on_postgresql  # days computed by the database: a year holds 100k forwardings
        else (Forwarding.forwarded_at, Forwarding.answered_at)
    )
    rows = session.execute(
        select(
            Forwarding.unit_code,
            Forwarding.state,
            forwarded,
            Forwarding.deadline,
            answered,
            func.coalesce(Ticket.citizen_address, ""),
        )
        .outerjoin(Ticket, Ticket.id == Forwarding.ticket_id)
        .where(or_(_in_period(period), _carried(period)) if with_carried else _in_period(period))
    ).all()
    if on_postgresql:
        return [ForwardingFacts(*row) for row in rows]
    return [
        ForwardingFacts(
            unit, state, _day(forwarded_at), deadline, _day(answered_at) if answered_at else None, address
        )
        for unit, state, forwarded_at, deadline, answered_at, address in rows
    ]


def _in_period(period: Period) -> ColumnElement[bool]:
    return and_(Forwarding.forwarded_at >= period.starts_at, Forwarding.forwarded_at < period.ends_before)


def _carried(period: Period) -> ColumnElement[bool]:
    """Made before the period, still with the unit ("còn tồn từ các kỳ trước chuyển sang")."""
    return and_(Forwarding.state == OPEN, Forwarding.forwarded_at < period.starts_at)


def tickets_forwarded(session: Session, period: Period) -> int:
    """The tickets forwarded in `period`: one sent to a second unit counts once."""
    query = select(func.count(func.distinct(Forwarding.ticket_id))).where(_in_period(period))
    return session.scalar(query) or 0


def _vn_day(column: Any) -> Any:
    """The Vietnam day of a timestamptz, in SQL (Vietnam has kept +07:00 since 1975)."""
    return cast(func.timezone("Asia/Ho_Chi_Minh", column), Date)


# Working days are counted as protocol.workdays does: W(end) - W(start), W(day) being the weekdays up to
# `day` (from 1 January of year 1, a Monday), less the weekday holidays, plus the worked weekend days.
_WORKING_DAY_NUMBER = """(5 * ((DAY - date '0001-01-01') / 7) + least((DAY - date '0001-01-01') % 7 + 1, 5)
  - width_bucket(DAY, CAST(:days_off AS date[])) + width_bucket(DAY, CAST(:days_on AS date[])))"""
# Both tables in one pass over the forwardings: GROUPING SETS by unit and by area (see _FORWARDING_AREA_KEY).
_TALLY = f"""
WITH made AS (
  SELECT f.unit_code, AREA AS area, f.state, f.deadline,
    (f.forwarded_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS forwarded_on,
    (f.answered_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS answered_on
  FROM forwardings f
  WHERE f.forwarded_at >= :starts_at AND f.forwarded_at < :ends_before
), counted AS (
  SELECT unit_code, area,
    CASE WHEN state = 'answered' AND answered_on IS NOT NULL
           THEN CASE WHEN answered_on <= deadline THEN 'on_time' ELSE 'late' END
         WHEN state = 'forwarded' THEN CASE WHEN deadline < :today THEN 'overdue' ELSE 'waiting' END
         WHEN state = 'returned' THEN 'returned' ELSE 'other' END AS kind,
    CASE WHEN state = 'answered' AND answered_on IS NOT NULL
      THEN {_WORKING_DAY_NUMBER.replace("DAY", "answered_on")}
        - {_WORKING_DAY_NUMBER.replace("DAY", "forwarded_on")}
    END AS days
  FROM made
)
SELECT GROUPING(unit_code) = 1 AS by_area,
  CASE WHEN GROUPING(unit_code) = 0 THEN unit_code ELSE area END AS key, kind, days, count(*)
FROM counted GROUP BY GROUPING SETS ((unit_code, kind, days), (area, kind, days))
"""
# Per area: the ticket's stored area code ("=code", "=" for none), or its address ("@address") if unstamped.
# A forwarding carries its ticket's area code (migration 0018): the ticket's address is looked up only for
# a forwarding whose ticket is not stamped, never a join with the year's tickets.
_FORWARDING_AREA_KEY = (
    "CASE WHEN f.area_code IS NULL THEN '@' || coalesce((SELECT t.citizen_address FROM tickets t"
    " WHERE t.id = f.ticket_id), '') ELSE '=' || f.area_code END"
)
_BY_UNIT_AND_AREA = _TALLY.replace("AREA", _FORWARDING_AREA_KEY)
_BY_UNIT = _TALLY.replace("AREA", "NULL::text")
# The period's tickets per area key: the stamped ones by their code alone (few groups: a parallel hash), the
# rest (ix_tickets_area_unstamped) by address; one key expression over both made PostgreSQL expect a group per
# address and aggregate in one process.
_IN_PERIOD = "t.received_at >= :starts_at AND t.received_at < :ends_before"
_RECEIVED_BY_AREA = (
    text(
        "SELECT '=' || t.area_code, t.status = :resolved, count(*) FROM tickets t"
        f" WHERE {_IN_PERIOD} AND t.area_code IS NOT NULL GROUP BY t.area_code, 2"
    ),
    text(
        "SELECT '@' || coalesce(t.citizen_address, ''), t.status = :resolved, count(*) FROM tickets t"
        f" WHERE {_IN_PERIOD} AND t.area_code IS NULL GROUP BY t.citizen_address, 2"
    ),
)


# The forwardings carried over into the period, per unit (they are few: those still with a unit).
_CARRIED_BY_UNIT = text(
    "SELECT unit_code, deadline < :today, count(*) FROM forwardings"
    " WHERE state = 'forwarded' AND forwarded_at < :starts_at GROUP BY 1, 2"
)


def counted_by_database(
    session: Session,
    period: Period,
    today: date,
    calendar: WorkCalendar,
    with_areas: bool,
    with_carried: bool = False,
) -> tuple[Mapping[str, Tally], Mapping[str, Tally]]:
    """The period's forwardings per unit and (`with_areas`) per area key, by PostgreSQL; `with_carried`,
    the units' also count those carried over (kinds CARRIED_*)."""
    sentinel = [date.max]  # width_bucket wants a list; nothing falls after the last day
    parameters = {
        "starts_at": period.starts_at,
        "ends_before": period.ends_before,
        "today": today,
        "days_off": sorted(
            day for day in calendar.holidays if day.weekday() < 5 and day not in calendar.extra_working_days
        )
        + sentinel,
        "days_on": sorted(day for day in calendar.extra_working_days if day.weekday() >= 5) + sentinel,
    }
    tallies: tuple[dict[str, Counter[tuple[str, int | None]]], ...] = ({}, {})
    query = _BY_UNIT_AND_AREA if with_areas else _BY_UNIT
    for by_area, key, kind, days, count in session.execute(text(query), parameters):
        if by_area and not with_areas:
            continue
        tallies[by_area].setdefault(key, Counter())[kind, days] += count
    if with_carried:
        carried = session.execute(_CARRIED_BY_UNIT, {"today": today, "starts_at": period.starts_at})
        for unit_code, overdue, count in carried:
            tallies[0].setdefault(unit_code, Counter())[
                CARRIED_OVERDUE if overdue else CARRIED_WAITING, None
            ] += count
    return tallies[0], tallies[1]


def timeliness(session: Session, period: Period, today: date) -> dict[str, Any]:
    """Forwardings made in `period`, each unit's answers against its deadline."""
    return {
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
        **on_time_tables(session, period, today, work_calendar(session), with_areas=False)[0],
    }


def on_time_tables(
    session: Session,
    period: Period,
    today: date,
    calendar: WorkCalendar,
    with_areas: bool = True,
    with_carried: bool = False,
) -> tuple[dict[str, Any], list[AreaRow]]:
    """The table per unit (with its total) and, `with_areas`, the table per area of the citizen's address;
    `with_carried`, each unit also says what it still holds from before the period (a unit holding only
    that has its row)."""
    names = {code: name for code, name in session.execute(select(Unit.code, Unit.name))}
    by_unit: Mapping[str, Tally]
    by_address: Mapping[str, Tally]
    if session.get_bind().dialect.name == "postgresql":
        by_unit, by_address = counted_by_database(session, period, today, calendar, with_areas, with_carried)
    else:
        facts = forwarding_facts(session, period, with_carried)
        by_unit = tally(facts, lambda fact: fact.unit_code, today, calendar, since=period.first)
        in_period = [fact for fact in facts if fact.forwarded_on >= period.first]
        by_address = tally(in_period, lambda fact: fact.citizen_address, today, calendar)
    units = unit_table(by_unit, names, today)
    if not with_areas:
        return units, []
    if session.get_bind().dialect.name == "postgresql":
        return units, stamped_area_figures(session, period, by_address)
    return units, area_figures(session, period, by_address)


def stamped_area_figures(session: Session, period: Period, forwarded: Mapping[str, Tally]) -> list[AreaRow]:
    """Per area on PostgreSQL: the tickets counted by their stored area code (server.services.ticket_areas),
    the addresses of those not stamped read here; `forwarded` keyed the same way (_FORWARDING_AREA_KEY)."""
    areas = catalog_areas(session.connection())
    parameters = {
        "resolved": report_codes(None).resolved,
        "starts_at": period.starts_at,
        "ends_before": period.ends_before,
    }
    received = [row for query in _RECEIVED_BY_AREA for row in session.execute(query, parameters)]

    def area_of(key: str) -> str | None:
        if key.startswith("="):
            return areas.current(key[1:]) if key != "=" + NO_AREA else None
        return areas.code_of(key[1:])

    counted = ((key, bool(done), count) for key, done, count in received)
    return area_table(counted, forwarded, areas, area_of)


def area_figures(session: Session, period: Period, forwarded: Mapping[str, Tally]) -> list[AreaRow]:
    """Per area of the citizen's address (the catalog's communes and wards, merges followed): the
    period's tickets by reception, and the forwardings tallied per address in `forwarded`."""
    catalog = session.execute(select(Unit.code, Unit.name, Unit.group, Unit.active, Unit.merged_into))
    areas = AreaResolver(CatalogArea(*row) for row in catalog)
    resolved = Ticket.status == report_codes(None).resolved
    received = session.execute(
        select(Ticket.citizen_address, resolved, func.count())
        .where(Ticket.received_at >= period.starts_at, Ticket.received_at < period.ends_before)
        .group_by(Ticket.citizen_address, resolved)
    ).all()
    return area_table(((address, bool(done), count) for address, done, count in received), forwarded, areas)


def _day(moment: datetime) -> date:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VN).date()
