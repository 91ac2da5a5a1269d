"""Request dependencies: a database session per request, and who is calling (bearer token) with what role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from protocol import Role
from server.core.settings import Settings
from server.services import access_trail
from server.services.accounts import Principal, principal_for


@dataclass(frozen=True)
class Runtime:
    """What the app is configured with (no mutable state: any number of processes can serve one database)."""

    settings: Settings
    sessions: sessionmaker[Session]


def runtime(request: Request) -> Runtime:
    value: Runtime = request.app.state.runtime
    return value


def db(rt: Annotated[Runtime, Depends(runtime)]) -> Iterator[Session]:
    with rt.sessions() as session:
        yield session


_bearer = HTTPBearer(auto_error=False, description="token from POST /api/v1/login")


def principal(
    rt: Annotated[Runtime, Depends(runtime)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    who = None
    if (
        credentials is not None
        and credentials.scheme.lower() == "bearer"
        and len(credentials.credentials) < 200
    ):
        with rt.sessions() as session:
            who = principal_for(session, rt.settings.secret, credentials.credentials)
    if who is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn/bị thu hồi. Hãy đăng nhập lại.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return who


def at_least(role: Role) -> Callable[[Principal], Principal]:
    """Admin ⊇ supervisor ⊇ operator."""

    def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if who.role.rank < role.rank:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"Tài khoản {who.username} ({who.role.value}) không có quyền này; cần quyền {role.value}.",
            )
        return who

    return check


Operator = Annotated[Principal, Depends(at_least(Role.OPERATOR))]
Supervisor = Annotated[Principal, Depends(at_least(Role.SUPERVISOR))]
Admin = Annotated[Principal, Depends(at_least(Role.ADMIN))]
Db = Annotated[Session, Depends(db)]
Rt = Annotated[Runtime, Depends(runtime)]


def record_ticket_look(session: Session, who: Principal, ticket_id: str, screen: str) -> None:
    """The API's caller was shown a ticket's data about its citizen: on the access trail (reason `open`)."""
    access_trail.record_access(
        session,
        actor=who.username,
        origin=who.client_id or "api",
        subject_kind="ticket",
        subject=ticket_id,
        screen=screen,
        reason="open",
    )
