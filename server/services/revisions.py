"""Ticket revisions: written by the one ticket write path, listed for supervisors, scrubbed by an erasure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Ticket, TicketRevision
from server.services.values import to_json


def record(
    session: Session, ticket: Ticket, before: Mapping[str, Any], username: str, client_id: str, now: datetime
) -> None:
    """Called once `ticket` holds its new values and version: each changed field's old and new value."""
    changes = {name: [to_json(old), to_json(getattr(ticket, name))] for name, old in before.items()}
    session.add(
        TicketRevision(
            ticket_id=ticket.id,
            version=ticket.version,
            at=now,
            username=username,
            client_id=client_id,
            changes=changes,
        )
    )


def listing(session: Session, ticket_id: str) -> list[TicketRevision]:
    """Newest first."""
    return list(
        session.scalars(
            select(TicketRevision)
            .where(TicketRevision.ticket_id == ticket_id)
            .order_by(TicketRevision.version.desc(), TicketRevision.id.desc())
        )
    )


def value_before(session: Session, ticket_id: str, version: int, field: str) -> tuple[bool, Any]:
    """(found, the value `field` had just before revision `version` changed it)."""
    revision = session.scalar(
        select(TicketRevision).where(TicketRevision.ticket_id == ticket_id, TicketRevision.version == version)
    )
    if revision is None or field not in revision.changes:
        return False, None
    return True, revision.changes[field][0]


def scrub(session: Session, ticket_id: str, replacements: Mapping[str, Any]) -> None:
    """Every kept value of the given fields, old and new, replaced (an erased citizen's name, number...)."""
    session.flush()
    for revision in listing(session, ticket_id):
        touched = {name: [value, value] for name, value in replacements.items() if name in revision.changes}
        if touched:
            revision.changes = {**revision.changes, **touched}


def scrub_texts(session: Session, ticket_id: str, name: str, scrubbed: Callable[[str], str]) -> None:
    """Every kept value of the text field `name`, old and new, passed through `scrubbed` (an erased
    citizen's name and number written over); each version keeps the rest of its words."""
    session.flush()
    for revision in listing(session, ticket_id):
        kept = revision.changes.get(name)
        if not isinstance(kept, list):
            continue
        cleaned = [scrubbed(value) if isinstance(value, str) else value for value in kept]
        if cleaned != kept:
            revision.changes = {**revision.changes, name: cleaned}
