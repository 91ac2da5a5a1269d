"""Login, logout and the sync endpoints (push, pull, state)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from protocol import (
    MAX_PULL_LIMIT,
    MIN_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
    GapError,
    LoginRequest,
    LoginResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    Role,
    ServerInfo,
    SyncState,
)
from server.api.deps import Db, Operator, Rt
from server.db import read_epoch
from server.services import accounts, desks, logins, push_path
from server.services.feed import feed_head, read_page, read_page_json, sync_snapshot
from server.services.push import SeqGap, last_seq
from server.services.tickets import Actor

router = APIRouter(prefix="/api/v1")


def server_info(session: Session) -> ServerInfo:
    return ServerInfo(server_epoch=read_epoch(session), server_time=datetime.now(UTC))


def snapshot(session: Session, client_id: str) -> tuple[int, int, ServerInfo]:
    """The client's last_seq, the feed head and the server's info, read in one query."""
    last, head, epoch = sync_snapshot(session, client_id)
    return last, head, ServerInfo(server_epoch=epoch, server_time=datetime.now(UTC))


def _check_protocol(version: int) -> None:
    if not MIN_PROTOCOL_VERSION <= version <= PROTOCOL_VERSION:
        raise HTTPException(
            status.HTTP_426_UPGRADE_REQUIRED,
            f"Máy trạm dùng giao thức đồng bộ phiên bản {version}, máy chủ nhận từ "
            f"{MIN_PROTOCOL_VERSION} đến {PROTOCOL_VERSION}. Không có thay đổi nào bị bỏ: "
            "chúng vẫn chờ trên máy trạm. Hãy cập nhật phần mềm.",
        )


@router.post(
    "/login",
    response_model=LoginResponse,
    responses={
        401: {"description": "sai tên hoặc mật khẩu"},
        403: {"description": "mã máy trạm đã thuộc một máy khác (desk_key không khớp)"},
        429: {"description": "quá nhiều lần sai mật khẩu: tài khoản hoặc địa chỉ tạm khóa (Retry-After)"},
    },
)
def login(body: LoginRequest, request: Request, rt: Rt, session: Db) -> LoginResponse:
    _check_protocol(body.protocol_version)
    if body.desk_key is None:
        raise HTTPException(
            status.HTTP_426_UPGRADE_REQUIRED,
            "Phiên bản phần mềm trên máy trạm này quá cũ để đăng nhập máy chủ. Không có thay đổi nào bị bỏ: "
            "chúng vẫn chờ trên máy trạm. Hãy cập nhật phần mềm.",
        )
    address = request.client.host if request.client else "?"
    refusal: HTTPException | None = None
    with session.begin():
        locked = logins.lockout(session, body.username, address)
        account, outcome = (
            (None, "locked") if locked else accounts.authenticate(session, body.username, body.password)
        )
        if account is not None and not desks.claim(session, body.client_id, body.desk_key, account.username):
            account, outcome = None, "desk_taken"
        logins.record(session, body.username, address, body.client_id, outcome)
        if account is not None:
            token, expires = accounts.issue_token(
                session, rt.settings.secret, account, body.client_id, rt.settings.token_hours
            )
    if locked is not None:
        now = datetime.now(UTC)
        refusal = HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            locked.message(now),
            headers={"Retry-After": str(locked.retry_after(now))},
        )
    elif outcome == "desk_taken":
        refusal = HTTPException(
            status.HTTP_403_FORBIDDEN, desks.TAKEN_MESSAGE.format(client_id=body.client_id)
        )
    elif account is None:
        refusal = HTTPException(
            status.HTTP_401_UNAUTHORIZED, "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khoá."
        )
    if refusal is not None:
        raise refusal
    assert account is not None
    return LoginResponse(
        token=token,
        expires_at=expires,
        username=account.username,
        full_name=account.full_name,
        role=Role(account.role),
        client_id=body.client_id,
        last_seq=last_seq(session, body.client_id),
        feed_head=feed_head(session),
        server=server_info(session),
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(who: Operator, session: Db) -> None:
    with session.begin():
        accounts.revoke(session, who.token_hash)


@router.get("/sync/state", response_model=SyncState)
def sync_state(who: Operator, session: Db) -> SyncState:
    last, head, info = snapshot(session, who.client_id)
    return SyncState(last_seq=last, feed_head=head, server=info)


@router.post(
    "/sync/push",
    response_model=PushResponse,
    responses={
        409: {"model": GapError, "description": "a gap in seq: nothing after it was applied"},
        426: {"description": "protocol version not spoken: nothing applied"},
    },
)
def push(body: PushRequest, who: Operator, rt: Rt, session: Db) -> PushResponse | JSONResponse:
    _check_protocol(body.protocol_version)
    if body.client_id != who.client_id:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"Phiên đăng nhập này thuộc máy trạm {who.client_id}, "
            f"không gửi thay đổi cho máy {body.client_id}.",
        )
    actor = Actor(who.username, who.role.rank, who.client_id)
    try:
        results = push_path.apply_batch(rt.sessions, actor, body.mutations)
    except SeqGap as gap:
        detail = (
            f"Thiếu thay đổi số {gap.expected_seq}: máy chủ đã nhận đến số {gap.last_seq}. "
            "Hãy gửi lại từ số còn thiếu; không thay đổi nào bị bỏ qua."
            if gap.code == "gap"
            else f"Số thứ tự đã dùng cho một thay đổi khác; máy chủ đã nhận đến số {gap.last_seq}."
        )
        error = GapError(
            detail=detail,
            code="gap" if gap.code == "gap" else "seq_reused",
            expected_seq=gap.expected_seq,
            last_seq=gap.last_seq,
            server=server_info(session),
        )
        return JSONResponse(error.model_dump(mode="json"), status_code=status.HTTP_409_CONFLICT)
    last, head, info = snapshot(session, who.client_id)
    return PushResponse(results=results, last_seq=last, feed_head=head, server=info)


@router.get("/sync/pull", response_model=PullResponse)
def pull(
    who: Operator,
    session: Db,
    cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 1000,
    entity: Annotated[str | None, Query(min_length=1, max_length=30)] = None,
) -> PullResponse | Response:
    """The feed after `cursor`; of one `entity` only when asked (a desk catching up what it skipped)."""
    applied, head, info = snapshot(session, who.client_id)
    if session.get_bind().dialect.name == "postgresql":
        changes_json, last, has_more = read_page_json(session, cursor, limit, entity)
        envelope = PullResponse(
            changes=[],
            next_cursor=last if last is not None else cursor,
            has_more=has_more,
            feed_head=max(head, last or 0),
            last_seq=applied,
            server=info,
        ).model_dump_json()
        empty = '{"changes":[]'
        assert envelope.startswith(empty)
        body = '{"changes":' + changes_json + envelope[len(empty) :]
        return Response(body.encode(), media_type="application/json")
    changes, has_more = read_page(session, cursor, limit, entity)
    return PullResponse(
        changes=changes,
        next_cursor=changes[-1].cursor if changes else cursor,
        has_more=has_more,
        feed_head=max(head, changes[-1].cursor if changes else 0),
        last_seq=applied,
        server=info,
    )
