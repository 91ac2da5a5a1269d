"""The callback queue: missed and abandoned calls, answers ready, surveys due; attempts and rescheduling."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, exists, or_, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from desktop.domain.clock import now_vn
from desktop.domain.codes import Channel, HistoryAction, Satisfaction, TicketStatus
from desktop.domain.operator import Operator, operator_of
from desktop.domain.phone import known_phone
from desktop.services.phone.codes import AttemptOutcome, CallbackKind, CallbackStatus
from desktop.services.tickets.rows import TicketEdit
from desktop.store import models
from desktop.store.errors import explain
from desktop.store.local import LocalStore
from desktop.store.phone_models import Callback, CallbackAttempt

# After no answer or busy, try again after these delays (then the last one again), at most MAX_ATTEMPTS times.
RETRY_DELAYS = (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4))
MAX_ATTEMPTS = 5
_CALL_KINDS = (CallbackKind.MISSED.value, CallbackKind.ABANDONED.value)


@dataclass(frozen=True)
class CallbackItem:
    """One line of the callback queue."""

    id: str
    kind: CallbackKind
    phone: str
    citizen_name: str
    call_id: str | None
    ticket_id: str | None
    ticket_code: str | None
    status: CallbackStatus
    due_at: datetime
    attempts: int
    last_outcome: AttemptOutcome | None
    answer: str = ""  # the ticket's answer (a unit's, for an answer ready): what the operator reads out


_ITEM_COLUMNS = (
    Callback.id,
    Callback.kind,
    Callback.phone,
    models.Citizen.name,
    Callback.call_id,
    Callback.ticket_id,
    models.Ticket.code,
    Callback.status,
    Callback.due_at,
    Callback.attempts,
    Callback.last_outcome,
    models.Ticket.answer,
)


def _item(row: tuple[object, ...]) -> CallbackItem:
    (cid, kind, phone, name, call_id, ticket_id, code, status, due, attempts, outcome, answer) = row
    return CallbackItem(
        id=str(cid),
        kind=CallbackKind(str(kind)),
        phone=str(phone),
        citizen_name=str(name or ""),
        call_id=call_id if isinstance(call_id, str) else None,
        ticket_id=ticket_id if isinstance(ticket_id, str) else None,
        ticket_code=code if isinstance(code, str) else None,
        status=CallbackStatus(str(status)),
        due_at=due if isinstance(due, datetime) else now_vn(),
        attempts=int(attempts),  # type: ignore[call-overload]
        last_outcome=AttemptOutcome(str(outcome)) if outcome else None,
        answer=answer if isinstance(answer, str) else "",
    )


class CallbackQueue:
    """Reads and writes the queue; every method does SQL, so the UI calls it on a worker thread."""

    def __init__(
        self, store: LocalStore, operator: str | Operator, clock: Callable[[], datetime] = now_vn
    ) -> None:
        self._store = store
        self._who = operator_of(operator)
        self._clock = clock

    @property
    def _operator(self) -> str:
        return self._who.name  # the desk's operator now: a rename counts without a restart

    def enqueue(
        self,
        kind: CallbackKind,
        phone: str,
        *,
        call_id: str | None = None,
        ticket_id: str | None = None,
        due_at: datetime | None = None,
    ) -> str:
        """Adds a callback; a number already waiting after a missed call is not queued twice."""
        stored = known_phone(phone)
        now = self._clock()
        try:
            with self._store.writes.begin() as session:
                if kind.value in _CALL_KINDS:
                    existing = session.scalar(
                        select(Callback).where(
                            Callback.phone == stored,
                            Callback.status == CallbackStatus.PENDING.value,
                            Callback.kind.in_(_CALL_KINDS),
                        )
                    )
                    if existing is not None:
                        existing.call_id = call_id or existing.call_id
                        existing.updated_at = now
                        return existing.id
                callback = Callback(
                    id=str(uuid.uuid4()),
                    kind=kind.value,
                    phone=stored,
                    call_id=call_id,
                    ticket_id=ticket_id,
                    status=CallbackStatus.PENDING.value,
                    due_at=due_at or now,
                    attempts=0,
                    note="",
                    created_at=now,
                    updated_at=now,
                )
                session.add(callback)
                return callback.id
        except OperationalError as error:
            raise explain(error) from error

    def pending(self, limit: int = 500) -> list[CallbackItem]:
        """Waiting callbacks, the most overdue first."""
        query = (
            select(*_ITEM_COLUMNS)
            .outerjoin(models.Citizen, models.Citizen.phone == Callback.phone)
            .outerjoin(models.Ticket, models.Ticket.id == Callback.ticket_id)
            .where(Callback.status == CallbackStatus.PENDING.value)
            .order_by(Callback.due_at, Callback.created_at)
            .limit(limit)
        )
        with self._store.engine.connect() as connection:
            return [_item(tuple(row)) for row in connection.execute(query)]

    def get(self, callback_id: str) -> CallbackItem:
        query = (
            select(*_ITEM_COLUMNS)
            .outerjoin(models.Citizen, models.Citizen.phone == Callback.phone)
            .outerjoin(models.Ticket, models.Ticket.id == Callback.ticket_id)
            .where(Callback.id == callback_id)
        )
        with self._store.engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            raise LookupError(f"Không có cuộc gọi lại {callback_id}.")
        return _item(tuple(row))

    def attempts(self, callback_id: str) -> list[tuple[datetime, AttemptOutcome, str | None]]:
        query = (
            select(CallbackAttempt.at, CallbackAttempt.outcome, CallbackAttempt.call_id)
            .where(CallbackAttempt.callback_id == callback_id)
            .order_by(CallbackAttempt.id)
        )
        with self._store.engine.connect() as connection:
            return [(at, AttemptOutcome(outcome), call) for at, outcome, call in connection.execute(query)]

    def record_attempt(
        self, callback_id: str, outcome: AttemptOutcome, *, call_id: str | None = None
    ) -> CallbackItem:
        """Counts a try: reached or wrong number closes it; no answer or busy schedules the next try."""
        now = self._clock()
        try:
            with self._store.writes.begin() as session:
                callback = self._load(session, callback_id)
                callback.attempts += 1
                callback.last_outcome = outcome.value
                callback.updated_at = now
                if outcome is AttemptOutcome.REACHED:
                    callback.status = CallbackStatus.DONE.value
                    if callback.kind == CallbackKind.ANSWER_READY.value and callback.ticket_id:
                        self._called_back(session, callback.ticket_id, now)
                elif outcome is AttemptOutcome.WRONG_NUMBER or callback.attempts >= MAX_ATTEMPTS:
                    callback.status = CallbackStatus.CLOSED.value
                else:
                    delay = RETRY_DELAYS[min(callback.attempts, len(RETRY_DELAYS)) - 1]
                    callback.due_at = now + delay
                session.add(
                    CallbackAttempt(
                        callback_id=callback_id,
                        at=now,
                        outcome=outcome.value,
                        call_id=call_id,
                        operator=self._operator,
                    )
                )
        except OperationalError as error:
            raise explain(error) from error
        return self.get(callback_id)

    def correct_last_attempt(
        self, callback_id: str, outcome: AttemptOutcome, *, call_id: str | None = None
    ) -> CallbackItem:
        """The operator learnt more during the call (a wrong number): the last attempt says so."""
        try:
            with self._store.writes.begin() as session:
                callback = self._load(session, callback_id)
                last = session.scalar(
                    select(CallbackAttempt)
                    .where(CallbackAttempt.callback_id == callback_id)
                    .order_by(CallbackAttempt.id.desc())
                    .limit(1)
                )
                if last is None or (call_id is not None and last.call_id != call_id):
                    raise LookupError("Chưa có lần gọi nào để sửa kết quả.")
                last.outcome = outcome.value
                callback.last_outcome = outcome.value
                callback.updated_at = self._clock()
                if outcome is AttemptOutcome.WRONG_NUMBER:
                    callback.status = CallbackStatus.CLOSED.value
        except OperationalError as error:
            raise explain(error) from error
        return self.get(callback_id)

    def reschedule(self, callback_id: str, due_at: datetime) -> CallbackItem:
        try:
            with self._store.writes.begin() as session:
                callback = self._load(session, callback_id)
                if callback.status != CallbackStatus.PENDING.value:
                    raise ValueError("Cuộc gọi lại này đã xong hoặc đã đóng, không thể hẹn lại.")
                callback.due_at = due_at
                callback.updated_at = self._clock()
        except OperationalError as error:
            raise explain(error) from error
        return self.get(callback_id)

    def settle_for_caller(self, phone: str) -> int:
        """The citizen called in and was answered: their missed-call callbacks are done. Returns how many."""
        stored = known_phone(phone)
        now = self._clock()
        try:
            with self._store.writes.begin() as session:
                waiting = session.scalars(
                    select(Callback).where(
                        Callback.phone == stored,
                        Callback.status == CallbackStatus.PENDING.value,
                        Callback.kind.in_(_CALL_KINDS),
                    )
                ).all()
                for callback in waiting:
                    callback.status = CallbackStatus.DONE.value
                    callback.last_outcome = AttemptOutcome.REACHED.value
                    callback.updated_at = now
                return len(waiting)
        except OperationalError as error:
            raise explain(error) from error

    def sync_from_tickets(self, *, days: int = 14, limit: int = 500) -> int:
        """Queues phone tickets resolved in the last `days` and not rated: level 2-4 need their answer
        given, level 1 a satisfaction survey; and open level 2-4 tickets a unit answered (answer ready).
        Returns how many callbacks were added.

        The status/satisfaction test is literal SQL so SQLite can use the surveys' partial index
        (a bound parameter would hide the implication from the planner).
        """
        now = self._clock()
        query = (
            select(models.Ticket.id, models.Ticket.phone, models.Ticket.level, models.Ticket.resolved_at)
            .outerjoin(Callback, Callback.ticket_id == models.Ticket.id)
            .where(
                text(f"tickets.status = '{TicketStatus.RESOLVED.value}'"),
                text(f"tickets.satisfaction = '{Satisfaction.NOT_RATED.value}'"),
                models.Ticket.resolved_at >= now - timedelta(days=days),
                models.Ticket.channel == Channel.PHONE.value,
                models.Ticket.phone != "",
                Callback.id.is_(None),
            )
            .order_by(models.Ticket.resolved_at)
            .limit(limit)
        )
        added = 0
        try:
            with self._store.writes.begin() as session:
                self._settle_rated(session, now)
                found = [
                    *session.execute(query).all(),
                    *session.execute(self._unit_answers(days, now, limit)),
                ]
                for ticket_id, phone, level, resolved_at in found:
                    kind = CallbackKind.ANSWER_READY if level > 1 else CallbackKind.SURVEY
                    if self._reopened(session, ticket_id, kind, now):
                        added += 1
                        continue
                    session.add(
                        Callback(
                            id=str(uuid.uuid4()),
                            kind=kind.value,
                            phone=phone,
                            ticket_id=ticket_id,
                            status=CallbackStatus.PENDING.value,
                            due_at=resolved_at or now,
                            attempts=0,
                            note="",
                            created_at=now,
                            updated_at=now,
                        )
                    )
                    added += 1
        except OperationalError as error:
            raise explain(error) from error
        return added

    @staticmethod
    def _reopened(session: Session, ticket_id: str, kind: CallbackKind, now: datetime) -> bool:
        """A ticket has one item of a kind (the store's key): a new unit's answer after the ticket was
        forwarded again puts the earlier, finished "answer ready" item back in the queue as a new call."""
        earlier = session.scalar(
            select(Callback).where(Callback.ticket_id == ticket_id, Callback.kind == kind.value)
        )
        if earlier is None:
            return False
        earlier.status, earlier.attempts, earlier.last_outcome = CallbackStatus.PENDING.value, 0, None
        earlier.due_at, earlier.note, earlier.created_at, earlier.updated_at = now, "", now, now
        return True

    def _called_back(self, session: Session, ticket_id: str, now: datetime) -> None:
        """The citizen has the unit's answer: a step of the ticket, synced, so no other desk calls again."""
        ticket = session.scalar(select(models.Ticket).where(models.Ticket.id == ticket_id))
        if ticket is None or ticket.unit_answered_at is None:
            return
        edit = TicketEdit.begin(ticket)
        ticket.called_back_at = now
        edit.write(session, edit.changes(), actor=self._operator, at=now, action=HistoryAction.UPDATED)

    @staticmethod
    def _unit_answers(days: int, now: datetime, limit: int) -> Select[str, str, int, datetime | None]:
        """Open phone tickets with a unit's answer (the server stamps `unit_answered_at` with it, and the
        pull brings it) no desk has given the citizen yet: the citizen is called back with it. Once per
        answer: a later answer (the ticket forwarded again and answered) is queued again."""
        ticket = models.Ticket
        queued = exists().where(
            Callback.ticket_id == ticket.id,
            Callback.kind == CallbackKind.ANSWER_READY.value,
            or_(
                Callback.status == CallbackStatus.PENDING.value,
                Callback.created_at >= ticket.unit_answered_at,
            ),
        )
        return (
            select(ticket.id, ticket.phone, ticket.level, ticket.unit_answered_at)
            .where(
                ticket.unit_answered_at >= now - timedelta(days=days),
                ticket.status != TicketStatus.RESOLVED.value,
                ticket.level > 1,
                ticket.answer != "",
                ticket.channel == Channel.PHONE.value,
                ticket.phone != "",
                or_(ticket.called_back_at.is_(None), ticket.called_back_at < ticket.unit_answered_at),
                ~queued,
            )
            .order_by(ticket.unit_answered_at)
            .limit(limit)
        )

    @staticmethod
    def _settle_rated(session: Session, now: datetime) -> None:
        """Ticket callbacks whose ticket got its satisfaction answer elsewhere (the survey list, another
        desk) leave the queue: one survey due shows as due in one place only once it is done."""
        rated = (
            select(models.Ticket.id)
            .where(models.Ticket.satisfaction != Satisfaction.NOT_RATED.value)
            .where(models.Ticket.id == Callback.ticket_id)
            .exists()
        )
        called_back = (  # another desk gave the citizen this answer (its called_back_at came with the pull)
            select(models.Ticket.id)
            .where(models.Ticket.id == Callback.ticket_id)
            .where(models.Ticket.called_back_at >= models.Ticket.unit_answered_at)
            .exists()
        )
        for callback in session.scalars(
            select(Callback).where(
                Callback.status == CallbackStatus.PENDING.value,
                or_(
                    and_(
                        Callback.kind.in_([CallbackKind.SURVEY.value, CallbackKind.ANSWER_READY.value]),
                        rated,
                    ),
                    and_(Callback.kind == CallbackKind.ANSWER_READY.value, called_back),
                ),
            )
        ):
            callback.status = CallbackStatus.DONE.value
            callback.last_outcome = AttemptOutcome.REACHED.value
            callback.updated_at = now

    @staticmethod
    def _load(session: Session, callback_id: str) -> Callback:
        callback = session.get(Callback, callback_id)
        if callback is None:
            raise LookupError(f"Không có cuộc gọi lại {callback_id}.")
        return callback
