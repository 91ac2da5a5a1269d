"""Unit staff accounts for the units' web page: one unit each, password rules and throttling as for the
desks' accounts, browser sessions kept as keyed hashes with the CSRF token their forms must carry."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from server.core.security import hash_password, token_hash, verify_password
from server.models import Unit, UnitAccount, UnitSession
from server.services.accounts import USERNAME_PATTERN, AccountError, check_password

SESSION_HOURS = 10  # a working day; the unit signs in again tomorrow
LOGIN_PREFIX = "don-vi:"  # their login attempts share the log and throttle with the desks', apart by name


def create(
    session: Session, username: str, unit_code: str, password: str, full_name: str = "", email: str = ""
) -> UnitAccount:
    username = username.strip().lower()
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise AccountError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch (2-64 ký tự).")
    if session.get(UnitAccount, username) is not None:
        raise AccountError(f"Tài khoản đơn vị «{username}» đã có.")
    unit = session.get(Unit, unit_code)
    if unit is None or not unit.active:
        raise AccountError(f"Không có đơn vị «{unit_code}» đang hoạt động trong danh mục.")
    check_password(password, username)
    account = UnitAccount(
        username=username,
        unit_code=unit_code,
        full_name=full_name.strip(),
        email=email.strip(),
        password_hash=hash_password(password),
        active=True,
        created_at=datetime.now(UTC),
    )
    session.add(account)
    return account


def authenticate(session: Session, username: str, password: str) -> tuple[UnitAccount | None, str]:
    account = session.get(UnitAccount, username.strip().lower())
    if not verify_password(account.password_hash if account else None, password) or account is None:
        return None, "wrong"
    if not account.active:
        return None, "disabled"
    return account, "ok"


def open_session(session: Session, secret: str, account: UnitAccount) -> str:
    """A new browser session; returns the cookie's value (kept only as its keyed hash)."""
    cookie = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    session.add(
        UnitSession(
            token_hash=token_hash(secret, cookie),
            username=account.username,
            csrf=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    return cookie


def signed_in(session: Session, secret: str, cookie: str | None) -> tuple[UnitAccount, UnitSession] | None:
    if not cookie:
        return None
    found = session.get(UnitSession, token_hash(secret, cookie))
    if found is None or _aware(found.expires_at) <= datetime.now(UTC):
        return None
    account = session.get(UnitAccount, found.username)
    if account is None or not account.active:
        return None
    return account, found


def close_session(session: Session, secret: str, cookie: str | None) -> None:
    if cookie:
        session.execute(delete(UnitSession).where(UnitSession.token_hash == token_hash(secret, cookie)))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
