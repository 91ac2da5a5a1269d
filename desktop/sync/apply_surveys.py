"""Pulled survey attempts (entity survey_attempt) into the local survey_attempts table.

Every desktop keeps every attempt: the supervisor's dashboard counts them. The server sends an attempt
after its ticket (it moves a ticket's attempts behind each new version of the ticket), so the ticket is
normally here already; when it is not, the attempt is left for that later copy.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Table, delete, insert, select, update

from desktop.domain.clock import to_vn
from desktop.store import models
from desktop.store.survey_models import SurveyAttempt
from protocol import Change

ENTITY = "survey_attempt"
_COLUMNS = ("ticket_id", "at", "operator", "outcome", "reason", "call_id")


def apply_survey_attempt(connection: Connection, change: Change) -> bool:
    """Store or remove the attempt; False (nothing written) while its ticket is not on this desktop."""
    table = SurveyAttempt.__table__
    assert isinstance(table, Table)
    if change.tombstone:
        connection.execute(delete(table).where(table.c.id == change.entity_id))
        return True
    data = change.fields or {}
    ticket_id = data.get("ticket_id")
    known = select(models.Ticket.id).where(models.Ticket.id == ticket_id)
    if not ticket_id or connection.scalar(known) is None:
        return False
    values = {name: data.get(name) for name in _COLUMNS}
    values["at"] = to_vn(datetime.fromisoformat(str(values["at"])))
    values["operator"] = values["operator"] or ""
    done = connection.execute(update(table).where(table.c.id == change.entity_id).values(**values))
    if not done.rowcount:
        connection.execute(insert(table).values(id=change.entity_id, **values))
    return True
