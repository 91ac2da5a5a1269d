"""A citizen looks up their own ticket by its code and the last four digits of the phone number they called
from: its step, its unit and the answer, nothing else. Throttled per address (and per code, against many
addresses guessing one ticket's digits), counted in the database so every server process sees the same;
a wrong code and wrong digits get the same answer, so a guess learns nothing about which was wrong."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from protocol.vocabulary import vocabulary
from server.models import Forwarding, LookupAttempt, Ticket, Unit
from server.services import access_trail, citizen_masking
from server.services import forwarding as steps

ADDRESS_WINDOW = timedelta(minutes=15)
ADDRESS_FAILURES = 10  # a citizen mistypes a few times; a guesser needs thousands
CODE_WINDOW = timedelta(hours=24)
CODE_FAILURES = 20  # one ticket's 10,000 possible digits, guessed from many addresses, take years
KEPT = timedelta(days=1)
LAST_FOUR = re.compile(r"\d{4}")
RESOLVED = vocabulary()["status"].one_with_role("resolved")
LOOKUP_ACTOR = "cong-dan:tra-cuu"


@dataclass(frozen=True)
class Found:
    code: str
    step: str
    unit: str
    answer: str


@dataclass(frozen=True)
class Throttled:
    minutes: int

    def message(self) -> str:
        return (
            f"Tra cứu tạm dừng vì đã nhập sai nhiều lần. Hãy thử lại sau {self.minutes} phút, "
            "hoặc gọi Tổng đài 1022 để được hỗ trợ."
        )


NOT_FOUND = (
    "Không tìm thấy phiếu với mã và 4 số cuối điện thoại này. Hãy kiểm tra lại mã phiếu (Tổng đài đọc "
    "hoặc nhắn cho anh/chị khi tiếp nhận) và 4 số cuối của số điện thoại đã gọi đến Tổng đài."
)
BAD_INPUT = "Hãy nhập mã phiếu và đúng 4 chữ số cuối của số điện thoại đã gọi đến Tổng đài."


def clean_code(typed: str) -> str:
    return "".join(typed.split()).upper()[:40]


def throttled(session: Session, address: str, code: str, now: datetime) -> Throttled | None:
    """The pause on this address (or on this code, whoever asks), if recent failures put one there."""
    for column, value, window, limit in (
        (LookupAttempt.address, address[:64], ADDRESS_WINDOW, ADDRESS_FAILURES),
        (LookupAttempt.code, code, CODE_WINDOW, CODE_FAILURES),
    ):
        failures, last = session.execute(
            select(func.count(), func.max(LookupAttempt.at)).where(
                column == value, LookupAttempt.at >= now - window, LookupAttempt.found.is_(False)
            )
        ).one()
        if failures >= limit and last is not None:
            until = _aware(last) + window
            return Throttled(max(1, int((until - now).total_seconds() // 60) + 1))
    return None


def look_up(session: Session, address: str, typed_code: str, last_four: str) -> Found | Throttled | None:
    """The step, unit and answer; None for a wrong code or wrong digits alike (the caller commits)."""
    now = datetime.now(UTC)
    code = clean_code(typed_code)
    pause = throttled(session, address, code, now)
    if pause is not None:
        return pause
    ticket = session.scalar(select(Ticket).where(Ticket.code.in_({code, typed_code.strip()[:40]})).limit(1))
    digits = re.sub(r"\D", "", ticket.phone) if ticket is not None else ""
    # compared in constant time, and compared even without a ticket, so both refusals take the same path
    matches = hmac.compare_digest((digits[-4:] if len(digits) >= 6 else "----").encode(), last_four.encode())
    found = ticket is not None and matches
    session.execute(delete(LookupAttempt).where(LookupAttempt.at < now - KEPT))
    session.add(LookupAttempt(at=now, address=address[:64], code=code, found=found))
    if not found or ticket is None:
        return None
    access_trail.record_access(
        session,
        actor=LOOKUP_ACTOR,
        origin="web",
        subject_kind="ticket",
        subject=ticket.id,
        screen="citizen_lookup",
        reason="open",
    )
    return _seen_by_citizen(session, ticket)


def _seen_by_citizen(session: Session, ticket: Ticket) -> Found:
    latest = session.scalar(
        select(Forwarding)
        .where(Forwarding.ticket_id == ticket.id)
        .order_by(Forwarding.forwarded_at.desc(), Forwarding.id)
        .limit(1)
    )
    returned = latest is not None and latest.state == "returned" and ticket.status != RESOLVED
    unit_code = latest.unit_code if latest is not None else ticket.unit_code
    unit = session.get(Unit, unit_code) if unit_code and not returned else None
    unit_name = unit.name if unit is not None else ""
    answered = ticket.status == RESOLVED or (latest is not None and latest.state == "answered")
    return Found(
        code=ticket.code,
        step=_step(ticket, latest, unit_name),
        unit=unit_name or "Tổng đài 1022",
        answer=_without_citizen(ticket.public_answer or ticket.answer, ticket) if answered else "",
    )


def _without_citizen(text: str, ticket: Ticket) -> str:
    """The answer with the citizen's own name, address and numbers masked: a code and four digits are a
    weak proof, so the page says what was answered, not who asked (operators write "đã gọi lại chị Lan")."""
    return citizen_masking.masked_citizen(text, ticket.citizen_name, ticket.citizen_address)


def _step(ticket: Ticket, latest: Forwarding | None, unit_name: str) -> str:
    if ticket.status == RESOLVED:
        return "Đã xử lý xong"
    if latest is None:
        return "Tổng đài 1022 đang xử lý"
    if latest.state == steps.OPEN:
        return f"Đã chuyển {unit_name or 'đơn vị'} xử lý; hạn trả lời {latest.deadline:%d/%m/%Y}"
    if latest.state == "answered":
        return f"{unit_name or 'Đơn vị'} đã trả lời; Tổng đài 1022 sẽ gọi lại báo kết quả"
    return "Tổng đài 1022 đang chuyển phiếu đến đơn vị có thẩm quyền"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
