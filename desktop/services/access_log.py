"""Who looked at a citizen's data on this desk: one record per display, kept in the store and pushed to the
server's tamper-evident trail (entity "access" in the outbox). Writing one costs a short transaction on
the worker thread that read the data, never the GUI thread."""

from __future__ import annotations

import logging
import uuid

from desktop.domain.clock import now_vn
from desktop.services.outbox import append_mutation
from desktop.store.access_models import AccessRecord
from desktop.store.local import LocalStore

log = logging.getLogger(__name__)

ENTITY = "access"
KINDS = ("phone", "ticket", "search", "export")
REASONS = ("call", "search", "open", "callback", "survey", "export")


class AccessLog:
    def __init__(self, store: LocalStore, actor: str) -> None:
        self._store = store
        self.actor = actor

    def record(self, kind: str, subject: str, screen: str, reason: str) -> None:
        """Appends one record. A failure to write it is logged, never raised: the operator on a call still
        sees the caller (the data was read already); the gap shows in the log."""
        if kind not in KINDS or reason not in REASONS or not subject:
            raise ValueError(f"access record {kind}/{reason}")
        at = now_vn()
        values = {
            "at": at,
            "actor": self.actor[:64],
            "subject_kind": kind,
            "subject": subject[:80],
            "screen": screen[:40],
            "reason": reason,
        }
        try:
            with self._store.writes.begin() as session:
                record = AccessRecord(**values)
                session.add(record)
                session.flush()
                append_mutation(
                    session,
                    entity=ENTITY,
                    entity_id=str(uuid.uuid4()),
                    op="create",
                    payload={**values, "at": at.isoformat()},
                )
        except Exception:
            log.exception("could not write an access record (%s on %s)", kind, screen)
