"""The call log: a row when a call starts, completed when it is answered and when it ends."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from desktop.domain.clock import now_vn
from desktop.domain.codes import CallDirection, CallOutcome
from desktop.domain.operator import Operator, operator_of
from desktop.domain.phone import caller_phone, is_hidden
from desktop.services.outbox import append_mutation
from desktop.store import models
from desktop.store.errors import explain
from desktop.store.local import LocalStore
from desktop.telephony.events import CallQuality


class CallLog:
    """Writes calls and their outbox rows; every call is accounted for."""

    def __init__(
        self, store: LocalStore, operator: str | Operator, clock: Callable[[], datetime] = now_vn
    ) -> None:
        self._store = store
        self._who = operator_of(operator)
        self._clock = clock

    @property
    def _operator(self) -> str:
        return self._who.name  # the desk's operator now: a rename counts without a restart

    def started(
        self,
        phone: str,
        direction: CallDirection,
        *,
        at: datetime | None = None,
        sip_call_id: str | None = None,
        call_id: str | None = None,
    ) -> str:
        """`call_id` lets the caller name the row before it is written (the phone desk links it at once).

        Every call is logged whatever its number: a withheld caller as HIDDEN_PHONE, never refused.
        """
        stored = caller_phone(phone)
        call_id = call_id or str(uuid.uuid4())
        try:
            with self._store.writes.begin() as session:
                citizen_id = (
                    None
                    if is_hidden(stored)
                    else session.scalar(select(models.Citizen.id).where(models.Citizen.phone == stored))
                )
                call = models.Call(
                    id=call_id,
                    direction=direction.value,
                    phone=stored,
                    citizen_id=citizen_id,
                    operator=self._operator,
                    started_at=at or self._clock(),
                    outcome=CallOutcome.RINGING.value,
                    sip_call_id=sip_call_id,
                )
                session.add(call)
                append_mutation(
                    session,
                    entity="call",
                    entity_id=call_id,
                    op="create",
                    payload={"direction": call.direction, "phone": stored, "started_at": call.started_at},
                )
        except OperationalError as error:
            raise explain(error) from error
        return call_id

    def transferred(self, call_id: str, target: str) -> None:
        """The citizen was handed over to `target` (an extension or number); desk-only, like the quality."""
        try:
            with self._store.writes.begin() as session:
                call = session.get(models.Call, call_id)
                if call is None:
                    raise LookupError(f"Không có cuộc gọi {call_id}.")
                call.transferred_to = target[:200]
        except OperationalError as error:
            raise explain(error) from error

    def finished(
        self,
        call_id: str,
        outcome: CallOutcome,
        *,
        answered_at: datetime | None = None,
        ended_at: datetime | None = None,
        ticket_id: str | None = None,
        quality: CallQuality | None = None,
        encrypted: bool | None = None,
    ) -> None:
        """The call's end; `quality` (RTCP's loss and jitter of what we heard) and `encrypted` (SRTP) stay
        on this desk: the server's call record has no such fields."""
        try:
            with self._store.writes.begin() as session:
                call = session.get(models.Call, call_id)
                if call is None:
                    raise LookupError(f"Không có cuộc gọi {call_id}.")
                call.outcome = outcome.value
                call.answered_at = answered_at or call.answered_at
                call.ended_at = ended_at or self._clock()
                call.ticket_id = ticket_id or call.ticket_id
                if encrypted is not None:
                    call.encrypted = encrypted
                if quality is not None and quality.packets_expected > 0:
                    call.packets_lost = quality.packets_lost
                    call.loss_percent = quality.loss_percent
                    call.jitter_ms = quality.jitter_ms
                append_mutation(
                    session,
                    entity="call",
                    entity_id=call_id,
                    op="update",
                    payload={
                        "outcome": call.outcome,
                        "answered_at": call.answered_at,
                        "ended_at": call.ended_at,
                        "ticket_id": call.ticket_id,
                    },
                )
        except OperationalError as error:
            raise explain(error) from error

    def answered(self, call_id: str, *, at: datetime | None = None) -> None:
        """The call was picked up: answered_at set, the outcome becomes answered (the end comes later)."""
        try:
            with self._store.writes.begin() as session:
                call = session.get(models.Call, call_id)
                if call is None:
                    raise LookupError(f"Không có cuộc gọi {call_id}.")
                call.answered_at = at or self._clock()
                call.outcome = CallOutcome.ANSWERED.value
                append_mutation(
                    session,
                    entity="call",
                    entity_id=call_id,
                    op="update",
                    payload={"outcome": call.outcome, "answered_at": call.answered_at},
                )
        except OperationalError as error:
            raise explain(error) from error

    def link_ticket(self, call_id: str, ticket_id: str) -> None:
        """The ticket this call produced (the first one wins; a call rarely makes two)."""
        try:
            with self._store.writes.begin() as session:
                call = session.get(models.Call, call_id)
                if call is None:
                    raise LookupError(f"Không có cuộc gọi {call_id}.")
                if call.ticket_id is None:
                    call.ticket_id = ticket_id
                    append_mutation(
                        session,
                        entity="call",
                        entity_id=call_id,
                        op="update",
                        payload={"ticket_id": ticket_id},
                    )
        except OperationalError as error:
            raise explain(error) from error
