"""Administrator endpoints: accounts and catalogs (units, fields, levels, holidays, knowledge base)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, select

from protocol import Role
from protocol.records import CatalogKind
from server.api.deps import Admin, Db
from server.core.security import hash_password
from server.models import Account
from server.services import accounts, catalogs, logins
from server.services.accounts import USERNAME_PATTERN
from server.services.ticket_areas import restamp_in_background

router = APIRouter(prefix="/api/v1")


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN)
    password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=256)
    role: Role
    full_name: str = Field(default="", max_length=200)


class AccountChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=accounts.MIN_PASSWORD, max_length=256)
    full_name: str | None = Field(default=None, max_length=200)


class AccountOut(BaseModel):
    username: str
    full_name: str
    role: Role
    active: bool


def _out(account: Account) -> AccountOut:
    return AccountOut(
        username=account.username, full_name=account.full_name, role=Role(account.role), active=account.active
    )


@router.get("/accounts", response_model=list[AccountOut])
def list_accounts(_: Admin, session: Db) -> list[AccountOut]:
    return [_out(a) for a in session.scalars(select(Account).order_by(Account.username))]


@router.post("/accounts", response_model=AccountOut, status_code=status.HTTP_201_CREATED)
def create_account(body: AccountIn, _: Admin, session: Db) -> AccountOut:
    try:
        with session.begin():
            account = accounts.create_account(
                session, body.username, body.password, body.role, body.full_name
            )
    except accounts.AccountError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
    return _out(account)


@router.patch("/accounts/{username}", response_model=AccountOut)
def change_account(
    username: Annotated[str, Path(max_length=64)], body: AccountChange, who: Admin, session: Db
) -> AccountOut:
    with session.begin():
        account = session.get(Account, username, with_for_update=True)
        if account is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"Không có tài khoản «{username}».")
        if account.username == who.username and (body.active is False or body.role not in (None, Role.ADMIN)):
            raise HTTPException(
                status.HTTP_409_CONFLICT, "Không tự khoá hoặc tự hạ quyền tài khoản quản trị đang dùng."
            )
        if body.role is not None:
            account.role = body.role.value
        if body.full_name is not None:
            account.full_name = body.full_name
        if body.active is not None:
            account.active = body.active
        if body.password is not None:
            try:
                accounts.check_password(body.password, account.username)
            except accounts.AccountError as error:
                raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, str(error)) from None
            account.password_hash = hash_password(body.password)
        if body.password is not None or body.active is True:  # what the lock message sends them to ask for
            logins.record(session, account.username, "quan-tri", "admin-api", logins.UNLOCKED)
        if body.password is not None or body.active is False or body.role is not None:
            accounts.revoke_all(session, account.username)
        return _out(account)


@router.put("/catalog/{kind}/{key}")
def put_catalog_entry(
    kind: CatalogKind,
    key: Annotated[str, Path(min_length=1, max_length=64)],
    body: Annotated[dict[str, Any], Body()],
    who: Admin,
    session: Db,
    background: BackgroundTasks,
) -> dict[str, Any]:
    """The entry as stored; with `notice` when the tickets' areas are being read again in the background."""
    try:
        with session.begin():
            saved = catalogs.put(session, kind, key, body, who.username)
    except catalogs.CatalogError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    engine = session.get_bind()
    if catalogs.areas_reread_asked(session) and isinstance(engine, Engine):
        background.add_task(restamp_in_background, engine)
        return {**saved, "notice": catalogs.AREAS_NOTICE}
    return saved


@router.delete("/catalog/{kind}/{key}", status_code=status.HTTP_204_NO_CONTENT)
def delete_catalog_entry(
    kind: CatalogKind, key: Annotated[str, Path(min_length=1, max_length=64)], _: Admin, session: Db
) -> None:
    try:
        with session.begin():
            found = catalogs.delete(session, kind, key)
    except catalogs.CatalogError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"Không có mục «{key}» trong danh mục {kind.value}.")
