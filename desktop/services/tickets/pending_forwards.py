"""Forwards to a unit asked while the server could not take them (offline, or the ticket not pushed yet):
kept in the store until the sync engine sends them after its push, or the server refuses one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop.domain.clock import now_vn
from desktop.domain.ticket import KeptForward
from desktop.store import models
from desktop.store.local import LocalStore

KEY_PREFIX = "forward:"  # + the ticket's id, in the store's key/value table (no migration needed)


@dataclass(frozen=True)
class PendingForward:
    ticket_id: str
    ticket_code: str
    unit_code: str
    asked_at: datetime
    refused: str = ""  # the server's reason, once it refused it; the operator forwards again

    @property
    def state(self) -> KeptForward:
        return KeptForward.REFUSED if self.refused else KeptForward.WAITING


class PendingForwards:
    """One pending forward per ticket: asking again replaces it (another unit chosen)."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def ask(self, ticket_id: str, ticket_code: str, unit_code: str) -> PendingForward:
        asked = PendingForward(ticket_id, ticket_code, unit_code, now_vn())
        value = {"code": ticket_code, "unit": unit_code, "at": asked.asked_at.isoformat()}
        with self._store.writes.begin() as session:
            session.merge(models.Meta(key=KEY_PREFIX + ticket_id, value=json.dumps(value)))
        return asked

    def waiting_for_push(self, ticket_id: str) -> bool:
        """The ticket has edits the server has not got yet: a forward now would meet the old ticket
        (or none), so it waits for the push."""
        query = select(models.OutboxMutation.seq).where(
            models.OutboxMutation.entity == "ticket",
            models.OutboxMutation.entity_id == ticket_id,
            models.OutboxMutation.pushed_at.is_(None),
        )
        with self._store.sessions() as session:
            return session.scalar(query.limit(1)) is not None

    def all(self) -> list[PendingForward]:
        query = select(models.Meta.key, models.Meta.value).where(models.Meta.key.startswith(KEY_PREFIX))
        with self._store.sessions() as session:
            rows = session.execute(query).all()
        found = []
        for key, value in rows:
            fields = json.loads(value)
            found.append(
                PendingForward(
                    ticket_id=key.removeprefix(KEY_PREFIX),
                    ticket_code=str(fields.get("code", "")),
                    unit_code=str(fields["unit"]),
                    asked_at=datetime.fromisoformat(fields["at"]),
                    refused=str(fields.get("refused", "")),
                )
            )
        return sorted(found, key=lambda pending: pending.asked_at)

    def to_send(self) -> list[PendingForward]:
        return [pending for pending in self.all() if not pending.refused]

    def refused(self) -> list[PendingForward]:
        return [pending for pending in self.all() if pending.refused]

    def sent(self, ticket_id: str, pending: PendingForward | None = None) -> None:
        """The ticket's kept forward settled: any (the operator's own forward just went), or only `pending`
        (the sync sent that one: a choice the operator made meanwhile stays, to be sent or refused)."""
        with self._store.writes.begin() as session:
            if pending is None or self._still_kept(session, pending):
                session.execute(delete(models.Meta).where(models.Meta.key == KEY_PREFIX + ticket_id))

    def refuse(self, pending: PendingForward, reason: str) -> None:
        """The server refused `pending`: kept with its reason, unless the operator chose again meanwhile
        (their newer choice is not overwritten by the older one's refusal)."""
        value = {
            "code": pending.ticket_code,
            "unit": pending.unit_code,
            "at": pending.asked_at.isoformat(),
            "refused": reason,
        }
        with self._store.writes.begin() as session:
            if self._still_kept(session, pending):
                session.merge(models.Meta(key=KEY_PREFIX + pending.ticket_id, value=json.dumps(value)))

    @staticmethod
    def _still_kept(session: Session, pending: PendingForward) -> bool:
        """`pending` is still the ticket's kept forward: the same unit asked at the same moment."""
        value = session.scalar(
            select(models.Meta.value).where(models.Meta.key == KEY_PREFIX + pending.ticket_id)
        )
        if value is None:
            return False
        fields = json.loads(value)
        return bool(
            fields.get("unit") == pending.unit_code and fields.get("at") == pending.asked_at.isoformat()
        )
