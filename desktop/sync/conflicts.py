"""Conflicts the operator settles: listing both versions, and the choice becoming a new mutation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from desktop.domain.clock import now_vn
from desktop.services.outbox import append_mutation
from desktop.services.tickets.rows import TicketEdit
from desktop.store import models
from desktop.store.local import LocalStore
from desktop.store.sync_models import SyncConflict
from protocol import FREE_TEXT_FIELDS


@dataclass(frozen=True)
class OpenConflict:
    """One field with two versions: the one on the ticket (server) and the other one."""

    conflict_id: str
    ticket_id: str
    ticket_code: str
    field: str
    base: Any
    server: Any
    other: Any
    detected_at: datetime


class ConflictGone(LookupError):
    pass


def open_conflicts(store: LocalStore) -> list[OpenConflict]:
    """Runs on a worker thread."""
    query = (
        select(SyncConflict, models.Ticket.code)
        .outerjoin(models.Ticket, models.Ticket.id == SyncConflict.entity_id)
        .where(SyncConflict.resolved_at.is_(None))
        .order_by(SyncConflict.id)
    )
    with store.sessions() as session:
        return [
            OpenConflict(
                conflict_id=conflict.conflict_id,
                ticket_id=conflict.entity_id,
                ticket_code=code or "",
                field=conflict.field,
                base=json.loads(conflict.base_value),
                server=json.loads(conflict.server_value),
                other=json.loads(conflict.local_value),
                detected_at=conflict.detected_at,
            )
            for conflict, code in session.execute(query)
        ]


def settle(store: LocalStore, conflict_id: str, value: str, operator: str) -> None:
    """The operator's text becomes the field's value here at once, and a `settle` mutation for the
    server; the conflict leaves the list. Runs on a worker thread."""
    now = now_vn()
    with store.writes.begin() as session:
        conflict = session.scalar(select(SyncConflict).where(SyncConflict.conflict_id == conflict_id))
        if conflict is None or conflict.resolved_at is not None:
            raise ConflictGone("Xung đột này đã được giải quyết (có thể ở máy khác).")
        if conflict.field not in FREE_TEXT_FIELDS:
            raise ValueError(f"Trường «{conflict.field}» không phải trường văn bản.")
        ticket = session.scalar(select(models.Ticket).where(models.Ticket.id == conflict.entity_id))
        if ticket is not None and getattr(ticket, conflict.field) != value:
            edit = TicketEdit.begin(ticket)
            setattr(ticket, conflict.field, value)
            # The settle mutation below carries the choice to the server: no ticket update of its own.
            edit.write(session, edit.changes(), actor=operator, at=now, mutation=False)
        conflict.resolved_at, conflict.resolved_by = now, operator
        conflict.resolution = json.dumps(value, ensure_ascii=False)
        append_mutation(
            session, entity="conflict", entity_id=conflict_id, op="settle", payload={"value": value}
        )
