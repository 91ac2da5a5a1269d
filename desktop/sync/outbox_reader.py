"""Reading the outbox for a push: wire numbers given once in outbox order, batches read by number."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from desktop.services.tickets.rows import SNAPSHOT_FIELDS, ticket_snapshot
from desktop.store import models
from desktop.store.sync_models import SyncPush
from desktop.sync.state import load_state

IMPORT_OP = "import"


@dataclass(frozen=True)
class PendingMutation:
    """One mutation as it goes on the wire: `seq` is this desktop's consecutive number for it."""

    seq: int
    mutation_id: str
    entity: str
    entity_id: str
    op: str
    base_version: int
    payload: dict[str, Any]
    created_at: datetime


def number_new_mutations(session: Session, limit: int) -> int:
    """Give the next `limit` un-numbered outbox rows their wire numbers; returns how many got one.

    A number, once given, never changes: a retried batch carries the same numbers and mutation ids.
    """
    state = load_state(session)
    seqs = session.scalars(
        select(models.OutboxMutation.seq)
        .where(models.OutboxMutation.seq > state.numbered_through)
        .order_by(models.OutboxMutation.seq)
        .limit(limit)
    ).all()
    if not seqs:
        return 0
    first = state.next_seq
    table = SyncPush.__table__
    assert isinstance(table, Table)
    session.execute(
        insert(table),  # Core: no ORM objects for thousands of rows
        [
            {"outbox_seq": outbox_seq, "client_seq": first + i, "reason": "", "seen": False}
            for i, outbox_seq in enumerate(seqs)
        ],
    )
    state.next_seq = first + len(seqs)
    state.numbered_through = seqs[-1]
    return len(seqs)


def read_batch(session: Session, from_seq: int, limit: int) -> list[PendingMutation]:
    """Numbered mutations from `from_seq` on, in order, at most `limit` (imports expanded to the ticket)."""
    outbox = models.OutboxMutation
    rows = session.execute(
        select(
            SyncPush.client_seq,
            outbox.seq,
            outbox.mutation_id,
            outbox.entity,
            outbox.entity_id,
            outbox.op,
            outbox.base_version,
            outbox.payload,
            outbox.created_at,
        )
        .join(outbox, outbox.seq == SyncPush.outbox_seq)
        .where(SyncPush.client_seq >= from_seq)
        .order_by(SyncPush.client_seq)
        .limit(limit)
    ).all()
    imported = {row.entity_id: row.seq for row in rows if row.op == IMPORT_OP}
    first_versions = _imported_first_versions(session, imported) if imported else {}
    batch = []
    for mutation in rows:
        client_seq = mutation.client_seq
        payload = json.loads(mutation.payload)
        if mutation.op == IMPORT_OP:
            source = payload
            payload = first_versions.get(mutation.entity_id, {})
            payload["source"] = source
        batch.append(
            PendingMutation(
                seq=client_seq,
                mutation_id=mutation.mutation_id,
                entity=mutation.entity,
                entity_id=mutation.entity_id,
                op=mutation.op,
                base_version=mutation.base_version,
                payload=payload,
                created_at=mutation.created_at,
            )
        )
    return batch


def _imported_first_versions(session: Session, imported: dict[str, int]) -> dict[str, dict[str, Any]]:
    """The imported tickets as they were imported: today's row with later edits rolled back.

    The import writes no copy of the ticket into the outbox (a million of them would double the
    store), so its first version is the row itself, minus the edits made since (their `before`).
    """
    ids = list(imported)
    table = models.Ticket.__table__
    assert isinstance(table, Table)
    columns = [table.c[name] for name in ("id", *SNAPSHOT_FIELDS)]
    tickets = session.execute(select(*columns).where(table.c.id.in_(ids))).mappings()
    versions = {ticket["id"]: ticket_snapshot(dict(ticket)) for ticket in tickets}
    later_edits: dict[str, list[dict[str, Any]]] = defaultdict(list)
    edits = session.execute(
        select(models.OutboxMutation.entity_id, models.OutboxMutation.seq, models.OutboxMutation.payload)
        .where(models.OutboxMutation.entity_id.in_(ids), models.OutboxMutation.op == "update")
        .order_by(models.OutboxMutation.seq)
    ).all()
    for entity_id, seq, payload in edits:
        if seq > imported[entity_id]:
            later_edits[entity_id].append(json.loads(payload).get("before", {}))
    for entity_id, befores in later_edits.items():
        snapshot = versions.get(entity_id)
        if snapshot is None:
            continue
        for before in reversed(befores):
            snapshot.update({k: v for k, v in before.items() if k in snapshot})
    return versions
