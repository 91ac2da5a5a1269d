"""The admin's view of who is signed in, who tried, and who looked at a citizen: sessions (revocable), the
login log, the access trail and its check."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel, Field

from protocol.phone import InvalidPhoneNumber, normalize_phone
from server.api.deps import Admin, Db
from server.services import access_trail, accounts, erasure, logins
from server.services.forwarding import VN

router = APIRouter(prefix="/api/v1")


class SessionOut(BaseModel):
    session_id: str
    username: str
    client_id: str
    created_at: datetime
    expires_at: datetime


class LoginOut(BaseModel):
    at: datetime
    username: str
    address: str
    client_id: str
    outcome: str


@router.get("/sessions", response_model=list[SessionOut])
def list_sessions(_who: Admin, session: Db) -> list[SessionOut]:
    with session.begin():
        return [
            SessionOut(
                session_id=login.session_id,
                username=login.username,
                client_id=login.client_id,
                created_at=login.created_at,
                expires_at=login.expires_at,
            )
            for login in accounts.active_sessions(session)
        ]


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def end_session(session_id: Annotated[str, Path(max_length=64)], _who: Admin, session: Db) -> None:
    with session.begin():
        if not accounts.revoke_session(session, session_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Không có phiên đăng nhập này (hoặc đã kết thúc).")


@router.get("/logins", response_model=list[LoginOut])
def login_log(
    _who: Admin,
    session: Db,
    username: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> list[LoginOut]:
    with session.begin():
        return [
            LoginOut(
                at=e.at, username=e.username, address=e.address, client_id=e.client_id, outcome=e.outcome
            )
            for e in logins.recent(session, username, limit)
        ]


class AccessOut(BaseModel):
    at: datetime
    actor: str
    origin: str
    subject_kind: str
    subject: str
    screen: str
    reason: str


class AccessAnswer(BaseModel):
    subject: str
    entries: list[AccessOut]
    chain_intact: bool
    chain_problem: str = ""
    rechained: list[str] = []  # each re-computation of the chain's hashes (migration 0013), with its heads


def phone_subject(phone: str) -> str:
    """The number as desks store it (E.164): 0912 345 678 and +84 912 345 678 name the same citizen."""
    try:
        return normalize_phone(phone)
    except InvalidPhoneNumber:
        pass  # not a number the policy keeps: the subject is still looked up by its digits
    digits = "".join(c for c in phone if c.isdigit())
    if phone.strip().startswith("+"):
        return "+" + digits
    if digits.startswith("84") and len(digits) > 10:
        return "+" + digits
    return "+84" + digits[1:] if digits.startswith("0") else digits


@router.get("/access", response_model=AccessAnswer)
def who_accessed(
    _who: Admin,
    session: Db,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
    phone: Annotated[str | None, Query(max_length=40)] = None,
    ticket_id: Annotated[str | None, Query(max_length=36)] = None,
) -> AccessAnswer:
    """Who looked at citizen `phone` (or ticket `ticket_id`) between two moments, and the chain's check."""
    if bool(phone) == bool(ticket_id):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY, "Hãy cho đúng một trong phone hoặc ticket_id."
        )
    subject = phone_subject(phone) if phone else str(ticket_id)
    since = start or datetime.combine(datetime.now(VN).date() - timedelta(days=30), time(), VN)
    until = end or datetime.now(UTC) + timedelta(minutes=1)
    with session.begin():
        if phone:
            entries = access_trail.who_accessed_citizen(session, subject, since, until)
        else:
            entries = access_trail.who_accessed(session, subject, since, until)
        broken = access_trail.verify(session)
        return AccessAnswer(
            subject=subject,
            entries=[
                AccessOut(
                    at=e.at,
                    actor=e.actor,
                    origin=e.origin,
                    subject_kind=e.subject_kind,
                    subject=e.subject,
                    screen=e.screen,
                    reason=e.reason,
                )
                for e in entries
            ],
            chain_intact=broken is None,
            chain_problem=f"mục {broken.seq}: {broken.problem}" if broken else "",
            rechained=access_trail.rechains(session),
        )


class ErasureIn(BaseModel):
    phone: str = Field(min_length=3, max_length=40)


class ErasureOut(BaseModel):
    tickets: int
    calls: int


@router.post("/erasures", response_model=ErasureOut)
def erase_citizen(body: ErasureIn, who: Admin, session: Db) -> ErasureOut:
    """A citizen's request to be erased: on the server now, on every desk at its next pull."""
    with session.begin():
        done = erasure.erase_citizen(session, phone_subject(body.phone), who.username, datetime.now(UTC))
    return ErasureOut(tickets=done.tickets, calls=done.calls)
