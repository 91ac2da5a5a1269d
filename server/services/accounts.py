"""Accounts and logins: argon2 passwords, expiring revocable tokens bound to one desktop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from protocol import Role
from server.core.security import hash_password, new_token, token_hash, verify_password
from server.models import Account, AuthToken

USERNAME_PATTERN = r"^[a-z0-9._-]{2,64}$"
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A refused account change; the message is Vietnamese."""


@dataclass(frozen=True)
class Principal:
    """Who a valid token belongs to."""

    username: str
    full_name: str
    role: Role
    client_id: str
    token_hash: str


def create_account(
    session: Session, username: str, password: str, role: Role, full_name: str = ""
) -> Account:
    username = username.strip().lower()
    if session.get(Account, username) is not None:
        raise AccountError(f"Tài khoản «{username}» đã có.")
    check_password(password)
    account = Account(
        username=username,
        full_name=full_name.strip(),
        role=role.value,
        password_hash=hash_password(password),
        active=True,
        created_at=datetime.now(UTC),
    )
    session.add(account)
    return account


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải dài ít nhất {MIN_PASSWORD} ký tự.")


def login(
    session: Session, secret: str, username: str, password: str, client_id: str, hours: int
) -> tuple[Account, str, datetime] | None:
    account = session.get(Account, username.strip().lower())
    valid = verify_password(account.password_hash if account else None, password)
    if account is None or not valid or not account.active:
        return None
    token = new_token()
    now = datetime.now(UTC)
    expires = now + timedelta(hours=hours)
    session.add(
        AuthToken(
            token_hash=token_hash(secret, token),
            username=account.username,
            client_id=client_id,
            created_at=now,
            expires_at=expires,
        )
    )
    return account, token, expires


def principal_for(session: Session, secret: str, token: str) -> Principal | None:
    hashed = token_hash(secret, token)
    row = session.execute(
        select(AuthToken, Account)
        .join(Account, Account.username == AuthToken.username)
        .where(AuthToken.token_hash == hashed)
    ).one_or_none()
    if row is None:
        return None
    auth, account = row
    if auth.revoked_at is not None or auth.expires_at <= datetime.now(UTC) or not account.active:
        return None
    return Principal(account.username, account.full_name, Role(account.role), auth.client_id, hashed)


def revoke(session: Session, hashed: str) -> None:
    session.execute(
        update(AuthToken).where(AuthToken.token_hash == hashed).values(revoked_at=datetime.now(UTC))
    )


def revoke_all(session: Session, username: str) -> None:
    session.execute(
        update(AuthToken)
        .where(AuthToken.username == username, AuthToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
