"""Changes the server refused (its reason in Vietnamese): listed for the operator, then marked read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from desktop.store import models
from desktop.store.local import LocalStore
from desktop.store.sync_models import SyncPush


@dataclass(frozen=True)
class Refusal:
    """One refused change: what it was about, the server's reason, and whether it was read before."""

    client_seq: int
    entity: str
    entity_id: str
    ticket_code: str
    op: str
    reason: str
    refused_at: datetime | None
    seen: bool


def refusals(store: LocalStore, limit: int = 500) -> list[Refusal]:
    """The latest refusals first. Runs on a worker thread."""
    outbox = models.OutboxMutation
    query = (
        select(SyncPush, outbox.entity, outbox.entity_id, outbox.op, models.Ticket.code)
        .join(outbox, outbox.seq == SyncPush.outbox_seq)
        .outerjoin(models.Ticket, (outbox.entity == "ticket") & (models.Ticket.id == outbox.entity_id))
        .where(SyncPush.outcome == "rejected")
        .order_by(SyncPush.client_seq.desc())
        .limit(limit)
    )
    with store.sessions() as session:
        return [
            Refusal(
                client_seq=push.client_seq,
                entity=entity,
                entity_id=entity_id,
                ticket_code=code or "",
                op=op,
                reason=push.reason,
                refused_at=push.acked_at,
                seen=push.seen,
            )
            for push, entity, entity_id, op, code in session.execute(query)
        ]


def mark_read(store: LocalStore, client_seqs: Sequence[int]) -> None:
    """The operator has seen these: the status bar stops counting them. Runs on a worker thread."""
    if not client_seqs:
        return
    with store.writes.begin() as session:
        session.execute(update(SyncPush).where(SyncPush.client_seq.in_(list(client_seqs))).values(seen=True))
