"""Login attempts: every one recorded (never a password), too many failures lock the account or the
address for a while, and the admin reads the log. Counted in the database, so every server process
behind one PostgreSQL sees the same counts."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import Account, LoginEvent

log = logging.getLogger("tongdai1022.logins")

WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
ACCOUNT_FAILURES = 5  # wrong passwords for one account name within WINDOW
# wrong passwords from one address within WINDOW, whatever the names: high, as a whole office may sit
# behind one public address (the per-account limit is what stops a guess at one password)
ADDRESS_FAILURES = 50
FAILED = ("wrong", "disabled")
# the admin gave the account a new password or enabled it: the failures before no longer lock the name
UNLOCKED = "unlocked"


@dataclass(frozen=True)
class Lockout:
    until: datetime
    by_address: bool

    def message(self, now: datetime) -> str:
        minutes = max(1, int((self.until - now).total_seconds() // 60) + 1)
        who = "máy này" if self.by_address else "tài khoản này"
        return (
            f"Đăng nhập từ {who} tạm bị khóa vì nhập sai mật khẩu nhiều lần. Hãy thử lại sau {minutes} phút, "
            "hoặc nhờ quản trị kiểm tra tài khoản (có thể ai đó đang dò mật khẩu)."
        )

    def retry_after(self, now: datetime) -> int:
        return max(1, int((self.until - now).total_seconds()) + 1)


def normalized(username: str) -> str:
    return username.strip().lower()[:64]


def lockout(session: Session, username: str, address: str, now: datetime | None = None) -> Lockout | None:
    """The lock on this name or this address, if too many recent failures put one there; the failures
    before the admin gave the account a new password (or enabled it) no longer count for its name."""
    now = now or datetime.now(UTC)
    since = now - WINDOW
    for by_address, column, value, limit in (
        (False, LoginEvent.username, normalized(username), ACCOUNT_FAILURES),
        (True, LoginEvent.address, address[:64], ADDRESS_FAILURES),
    ):
        counted = [column == value, LoginEvent.at >= since, LoginEvent.outcome.in_(FAILED)]
        if not by_address:
            cleared = session.scalar(
                select(func.max(LoginEvent.at)).where(column == value, LoginEvent.outcome == UNLOCKED)
            )
            if cleared is not None:
                counted.append(LoginEvent.at > cleared)
        count, last = session.execute(select(func.count(), func.max(LoginEvent.at)).where(*counted)).one()
        if count >= limit and last is not None:
            until = _aware(last) + LOCKOUT
            if until > now:
                return Lockout(until, by_address)
    return None


def record(session: Session, username: str, address: str, client_id: str, outcome: str) -> None:
    """One attempt in the log (the caller commits); the server log gets it too, without any password."""
    session.add(
        LoginEvent(
            at=datetime.now(UTC),
            username=normalized(username),
            address=address[:64],
            client_id=client_id[:64],
            outcome=outcome,
        )
    )
    level = logging.INFO if outcome == "ok" else logging.WARNING
    # A name no account has is not logged: people type their password, or a citizen's number, there.
    name = normalized(username)
    shown = name if session.get(Account, name) is not None else f"(không có tài khoản, {len(name)} ký tự)"
    log.log(level, "login %s: user=%s address=%s desk=%s", outcome, shown, address, client_id)


def recent(session: Session, username: str | None = None, limit: int = 200) -> list[LoginEvent]:
    query = select(LoginEvent).order_by(LoginEvent.id.desc()).limit(limit)
    if username:
        query = query.where(LoginEvent.username == normalized(username))
    return list(session.scalars(query))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
