"""Tickets forwarded to units: the deadline in working days, the unit's answer, return or request for
more time. The unit's answer reaches the desks as an edit of the ticket through the one server write
path (tickets.update), so it merges with operators' offline edits by the same rules: a raced answer
becomes a conflict a supervisor settles, never a silent overwrite. Every step also publishes the
forwarding itself (feed entity "forwarding", `forwarding_data`): a server-owned record the desks keep
read-only for the ticket's history, a newer version replacing the older."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from protocol.shipped_catalogs import shipped_days, shipped_deadline_days
from protocol.workdays import WorkCalendar
from server.models import Forwarding, Holiday, LevelRule, Ticket, Unit, UnitAccount
from server.services import tickets
from server.services.feed import PendingChanges, publish

OPEN = "forwarded"
VN = timezone(timedelta(hours=7))  # reception days and deadlines are Vietnam's days
UNIT_RANK = 2  # a unit's answer is not overwritten by an operator's later edit of the same field
MAX_EXTENSION_DAYS = 30
ENTITY = "forwarding"  # the feed's name for a forwarding; desks never push one


class ForwardRefused(ValueError):
    """Why a step was refused, in Vietnamese."""


def ticket_by_id(session: Session, ticket_id: str) -> Ticket | None:
    return session.scalar(select(Ticket).where(Ticket.id == ticket_id))


def work_calendar(session: Session) -> WorkCalendar:
    """The shipped holidays and swapped Saturdays with the admin's days over them, as every desk counts
    them (a desk loads the shipped catalog and pulls the server's days on top)."""
    days = dict(shipped_days())
    for day, working in session.execute(select(Holiday.day, Holiday.is_working_day)):
        days[day] = working
    return WorkCalendar.of(
        (day for day, working in days.items() if not working),
        (day for day, working in days.items() if working),
    )


def deadline_for(session: Session, level: int, start: date) -> date:
    rule = session.get(LevelRule, level)
    # no rule entered on the server: the level catalog the desks ship (they show and count by it too)
    days = rule.deadline_working_days if rule is not None else shipped_deadline_days().get(level, 10)
    return work_calendar(session).add_working_days(start, days)


def forward(session: Session, ticket_id: str, unit_code: str, by: str, now: datetime) -> Forwarding:
    """Sends a level 2-4 ticket to an active unit; a returned ticket may be forwarded again elsewhere."""
    ticket = ticket_by_id(session, ticket_id)
    if ticket is None:
        raise ForwardRefused(
            "Không có phiếu này trên máy chủ (có thể chưa đồng bộ lên): hãy đồng bộ "
            "(F6: Máy chủ ▸ Đồng bộ ngay) rồi chuyển lại."
        )
    if ticket.level < 2:
        raise ForwardRefused(
            "Chỉ chuyển đơn vị phiếu cấp độ 2 đến 4; phiếu cấp độ 1 trả lời ngay. "
            "Nếu phiếu cần đơn vị trả lời, hãy sửa cấp độ, lưu rồi chuyển lại."
        )
    unit = session.get(Unit, unit_code)
    if unit is None or not unit.active:
        raise ForwardRefused(
            f"Không có đơn vị «{unit_code}» đang hoạt động trong danh mục: hãy chọn đơn vị khác, "
            "hoặc báo quản trị viên kiểm tra danh mục đơn vị."
        )
    if session.scalar(
        select(Forwarding.id).where(Forwarding.ticket_id == ticket_id, Forwarding.state == OPEN)
    ):
        raise ForwardRefused(
            "Phiếu này đang chờ đơn vị trả lời: không chuyển lần nữa. Nếu chuyển nhầm đơn vị, hãy nhờ "
            "đơn vị trả lại phiếu (không thuộc thẩm quyền) rồi chuyển đơn vị khác; "
            "cần gấp thì báo giám sát viên."
        )
    forwarding = Forwarding(
        id=str(uuid.uuid4()),
        ticket_id=ticket_id,
        unit_code=unit_code,
        state=OPEN,
        forwarded_at=now,
        forwarded_by=by,
        deadline=deadline_for(session, ticket.level, _vn_day(now)),
        version=1,
        earlier_extensions=[],
    )
    forwarding.first_deadline = forwarding.deadline
    session.add(forwarding)
    # The unit's deadline is the ticket's from now on: every desk counts its days left to it. A ticket a
    # unit returned is with a unit again: its step is no longer "returned" on any desk; one a unit answered
    # and is forwarded again waits for the new unit's answer: no desk shows it answered or calls back.
    changes: dict[str, Any] = {"unit_code": unit_code, "deadline": forwarding.deadline.isoformat()}
    if ticket.return_reason:
        changes["return_reason"] = ""
    if ticket.unit_answered_at is not None:
        changes["unit_answered_at"] = None
    _edit_ticket(session, ticket, changes, by, UNIT_RANK, "tong-dai", now, forwarding, new=True)
    return forwarding


def answer(
    session: Session, forwarding: Forwarding, account: UnitAccount, text: str, attachment: str, now: datetime
) -> None:
    _still_open(forwarding)
    if not text.strip():
        raise ForwardRefused("Hãy viết nội dung trả lời.")
    forwarding.state, forwarding.answered_at = "answered", now
    forwarding.answered_by, forwarding.answer, forwarding.attachment = (
        account.username,
        text.strip(),
        attachment,
    )
    ticket = ticket_by_id(session, forwarding.ticket_id)
    assert ticket is not None
    changes = {"answer": text.strip(), "unit_answered_at": now.isoformat()}  # "answer ready" on every desk
    _edit_ticket(session, ticket, changes, _by(account), UNIT_RANK, _desk(account), now, forwarding)


def return_to_centre(
    session: Session, forwarding: Forwarding, account: UnitAccount, reason: str, now: datetime
) -> None:
    _still_open(forwarding)
    if not reason.strip():
        raise ForwardRefused(
            "Hãy ghi lý do trả lại (ví dụ: không thuộc thẩm quyền, nên chuyển cho đơn vị nào)."
        )
    forwarding.state, forwarding.returned_at, forwarding.return_reason = "returned", now, reason.strip()
    forwarding.answered_by = account.username
    # The desks see it back at the centre, with the unit's reason, until an operator forwards it again.
    ticket = ticket_by_id(session, forwarding.ticket_id)
    assert ticket is not None
    changes = {"return_reason": reason.strip()}
    _edit_ticket(session, ticket, changes, _by(account), UNIT_RANK, _desk(account), now, forwarding)


def ask_for_time(
    session: Session, forwarding: Forwarding, account: UnitAccount, reason: str, days: int, now: datetime
) -> None:
    _still_open(forwarding)
    if forwarding.extension_state == "asked":
        raise ForwardRefused("Đơn vị đã xin thêm thời gian; hãy chờ giám sát viên trả lời.")
    if not reason.strip() or not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ForwardRefused(f"Hãy ghi lý do và số ngày làm việc xin thêm (1 đến {MAX_EXTENSION_DAYS}).")
    if forwarding.extension_state in ("granted", "refused"):  # its answered request stays in the history
        forwarding.earlier_extensions = [
            *(forwarding.earlier_extensions or []),
            _extension_record(forwarding),
        ]
    forwarding.extension_state, forwarding.extension_reason = "asked", reason.strip()
    forwarding.extension_days = days
    forwarding.extension_asked_at, forwarding.extension_asked_by = now, _by(account)
    forwarding.extension_decided_at, forwarding.extension_decided_by = None, ""
    feed = PendingChanges()
    publish_step(feed, forwarding)
    publish(session, feed)


def decide_extension(
    session: Session, forwarding: Forwarding, grant: bool, by: str = "giam-sat", now: datetime | None = None
) -> None:
    """A supervisor's answer to a request for more time: granted moves the deadline by working days, the
    ticket's with it."""
    if forwarding.extension_state != "asked":
        raise ForwardRefused("Không có yêu cầu gia hạn nào đang chờ.")
    now = now or datetime.now(UTC)
    forwarding.extension_state = "granted" if grant else "refused"
    forwarding.extension_decided_at, forwarding.extension_decided_by = now, by[:64]
    if grant:
        forwarding.deadline = work_calendar(session).add_working_days(
            forwarding.deadline, forwarding.extension_days
        )
        ticket = ticket_by_id(session, forwarding.ticket_id)
        if ticket is not None:
            changes = {"deadline": forwarding.deadline.isoformat()}
            _edit_ticket(session, ticket, changes, by, UNIT_RANK, "tong-dai", now, forwarding)
            return
    feed = PendingChanges()
    publish_step(feed, forwarding)
    publish(session, feed)


def extension_requests(session: Session) -> list[tuple[Forwarding, Ticket]]:
    """Requests for more time a supervisor has not answered yet, the oldest first."""
    rows = session.execute(
        select(Forwarding, Ticket)
        .join(Ticket, Ticket.id == Forwarding.ticket_id)
        .where(Forwarding.extension_state == "asked", Forwarding.state == OPEN)
        .order_by(Forwarding.extension_asked_at, Forwarding.id)
    ).all()
    return [(forwarding, ticket) for forwarding, ticket in rows]


def ticket_steps(session: Session, ticket_id: str) -> list[dict[str, Any]]:
    """The ticket's life with the units, oldest first: each step's moment, who, the unit and its words
    (forwarded, answered, returned, more time asked, granted or refused)."""
    steps: list[dict[str, Any]] = []
    for f in session.scalars(
        select(Forwarding).where(Forwarding.ticket_id == ticket_id).order_by(Forwarding.forwarded_at)
    ):

        def step(kind: str, at: datetime | None, by: str, text: str = "", f: Forwarding = f) -> None:
            if at is not None:
                steps.append(
                    {"step": kind, "at": at, "by": by, "unit_code": f.unit_code, "text": text,
                     "deadline": f.deadline, "forwarding_id": f.id,
                     "attachment": kind == "answered" and bool(f.attachment)}
                )  # fmt: skip

        step("forwarded", f.forwarded_at, f.forwarded_by)
        for earlier in f.earlier_extensions or []:
            step("extension_asked", _moment(earlier["asked_at"]), earlier["asked_by"], earlier["reason"])
            step(f"extension_{earlier['state']}", _moment(earlier["decided_at"]), earlier["decided_by"])
        step("extension_asked", f.extension_asked_at, f.extension_asked_by, f.extension_reason)
        if f.extension_state in ("granted", "refused"):
            step(f"extension_{f.extension_state}", f.extension_decided_at, f.extension_decided_by)
        unit_person = f"don-vi:{f.answered_by}"[:64]  # as the ticket's revisions name a unit's staff
        step("answered", f.answered_at if f.state == "answered" else None, unit_person, f.answer)
        step("returned", f.returned_at, unit_person, f.return_reason)
    return sorted(steps, key=lambda s: s["at"])


def inbox(
    session: Session, unit_code: str, limit: int | None = None, offset: int = 0
) -> list[tuple[Forwarding, Ticket]]:
    """The unit's open tickets, the nearest deadline first (a page of them when `limit` is given)."""
    rows = session.execute(
        select(Forwarding, Ticket)
        .join(Ticket, Ticket.id == Forwarding.ticket_id)
        .where(Forwarding.unit_code == unit_code, Forwarding.state == OPEN)
        .order_by(Forwarding.deadline, Forwarding.forwarded_at, Forwarding.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [(forwarding, ticket) for forwarding, ticket in rows]


def open_count(session: Session, unit_code: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(Forwarding.unit_code == unit_code, Forwarding.state == OPEN)
        )
        or 0
    )


def light(deadline: date, today: date, calendar: WorkCalendar) -> str:
    """red: past the deadline; yellow: the deadline is the last working day left (today, or the next
    working day after a weekend or a holiday), and on the last working day before days off the staff
    come back from on the deadline's day (before Tết: their last day in the office with time left);
    green: more time left."""
    if today > deadline:
        return "red"
    after_today = calendar.working_days_between(today, deadline)
    if not calendar.is_working_day(today):
        return "yellow" if after_today <= 1 else "green"
    if after_today == 0:  # the deadline is today
        return "yellow"
    back_on_the_deadline = after_today == 1 and (deadline - today).days > 1
    return "yellow" if back_on_the_deadline else "green"


def _still_open(forwarding: Forwarding) -> None:
    if forwarding.state != OPEN:
        raise ForwardRefused("Phiếu này đã được trả lời hoặc trả lại; không sửa được nữa.")


def _by(account: UnitAccount) -> str:
    return f"don-vi:{account.username}"[:64]


def _desk(account: UnitAccount) -> str:
    return f"don-vi:{account.unit_code}"[:64]


def _vn_day(moment: datetime) -> date:
    return moment.astimezone(VN).date()


def _edit_ticket(
    session: Session,
    ticket: Ticket,
    changes: dict[str, Any],
    by: str,
    rank: int,
    client: str,
    now: datetime,
    forwarding: Forwarding,
    *,
    new: bool = False,
) -> None:
    """One edit through the server's ticket write path and the forwarding's step, published together to
    the desks' feed (the ticket first: a desk applying the page has the ticket when the step arrives)."""
    feed = PendingChanges()
    tickets.edit_from_server(session, ticket, changes, tickets.Actor(by, rank, client), now, feed)
    publish_step(feed, forwarding, new=new)
    publish(session, feed)


def forwarding_data(forwarding: Forwarding) -> dict[str, Any]:
    """What the desks get of a forwarding (least access): the unit, each step's moment, author and words,
    and the answer; of the attached official reply only whether there is one (the file stays on the
    server, its name too)."""
    f = forwarding
    answered = f.state == "answered"
    return {
        "ticket_id": f.ticket_id,
        "unit_code": f.unit_code,
        "state": f.state,
        "forwarded_at": _iso(f.forwarded_at),
        "forwarded_by": f.forwarded_by,
        "deadline": f.deadline.isoformat(),
        "first_deadline": f.first_deadline.isoformat() if f.first_deadline else None,
        "answered_at": _iso(f.answered_at) if answered else None,
        "answered_by": f.answered_by or "",
        "answer": (f.answer or "") if answered else "",
        "has_attachment": answered and bool(f.attachment),
        "returned_at": _iso(f.returned_at),
        "return_reason": f.return_reason or "",
        "extension_state": f.extension_state or "",
        "extension_reason": f.extension_reason or "",
        "extension_days": f.extension_days or 0,
        "extension_asked_at": _iso(f.extension_asked_at),
        "extension_asked_by": f.extension_asked_by or "",
        "extension_decided_at": _iso(f.extension_decided_at),
        "extension_decided_by": f.extension_decided_by or "",
        "earlier_extensions": list(f.earlier_extensions or []),
    }


def publish_step(feed: PendingChanges, forwarding: Forwarding, *, new: bool = False) -> None:
    """The forwarding's next version in the feed (a new one is version 1)."""
    if not new:
        forwarding.version = (forwarding.version or 1) + 1
    feed.record(
        ENTITY, forwarding.id, forwarding.version, forwarding_data(forwarding), origin_client="may-chu"
    )


def _extension_record(f: Forwarding) -> dict[str, Any]:
    return {
        "asked_at": _iso(f.extension_asked_at),
        "asked_by": f.extension_asked_by,
        "reason": f.extension_reason,
        "days": f.extension_days,
        "state": f.extension_state,
        "decided_at": _iso(f.extension_decided_at),
        "decided_by": f.extension_decided_by,
        "deadline": f.deadline.isoformat(),  # the deadline after the decision
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text)
