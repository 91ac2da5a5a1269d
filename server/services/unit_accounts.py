"""Unit staff accounts for the units' web page: one unit each, password rules and throttling as for the
desks' accounts, browser sessions kept as keyed hashes with the CSRF token their forms must carry; the
admin's changes over the years (address, password, disable, another unit) end the browser sessions that
must not outlive them."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.core.security import hash_password, token_hash, verify_password
from server.models import Forwarding, MailMessage, Unit, UnitAccount, UnitSession
from server.services import logins
from server.services.accounts import USERNAME_PATTERN, AccountError, check_password

SESSION_HOURS = 10  # a working day; the unit signs in again tomorrow
LOGIN_PREFIX = "don-vi:"  # their login attempts share the log and throttle with the desks', apart by name
EMAIL_PATTERN = r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+"


def create(
    session: Session, username: str, unit_code: str, password: str, full_name: str = "", email: str = ""
) -> UnitAccount:
    username = username.strip().lower()
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise AccountError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch (2-64 ký tự).")
    if session.get(UnitAccount, username) is not None:
        raise AccountError(f"Tài khoản đơn vị «{username}» đã có.")
    _check_unit(session, unit_code)
    check_password(password, username)
    account = UnitAccount(
        username=username,
        unit_code=unit_code,
        full_name=full_name.strip(),
        email=_checked_email(email),
        password_hash=hash_password(password),
        active=True,
        created_at=datetime.now(UTC),
    )
    session.add(account)
    return account


def _check_unit(session: Session, unit_code: str) -> None:
    unit = session.get(Unit, unit_code)
    if unit is None or not unit.active:
        raise AccountError(f"Không có đơn vị «{unit_code}» đang hoạt động trong danh mục.")


def _checked_email(email: str) -> str:
    email = email.strip()
    if email and (len(email) > 200 or not re.fullmatch(EMAIL_PATTERN, email)):
        raise AccountError(
            f"Địa chỉ thư «{email[:200]}» không hợp lệ: hãy viết một địa chỉ dạng ten@donvi.gov.vn "
            "(để trống nếu tài khoản không nhận thư)."
        )
    return email


def all_accounts(session: Session, unit_code: str | None = None) -> list[UnitAccount]:
    """Every unit account (or one unit's), by unit then name."""
    query = select(UnitAccount).order_by(UnitAccount.unit_code, UnitAccount.username)
    if unit_code is not None:
        query = query.where(UnitAccount.unit_code == unit_code)
    return list(session.scalars(query))


def change(
    session: Session,
    username: str,
    *,
    email: str | None = None,
    unit_code: str | None = None,
    full_name: str | None = None,
    password: str | None = None,
    active: bool | None = None,
) -> tuple[UnitAccount, list[str]]:
    """The admin's change of an account; returns it and what changed (Vietnamese). A new password, a
    disabled account or another unit ends its browser sessions at once: staff who left, or a password
    someone else learnt, or a page of the unit's tickets someone no longer belongs to."""
    account = session.get(UnitAccount, username.strip().lower(), with_for_update=True)
    if account is None:
        raise AccountError(
            f"Không có tài khoản đơn vị «{username.strip()[:64]}». "
            "Xem danh sách: tongdai1022-server unit-accounts."
        )
    done: list[str] = []
    unit_before = account.unit_code
    if unit_code is not None and unit_code != account.unit_code:
        _check_unit(session, unit_code)
        done.append(f"chuyển từ đơn vị {account.unit_code} sang {unit_code}")
        account.unit_code = unit_code
    if email is not None and _checked_email(email) != account.email:
        new_email = _checked_email(email)
        if new_email:
            _readdress_waiting_mail(session, account, new_email)
        done.append(f"địa chỉ thư: {new_email or '(không nhận thư)'}")
        account.email = new_email
    if full_name is not None and full_name.strip() != account.full_name:
        account.full_name = full_name.strip()
        done.append("họ tên")
    if password is not None:
        check_password(password, account.username)
        account.password_hash = hash_password(password)
        done.append("mật khẩu mới")
    if active is not None and active != account.active:
        account.active = active
        done.append("mở lại" if active else "khóa")
    if password is not None or active is True:  # what the lock message tells the locked-out to ask for
        logins.record(session, LOGIN_PREFIX + account.username, "quan-tri", "console", logins.UNLOCKED)
    if done and (password is not None or active is False or account.unit_code != unit_before):
        session.execute(delete(UnitSession).where(UnitSession.username == account.username))
        done.append("các phiên đăng nhập đang mở (nếu có) đã kết thúc")
    return account, done


def _readdress_waiting_mail(session: Session, account: UnitAccount, new_email: str) -> None:
    """Unsent mail about the unit's open tickets that was going to the old address, or had nowhere to go
    (listed for the admin), goes to the new address at the next `send-mail`, tried afresh; an old
    address another account of the unit still has keeps its mail."""
    shared = session.scalar(
        select(UnitAccount.username).where(
            UnitAccount.unit_code == account.unit_code,
            UnitAccount.email == account.email,
            UnitAccount.username != account.username,
        )
    )
    old = [account.email] if account.email and shared is None else []
    waiting = session.scalars(
        select(MailMessage)
        .join(Forwarding, Forwarding.id == MailMessage.forwarding_id)
        .where(
            MailMessage.sent_at.is_(None),
            Forwarding.unit_code == account.unit_code,
            MailMessage.recipient.in_(["", *old]),
        )
    )
    for mail in waiting:
        mail.recipient, mail.attempts, mail.last_error = new_email, 0, ""


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
