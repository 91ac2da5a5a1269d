"""Recording what the server answered for pushed mutations: outcomes, rejections, field conflicts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.store import models
from desktop.store.sync_models import SyncConflict, SyncPush
from desktop.sync.state import load_state
from protocol import MutationResult, MutationStatus


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def record_results(session: Session, results: Sequence[MutationResult], at: datetime) -> int:
    """Store the answers (an answer already stored stays as it was); returns the new acked seq.

    Only a run of consecutive answers from the acknowledged seq on moves it: the server applies in
    order, so a hole means the rest is asked again.
    """
    state = load_state(session)
    by_seq = {result.seq: result for result in results}
    acked = state.acked_seq
    pushes = {
        push.client_seq: push
        for push in session.scalars(
            select(SyncPush).where(SyncPush.client_seq > acked, SyncPush.client_seq <= max(by_seq, default=0))
        )
    }
    sent: list[int] = []
    while acked + 1 in by_seq:
        result = by_seq[acked + 1]
        push = pushes.get(result.seq)
        if push is None:
            break
        if push.acked_at is None:
            push.outcome = result.status.value
            push.reason = result.reason or _lost_fields(result)
            push.server_version = result.version
            push.acked_at = at
            sent.append(push.outbox_seq)
            if result.status is MutationStatus.CONFLICT:
                _record_conflicts(session, push, result, at)
        acked += 1
    if sent:
        session.execute(
            update(models.OutboxMutation).where(models.OutboxMutation.seq.in_(sent)).values(pushed_at=at)
        )
    state.acked_seq = acked
    return acked


def _lost_fields(result: MutationResult) -> str:
    lost = [o.field for o in result.field_outcomes if o.outcome == "lost_to_precedence"]
    if not lost:
        return ""
    return "Thay đổi ở " + ", ".join(lost) + " không được áp dụng: người có quyền cao hơn đã sửa cùng lúc."


def _record_conflicts(session: Session, push: SyncPush, result: MutationResult, at: datetime) -> None:
    """Keep the conflict at once (the feed brings the server's full record later, by the same id)."""
    mutation = session.get(models.OutboxMutation, push.outbox_seq)
    assert mutation is not None
    payload = json.loads(mutation.payload)
    changes, before = payload.get("changes", payload), payload.get("before", {})
    for outcome in result.field_outcomes:
        if outcome.outcome != "conflict_recorded" or not outcome.conflict_id:
            continue
        if session.scalar(select(SyncConflict.id).where(SyncConflict.conflict_id == outcome.conflict_id)):
            continue
        session.add(
            SyncConflict(
                conflict_id=outcome.conflict_id,
                entity=mutation.entity,
                entity_id=mutation.entity_id,
                field=outcome.field,
                base_value=to_json(before.get(outcome.field)),
                local_value=to_json(changes.get(outcome.field)),
                server_value=to_json(outcome.server_value),
                server_version=result.version,
                client_seq=result.seq,
                detected_at=at,
                resolved_by="",
            )
        )
