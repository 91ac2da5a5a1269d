"""Operators' presence rows: the last reported state, when the agent state began, the day's after-call work.

Every time is the server's clock. After-call work is the time a desk spends in the wrap-up state (the
wrap-up open, no call on), counted per operator and Vietnam's day: the seconds of each wrap-up are added
when the desk leaves that state, and the one still running is added when read.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from protocol import PresenceState, PresenceUpdate
from server.models import Presence

VN = timezone(timedelta(hours=7))
WRAP_UP = PresenceState.WRAP_UP.value
# a desk silent this long is not counted as still wrapping up (its heartbeat is 30 s; see desktop/sync)
RUNNING_UNTIL_SILENT = timedelta(seconds=90)


def vn_day(moment: datetime) -> date:
    return moment.astimezone(VN).date()


def seconds_of_day(start: datetime, end: datetime) -> float:
    """The part of [start, end] that falls on `end`'s Vietnamese day."""
    midnight = datetime.combine(vn_day(end), time(0), VN)
    return max(0.0, (end - max(start, midnight)).total_seconds())


def record(session: Session, username: str, client_id: str, update: PresenceUpdate, now: datetime) -> None:
    """Stores `update` as `username`'s state (inside the caller's transaction)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    first = insert(Presence).values(
        username=username, client_id=client_id, state=update.state.value, detail=update.detail, since=now,
        updated_at=now, agent_state=update.agent_state, agent_state_since=now, after_call_day=vn_day(now),
        after_call_seconds=0.0,
    )  # fmt: skip
    if session.execute(first.on_conflict_do_nothing().returning(Presence.username)).first() is not None:
        return  # the operator's first report
    row = session.scalars(select(Presence).where(Presence.username == username).with_for_update()).one()
    today = vn_day(now)
    if row.after_call_day != today:
        row.after_call_day, row.after_call_seconds = today, 0.0
    if row.state == WRAP_UP and update.state.value != WRAP_UP:
        row.after_call_seconds += seconds_of_day(row.since, now)
    if row.state != update.state.value:
        row.since = now
    if row.agent_state != update.agent_state or row.agent_state_since is None:
        row.agent_state_since = now
    row.client_id, row.state, row.detail = client_id, update.state.value, update.detail
    row.agent_state, row.updated_at = update.agent_state, now


def after_call_seconds_today(row: Presence, now: datetime) -> float:
    """The day's after-call work of `row`'s operator, the running wrap-up included."""
    counted = row.after_call_seconds if row.after_call_day == vn_day(now) else 0.0
    if row.state == WRAP_UP:
        heard = row.updated_at + RUNNING_UNTIL_SILENT
        counted += seconds_of_day(row.since, min(now, heard))
    return round(counted, 1)
