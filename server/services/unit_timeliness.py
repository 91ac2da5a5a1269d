"""The per-unit on-time figures from the server's forwardings: tickets forwarded in a period of days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports import Period
from reports.unit_timeliness import ForwardingFacts, unit_timeliness
from server.models import Forwarding, Unit
from server.services.forwarding import VN, work_calendar


def timeliness(session: Session, period: Period, today: date) -> dict[str, Any]:
    """Forwardings made in `period` (Vietnam's days), each unit's answers against its deadline."""
    rows = session.execute(
        select(
            Forwarding.unit_code,
            Forwarding.state,
            Forwarding.forwarded_at,
            Forwarding.deadline,
            Forwarding.answered_at,
        ).where(Forwarding.forwarded_at >= period.starts_at, Forwarding.forwarded_at < period.ends_before)
    ).all()
    facts = [
        ForwardingFacts(unit, state, _day(forwarded_at), deadline, _day(answered_at) if answered_at else None)
        for unit, state, forwarded_at, deadline, answered_at in rows
    ]
    names = {code: name for code, name in session.execute(select(Unit.code, Unit.name))}
    figures = unit_timeliness(facts, names, today, work_calendar(session))
    return {"period": {"from": period.first.isoformat(), "to": period.last.isoformat()}, **figures}


def _day(moment: datetime) -> date:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VN).date()
