"""Recording what the server answered for pushed mutations: outcomes, rejections, field conflicts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, update
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
        row.client_seq: row
        for row in session.execute(
            select(SyncPush.client_seq, SyncPush.outbox_seq, SyncPush.acked_at).where(
                SyncPush.client_seq > acked, SyncPush.client_seq <= max(by_seq, default=0)
            )
        )
    }
    answers: list[dict[str, Any]] = []
    while acked + 1 in by_seq:
        result = by_seq[acked + 1]
        push = pushes.get(result.seq)
        if push is None:
            break
        if push.acked_at is None:
            answers.append(
                {
                    "answered_seq": result.seq,
                    "outbox_seq": push.outbox_seq,
                    "answered_outcome": result.status.value,
                    "answered_reason": result.reason or _lost_fields(result),
                    "answered_version": result.version,
                }
            )
            if result.status is MutationStatus.CONFLICT:
                _record_conflicts(session, push.outbox_seq, result, at)
        acked += 1
    if answers:  # Core, one statement each for the whole batch: no ORM objects for 500 answers
        table = SyncPush.__table__
        assert isinstance(table, Table)
        session.execute(
            update(table)
            .where(table.c.client_seq == bindparam("answered_seq"))
            .values(
                outcome=bindparam("answered_outcome"),
                reason=bindparam("answered_reason"),
                server_version=bindparam("answered_version"),
                acked_at=at,
            ),
            answers,
        )
        sent = [answer["outbox_seq"] for answer in answers]
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


def _record_conflicts(session: Session, outbox_seq: int, result: MutationResult, at: datetime) -> None:
    """Keep the conflict at once (the feed brings the server's full record later, by the same id)."""
    mutation = session.get(models.OutboxMutation, outbox_seq)
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
