"""The on-time figures from the server's forwardings (tickets forwarded in a period of days): per unit,
and per administrative area of the citizen's address."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from protocol.workdays import WorkCalendar
from reports import Period, report_codes
from reports.areas import AreaResolver, CatalogArea
from reports.shape import AreaRow
from reports.unit_timeliness import ForwardingFacts, area_timeliness, unit_timeliness
from server.models import Forwarding, Ticket, Unit
from server.services.forwarding import VN, work_calendar


def forwarding_facts(session: Session, period: Period) -> list[ForwardingFacts]:
    """Forwardings made in `period` (Vietnam's days), with their ticket's citizen address."""
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
        .where(Forwarding.forwarded_at >= period.starts_at, Forwarding.forwarded_at < period.ends_before)
    ).all()
    if on_postgresql:
        return [ForwardingFacts(*row) for row in rows]
    return [
        ForwardingFacts(
            unit, state, _day(forwarded_at), deadline, _day(answered_at) if answered_at else None, address
        )
        for unit, state, forwarded_at, deadline, answered_at, address in rows
    ]


def _vn_day(column: Any) -> Any:
    """The Vietnam day of a timestamptz, in SQL (Vietnam has kept +07:00 since 1975)."""
    return cast(func.timezone("Asia/Ho_Chi_Minh", column), Date)


def timeliness(session: Session, period: Period, today: date) -> dict[str, Any]:
    """Forwardings made in `period`, each unit's answers against its deadline."""
    facts = forwarding_facts(session, period)
    return {
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
        **unit_figures(session, facts, today, work_calendar(session)),
    }


def unit_figures(
    session: Session, facts: list[ForwardingFacts], today: date, calendar: WorkCalendar
) -> dict[str, Any]:
    names = {code: name for code, name in session.execute(select(Unit.code, Unit.name))}
    return unit_timeliness(facts, names, today, calendar)


def area_figures(
    session: Session, period: Period, facts: list[ForwardingFacts], today: date, calendar: WorkCalendar
) -> list[AreaRow]:
    """Per area of the citizen's address (the catalog's communes and wards, merges followed): the
    period's tickets by reception, and the forwardings in `facts`."""
    catalog = session.execute(select(Unit.code, Unit.name, Unit.group, Unit.active, Unit.merged_into))
    areas = AreaResolver(CatalogArea(*row) for row in catalog)
    resolved = Ticket.status == report_codes(None).resolved
    received = session.execute(
        select(Ticket.citizen_address, resolved, func.count())
        .where(Ticket.received_at >= period.starts_at, Ticket.received_at < period.ends_before)
        .group_by(Ticket.citizen_address, resolved)
    ).all()
    return area_timeliness(
        ((address, bool(done), count) for address, done, count in received), facts, areas, today, calendar
    )


def _day(moment: datetime) -> date:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VN).date()
