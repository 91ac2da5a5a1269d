"""Presence (operators report, supervisors read) and the period counts of the supervisor's dashboard."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from sqlalchemy import func, select

from protocol import CountsResponse, PresenceEntry, PresenceList, PresenceState, PresenceUpdate
from server.api.deps import Db, Operator, Supervisor
from server.models import Account, Call, Presence, Ticket
from server.services import presence

router = APIRouter(prefix="/api/v1")


@router.put("/presence", status_code=status.HTTP_204_NO_CONTENT)
def report_presence(body: PresenceUpdate, who: Operator, session: Db) -> None:
    with session.begin():
        presence.record(session, who.username, who.client_id, body, datetime.now(UTC))


@router.get("/presence", response_model=PresenceList)
def read_presence(_: Supervisor, session: Db) -> PresenceList:
    now = datetime.now(UTC)
    rows = session.execute(
        select(Presence, Account.full_name, Account.role)
        .join(Account, Account.username == Presence.username)
        .order_by(Presence.username)
    ).all()
    return PresenceList(
        entries=[
            PresenceEntry(
                username=p.username,
                full_name=full_name,
                role=role,
                client_id=p.client_id,
                state=PresenceState(p.state),
                detail=p.detail,
                since=p.since,
                updated_at=p.updated_at,
                agent_state=p.agent_state,
                agent_state_since=p.agent_state_since,
                after_call_seconds_today=presence.after_call_seconds_today(p, now),
            )
            for p, full_name, role in rows
        ],
        server_time=now,
    )


@router.get("/counts", response_model=CountsResponse)
def counts(
    _: Supervisor,
    session: Db,
    period_from: Annotated[datetime, Query(alias="from")],
    period_to: Annotated[datetime, Query(alias="to")],
) -> CountsResponse:
    if period_from.tzinfo is None or period_to.tzinfo is None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "Thời điểm cần có múi giờ, ví dụ 2021-11-01T00:00:00+07:00.",
        )
    if period_to < period_from:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "Thời điểm kết thúc phải sau thời điểm bắt đầu."
        )
    in_period = (Ticket.received_at >= period_from, Ticket.received_at < period_to)
    by_status = dict(
        session.execute(select(Ticket.status, func.count()).where(*in_period).group_by(Ticket.status))
        .tuples()
        .all()
    )
    calls_in_period = (Call.started_at >= period_from, Call.started_at < period_to)
    by_direction = dict(
        session.execute(select(Call.direction, func.count()).where(*calls_in_period).group_by(Call.direction))
        .tuples()
        .all()
    )
    missed = (
        session.scalar(select(func.count()).where(*calls_in_period, Call.outcome.in_(("nho", "bo_may")))) or 0
    )
    return CountsResponse(
        period_from=period_from,
        period_to=period_to,
        tickets=sum(by_status.values()),
        tickets_resolved=by_status.get("da_xu_ly", 0),
        tickets_in_progress=by_status.get("dang_xu_ly", 0),
        calls=sum(by_direction.values()),
        calls_inbound=by_direction.get("vao", 0),
        calls_outbound=by_direction.get("ra", 0),
        calls_missed=missed,
    )
