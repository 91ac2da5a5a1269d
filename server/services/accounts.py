"""Accounts and logins: argon2 passwords, expiring revocable tokens bound to one desktop."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from protocol import Role
from server.core.security import hash_password, new_token, token_hash, verify_password
from server.models import Account, AuthToken, UnitSession

USERNAME_PATTERN = r"^[a-z0-9._-]{2,64}$"
MIN_PASSWORD = 10
COMMON_PASSWORDS = frozenset(
    line.strip().lower()
    for line in (Path(__file__).resolve().parents[1] / "core" / "common_passwords.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
)


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
    check_password(password, username)
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


def check_password(password: str, username: str = "") -> None:
    """The rules for a new password: long enough, not on the list of common ones, not the user's name."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải dài ít nhất {MIN_PASSWORD} ký tự.")
    folded = password.strip().lower()
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2:
        raise AccountError("Mật khẩu này quá phổ biến, dễ bị dò ra. Hãy chọn một cụm từ khác, dài hơn.")
    name = username.strip().lower()
    if name and len(name) >= 3 and name in folded:
        raise AccountError("Mật khẩu không được chứa tên đăng nhập.")


def authenticate(session: Session, username: str, password: str) -> tuple[Account | None, str]:
    """The account and "ok", or None and why not ("wrong": no such name or a wrong password, told apart
    nowhere; "disabled"). An unknown name costs one argon2 verification like a known one."""
    account = session.get(Account, username.strip().lower())
    valid = verify_password(account.password_hash if account else None, password)
    if account is None or not valid:
        return None, "wrong"
    if not account.active:
        return None, "disabled"
    return account, "ok"


def issue_token(
    session: Session, secret: str, account: Account, client_id: str, hours: int
) -> tuple[str, datetime]:
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
    return token, expires


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


SESSION_ID_LENGTH = 16  # a prefix of the token's keyed hash: names a login without revealing anything


WEB_CLIENT = "web"  # a unit's browser on the server's pages (the login log names it so too)


@dataclass(frozen=True)
class ActiveSession:
    """One login still valid: a desk's or a script's token, or a unit's browser session."""

    session_id: str  # a prefix of the keyed hash of its token or cookie
    username: str
    client_id: str
    created_at: datetime
    expires_at: datetime


def active_sessions(session: Session) -> list[ActiveSession]:
    """Every login that can still read data, the newest first: API tokens and units' browser sessions."""
    now = datetime.now(UTC)
    tokens = session.scalars(
        select(AuthToken).where(AuthToken.revoked_at.is_(None), AuthToken.expires_at > now)
    )
    browsers = session.scalars(select(UnitSession).where(UnitSession.expires_at > now))
    found = [
        ActiveSession(t.token_hash[:SESSION_ID_LENGTH], t.username, t.client_id, t.created_at, t.expires_at)
        for t in tokens
    ] + [
        ActiveSession(b.token_hash[:SESSION_ID_LENGTH], b.username, WEB_CLIENT, b.created_at, b.expires_at)
        for b in browsers
    ]
    return sorted(found, key=lambda login: _aware(login.created_at), reverse=True)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def revoke_session(session: Session, session_id: str) -> bool:
    """Ends one login by its id (the first characters of its token's or cookie's hash); False when none
    matches. A unit's browser session is deleted, as signing out does."""
    if not re.fullmatch(f"[0-9a-f]{{{SESSION_ID_LENGTH}}}", session_id):
        return False
    prefix = func.substr(AuthToken.token_hash, 1, SESSION_ID_LENGTH)  # exact: no LIKE wildcards
    found = session.scalars(
        select(AuthToken).where(prefix == session_id, AuthToken.revoked_at.is_(None))
    ).all()
    for token in found:
        token.revoked_at = datetime.now(UTC)
    browser_prefix = func.substr(UnitSession.token_hash, 1, SESSION_ID_LENGTH)
    browsers = session.scalars(select(UnitSession).where(browser_prefix == session_id)).all()
    for browser in browsers:
        session.delete(browser)
    return bool(found) or bool(browsers)
