"""Where this desktop stands with its server: the state row, and the status the UI shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.services.outbox import pending_count
from desktop.store.local import LocalStore
from desktop.store.sync_models import SyncConflict, SyncPush, SyncState


def load_state(session: Session) -> SyncState:
    """The state row, created on first use (in the caller's transaction)."""
    state = session.get(SyncState, 1)
    if state is None:
        state = SyncState(
            id=1,
            server_url="",
            server_id="",
            cursor="",
            numbered_through=0,
            next_seq=1,
            acked_seq=0,
            restore_detail="",
        )
        session.add(state)
        session.flush()
    return state


@dataclass(frozen=True)
class SyncCounts:
    """What the status bar shows besides online/offline: read from the store in one snapshot."""

    pending: int
    conflicts: int
    rejected_unseen: int
    last_sync_at: datetime | None
    restore_detail: str


def read_counts(store: LocalStore) -> SyncCounts:
    """Runs on a worker thread."""
    with store.sessions() as session:
        conflicts = session.scalar(
            select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
        )
        rejected = session.scalar(
            select(func.count())
            .select_from(SyncPush)
            .where(SyncPush.outcome == "rejected", SyncPush.seen.is_(False))
        )
        state = session.get(SyncState, 1)
        return SyncCounts(
            pending=pending_count(session),
            conflicts=conflicts or 0,
            rejected_unseen=rejected or 0,
            last_sync_at=state.last_sync_at if state else None,
            restore_detail=state.restore_detail if state and state.restore_detected_at else "",
        )
