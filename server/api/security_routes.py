"""The admin's view of who is signed in and who tried: active sessions (revocable) and the login log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel

from server.api.deps import Admin, Db
from server.services import accounts, logins

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
                session_id=token.token_hash[: accounts.SESSION_ID_LENGTH],
                username=token.username,
                client_id=token.client_id,
                created_at=token.created_at,
                expires_at=token.expires_at,
            )
            for token in accounts.active_sessions(session)
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
