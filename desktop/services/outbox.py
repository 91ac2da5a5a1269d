"""The outbox: every local change as a mutation, written in the transaction that makes the change."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.clock import now_vn
from desktop.store.local import OUTBOX_WRITTEN
from desktop.store.models import OutboxMutation
from desktop.store.sync_models import SyncVersion

_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
# Records only the server writes (a unit's steps, a supervisor's decision): a desk keeps them read-only.
SERVER_OWNED = frozenset({"forwarding"})


def encode_payload(payload: dict[str, Any]) -> str:
    """A mutation's payload as stored: JSON, Vietnamese text readable, dates as ISO strings."""
    return _ENCODER.encode(payload)


def append_mutation(
    session: Session,
    *,
    entity: str,
    entity_id: str,
    op: str,
    payload: dict[str, Any],
    base_version: int = 0,
) -> OutboxMutation:
    if entity in SERVER_OWNED:
        raise ValueError(f"«{entity}» do máy chủ quản lý: máy trạm không gửi thay đổi của nó.")
    mutation = OutboxMutation(
        mutation_id=str(uuid.uuid4()),
        entity=entity,
        entity_id=entity_id,
        op=op,
        base_version=base_version,
        payload=encode_payload(payload),
        created_at=now_vn(),
    )
    session.add(mutation)
    session.info[OUTBOX_WRITTEN] = True  # the store tells the sync engine once this commits
    return mutation


def server_base_version(session: Session, entity: str, entity_id: str) -> int:
    """The server version an edit starts from: the last one pulled here for the record, not the
    desk's own version (each offline edit raises that one, and a third edit would claim to have seen
    a supervisor's resolve-then-reopen it never pulled). None pulled yet (or forgotten after a
    server restore): the record is this desk's own create or import, the server's version 1."""
    known = session.scalar(
        select(SyncVersion.server_version).where(
            SyncVersion.entity == entity, SyncVersion.entity_id == entity_id
        )
    )
    return known if known is not None and known >= 1 else 1


def pending_count(session: Session) -> int:
    query = select(func.count()).select_from(OutboxMutation).where(OutboxMutation.pushed_at.is_(None))
    return session.scalar(query) or 0
