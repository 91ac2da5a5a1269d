"""Erasing a citizen on request: their number, name and address removed from every ticket and call on the
server, the ticket texts marked as redacted, and every desk told (by the number's digest) to do the same.
The report's counts do not change: they count tickets and calls, not who made them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol.erasure import ENTITY, REDACTED_TEXT, phone_digest, text_scrubber
from server.models import Call, Conflict, Forwarding, Ticket
from server.services import access_trail, forwarding, revisions, tickets
from server.services.calls import call_data
from server.services.feed import PendingChanges, publish

ERASER_RANK = 3  # an admin's erasure is not undone by an operator's later edit of the same fields


@dataclass(frozen=True)
class Erased:
    tickets: int
    calls: int


def erase_citizen(
    session: Session, phone_e164: str, by: str, now: datetime, *, named: set[str] | None = None
) -> Erased:
    """Erases one citizen. `named` collects their names and addresses for a caller that scrubs the access
    trail itself, once for many citizens (the retention); without it the trail is scrubbed here."""
    feed = PendingChanges()
    # First in the feed: a desk erases while its own rows still carry the number, so it finds the calls
    # (and their recordings) before the server's blanked copies of them arrive, in this page or a later one.
    feed.record(
        ENTITY, str(uuid.uuid4()), 1, {"phone_digest": phone_digest(phone_e164), "at": now.isoformat()}
    )
    found = list(session.scalars(select(Ticket).where(Ticket.phone == phone_e164)))
    names = {text for ticket in found for text in (ticket.citizen_name, ticket.citizen_address) if text}
    for ticket in found:
        _redact_ticket(session, ticket, by, now, feed)
    calls = list(session.scalars(select(Call).where(Call.phone == phone_e164)))
    for call in calls:
        call.phone, call.citizen_id = "", None
        call.version += 1
        feed.record("call", call.id, call.version, call_data(call), origin_client="may-chu")
    session.flush()
    if named is None:
        access_trail.erase_subjects(session, [phone_e164], names)
    else:
        named |= names
    publish(session, feed)
    return Erased(len(found), len(calls))


def apply_retention(session: Session, cutoff: datetime, by: str, now: datetime) -> Erased:
    """Tickets received before `cutoff` lose their citizen's data as an erasure would take it; a citizen with
    nothing newer (no later ticket or call) is erased outright, on every desk too."""
    old_phones = set(
        session.scalars(
            select(Ticket.phone).where(Ticket.received_at < cutoff, Ticket.phone != "").distinct()
        )
    )
    recent = set(
        session.scalars(
            select(Ticket.phone).where(Ticket.received_at >= cutoff, Ticket.phone.in_(old_phones))
        )
    ) | set(session.scalars(select(Call.phone).where(Call.started_at >= cutoff, Call.phone.in_(old_phones))))
    tickets_done = calls_done = 0
    named: set[str] = set()
    gone = sorted(old_phones - recent)
    for phone in gone:
        erased = erase_citizen(session, phone, by, now, named=named)
        tickets_done, calls_done = tickets_done + erased.tickets, calls_done + erased.calls
    access_trail.erase_subjects(session, gone, named)  # one pass over the trail for all of them
    feed = PendingChanges()
    still_known = session.scalars(
        select(Ticket).where(Ticket.received_at < cutoff, Ticket.phone.in_(old_phones & recent))
    ).all()
    for ticket in still_known:  # the citizen still calls: only their old tickets are made anonymous
        _redact_ticket(session, ticket, by, now, feed)
    publish(session, feed)
    return Erased(tickets_done + len(still_known), calls_done)


def _redact_ticket(session: Session, ticket: Ticket, by: str, now: datetime, feed: PendingChanges) -> None:
    """The citizen's fields emptied and the text marked, through the server's one ticket write path; the
    answer (often the unit's words, copied) keeps its sense but loses the citizen's name and number."""
    scrubbed = _scrubber(ticket)
    _scrub_forwardings(session, ticket, scrubbed, feed)
    changes = {"phone": "", "citizen_name": "", "citizen_address": "", "content": REDACTED_TEXT}
    # Published texts hold no personal data by rule, but an erased citizen's story leaves the public page too.
    changes |= {"publication": "khong_cong_khai", "public_question": "", "public_answer": ""}
    answer = scrubbed(ticket.answer)
    edit = changes | ({"answer": answer} if answer != ticket.answer else {})
    tickets.edit_from_server(session, ticket, edit, tickets.Actor(by, ERASER_RANK, "may-chu"), now, feed)
    revisions.scrub(session, ticket.id, changes)  # the versions kept of those fields, the erasure's own too
    # Each kept answer loses the same words, and keeps the rest: an older answer stays the older answer.
    revisions.scrub_texts(session, ticket.id, "answer", scrubbed)
    for conflict in session.scalars(select(Conflict).where(Conflict.ticket_id == ticket.id)):
        # Both sides of a text conflict hold the citizen's story: redacted, and settled for every desk.
        for side in ("base_value", "server_value", "client_value"):
            if getattr(conflict, side) is not None:
                setattr(conflict, side, REDACTED_TEXT)
        if conflict.settled_at is None:
            conflict.settled_by, conflict.settled_at = by, now
            feed.record("conflict", conflict.id, 2, None, origin_client="may-chu")


def _scrubber(ticket: Ticket) -> Callable[[str], str]:
    """A text with the ticket's citizen's number (in any written form), name and address written over."""
    return text_scrubber([ticket.phone], (ticket.citizen_name, ticket.citizen_address))


def _scrub_forwardings(
    session: Session, ticket: Ticket, scrubbed: Callable[[str], str], feed: PendingChanges
) -> None:
    """A unit's answer or reason that names the citizen or writes their number loses it, here and on every
    desk (the forwarding's next version): the desks keep these texts in the ticket's history."""
    for found in session.scalars(select(Forwarding).where(Forwarding.ticket_id == ticket.id)):
        before = forwarding.forwarding_data(found)
        found.answer, found.return_reason = scrubbed(found.answer), scrubbed(found.return_reason)
        found.extension_reason = scrubbed(found.extension_reason)
        found.earlier_extensions = [
            {**earlier, "reason": scrubbed(str(earlier.get("reason") or ""))}
            for earlier in found.earlier_extensions or []
        ]
        if forwarding.forwarding_data(found) != before:
            forwarding.publish_step(feed, found)
