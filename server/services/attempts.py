"""Survey attempts in the change feed: their feed data, and keeping them after their ticket in the feed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import SurveyAttempt
from server.services.feed import PendingChanges
from server.services.values import to_json

ENTITY = "survey_attempt"


def attempt_data(attempt: SurveyAttempt) -> dict[str, Any]:
    return {
        "id": attempt.id,
        "ticket_id": attempt.ticket_id,
        "at": to_json(attempt.at),
        "operator": attempt.operator,
        "outcome": attempt.outcome,
        "reason": attempt.reason,
        "call_id": attempt.call_id,
    }


def follow_ticket(session: Session, ticket_id: str, feed: PendingChanges) -> None:
    """Move the ticket's attempts after the ticket's new feed position.

    A desktop stores an attempt only once it has the ticket (the attempt refers to it); the ticket's feed
    row moves forward at every edit (the rating comes right after the attempt), so without this a desktop
    pulling from scratch would meet attempts before their ticket, possibly pages earlier.
    """
    for attempt in session.scalars(select(SurveyAttempt).where(SurveyAttempt.ticket_id == ticket_id)):
        feed.record(ENTITY, attempt.id, 1, attempt_data(attempt), origin_client=attempt.origin_client)
