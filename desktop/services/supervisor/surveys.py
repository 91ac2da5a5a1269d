"""Satisfaction surveys: the due list, each call-back attempt, the answer written onto the ticket."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from desktop.domain.clock import now_vn, to_vn
from desktop.domain.codes import DissatisfactionReason, HistoryAction, Satisfaction, TicketStatus
from desktop.domain.operator import Operator, operator_of
from desktop.services.access_log import AccessLog
from desktop.services.outbox import append_mutation
from desktop.services.tickets.rows import TicketEdit
from desktop.store import models
from desktop.store.errors import explain
from desktop.store.local import LocalStore
from desktop.store.survey_models import SurveyAttempt

NO_ANSWER = "khong_nghe_may"
"""An attempt's outcome when nobody picked up (or the citizen asked to be called later)."""

MAX_ATTEMPTS_KEY = "surveys.max_attempts"
DUE_WITHIN_DAYS_KEY = "surveys.due_within_days"

# The digit an operator types after "2" (không hài lòng), in DOMAIN.md's order.
REASON_KEYS: dict[str, DissatisfactionReason] = {
    str(number): reason for number, reason in enumerate(DissatisfactionReason, start=1)
}


class SurveyRejected(ValueError):
    """The answer cannot be recorded; the message says why and what to do, in Vietnamese."""


@dataclass(frozen=True)
class SurveyPolicy:
    """How surveys are run: attempts before "không phản hồi", how far back the due list reaches."""

    max_attempts: int = 3
    due_within_days: int = 30  # 0: every resolved, unrated ticket, however old

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= 20:
            raise SurveyRejected("Số lần gọi khảo sát tối đa phải từ 1 đến 20.")
        if not 0 <= self.due_within_days <= 3660:
            raise SurveyRejected("Số ngày của danh sách khảo sát phải từ 0 (tất cả) đến 3660.")


@dataclass(frozen=True)
class SurveyAnswer:
    """What one attempt produced: a Satisfaction code (with its reason) or NO_ANSWER."""

    outcome: str
    reason: DissatisfactionReason | None = None

    @classmethod
    def satisfied(cls) -> SurveyAnswer:
        return cls(Satisfaction.SATISFIED.value)

    @classmethod
    def dissatisfied(cls, reason: DissatisfactionReason) -> SurveyAnswer:
        return cls(Satisfaction.DISSATISFIED.value, reason)

    @classmethod
    def no_response(cls) -> SurveyAnswer:
        """The citizen will not answer (or cannot be reached at all): final, whatever the count."""
        return cls(Satisfaction.NO_RESPONSE.value)

    @classmethod
    def no_answer(cls) -> SurveyAnswer:
        return cls(NO_ANSWER)

    def check(self) -> None:
        allowed = {NO_ANSWER, *(s.value for s in Satisfaction if s is not Satisfaction.NOT_RATED)}
        if self.outcome not in allowed:
            raise SurveyRejected(f"Kết quả khảo sát «{self.outcome}» không hợp lệ.")
        if self.outcome == Satisfaction.DISSATISFIED.value and self.reason is None:
            raise SurveyRejected("Chọn lý do người dân không hài lòng (phím 1-6 sau phím 2).")
        if self.outcome != Satisfaction.DISSATISFIED.value and self.reason is not None:
            raise SurveyRejected("Chỉ ghi lý do khi người dân không hài lòng.")


@dataclass(frozen=True)
class DueSurvey:
    """A resolved ticket still waiting for its satisfaction answer."""

    ticket_id: str
    code: str
    phone: str
    citizen_name: str
    channel: str
    unit_code: str | None
    unit_name: str
    resolved_at: datetime
    attempts: int
    last_attempt_at: datetime | None


@dataclass(frozen=True)
class DueList:
    items: list[DueSurvey]
    total: int
    policy: SurveyPolicy


@dataclass(frozen=True)
class RecordedAttempt:
    """What an attempt did: the ticket's satisfaction now (NOT_RATED while it stays due)."""

    ticket_id: str
    attempts: int
    satisfaction: Satisfaction
    reason: DissatisfactionReason | None

    @property
    def still_due(self) -> bool:
        return self.satisfaction is Satisfaction.NOT_RATED


@dataclass(frozen=True)
class Attempt:
    at: datetime
    operator: str
    outcome: str
    reason: str | None
    call_id: str | None


class SurveyService:
    """The only writer of survey attempts and of the satisfaction they put on tickets."""

    def __init__(
        self, store: LocalStore, operator: str | Operator, clock: Callable[[], datetime] = now_vn
    ) -> None:
        self._store = store
        self._who = operator_of(operator)
        self._clock = clock

    # -- policy --------------------------------------------------------------------------------
    @property
    def _operator(self) -> str:
        return self._who.name  # the desk's operator now: a rename counts without a restart

    def policy(self) -> SurveyPolicy:
        with self._store.sessions() as session:
            return _read_policy(session)

    def set_policy(self, policy: SurveyPolicy) -> None:
        with self._store.writes.begin() as session:
            for key, value in (
                (MAX_ATTEMPTS_KEY, policy.max_attempts),
                (DUE_WITHIN_DAYS_KEY, policy.due_within_days),
            ):
                row = session.get(models.Meta, key)
                if row is None:
                    session.add(models.Meta(key=key, value=str(value)))
                else:
                    row.value = str(value)

    # -- reading -------------------------------------------------------------------------------
    def due(self, limit: int = 500) -> DueList:
        """Resolved, unrated tickets, oldest resolution first, with their attempts so far."""
        with self._store.sessions() as session:
            policy = _read_policy(session)
            since = ""  # every ISO timestamp sorts after it
            if policy.due_within_days:
                oldest = to_vn(self._clock() - timedelta(days=policy.due_within_days))
                since = oldest.replace(microsecond=0).isoformat()  # as stored: text order is time order
            total = session.execute(_DUE_COUNT, {"since": since}).scalar() or 0
            items = [
                DueSurvey(
                    ticket_id=row[0],
                    code=row[1],
                    phone=row[2],
                    citizen_name=row[3],
                    channel=row[4],
                    unit_code=row[5],
                    unit_name=row[6] or "",
                    resolved_at=datetime.fromisoformat(row[7]),
                    attempts=int(row[8]),
                    last_attempt_at=datetime.fromisoformat(row[9]) if row[9] else None,
                )
                for row in session.execute(_DUE_PAGE, {"since": since, "limit": limit})
            ]
            return DueList(items, int(total), policy)

    def attempts(self, ticket_id: str) -> list[Attempt]:
        query = (
            select(SurveyAttempt)
            .where(SurveyAttempt.ticket_id == ticket_id)
            .order_by(SurveyAttempt.at, SurveyAttempt.id)
        )
        with self._store.sessions() as session:
            return [Attempt(a.at, a.operator, a.outcome, a.reason, a.call_id) for a in session.scalars(query)]

    # -- writing -------------------------------------------------------------------------------
    def record(self, ticket_id: str, answer: SurveyAnswer, *, call_id: str | None = None) -> RecordedAttempt:
        """One attempt; an answer (or the last unanswered attempt) rates the ticket; one transaction. The
        citizen contacted for the survey is on the access record (the ticket, reason `survey`)."""
        answer.check()
        now = self._clock()
        try:
            with self._store.writes.begin() as session:
                ticket = session.scalar(select(models.Ticket).where(models.Ticket.id == ticket_id))
                if ticket is None:
                    raise SurveyRejected("Không còn phiếu này trong dữ liệu. Hãy làm mới danh sách (F5).")
                _check_due(ticket)
                policy = _read_policy(session)
                previous = (
                    session.scalar(
                        select(func.count())
                        .select_from(SurveyAttempt)
                        .where(SurveyAttempt.ticket_id == ticket_id)
                    )
                    or 0
                )
                attempt = SurveyAttempt(
                    id=str(uuid.uuid4()),
                    ticket_id=ticket_id,
                    at=now,
                    operator=self._operator,
                    outcome=answer.outcome,
                    reason=answer.reason.value if answer.reason else None,
                    call_id=call_id,
                )
                session.add(attempt)
                append_mutation(
                    session,
                    entity="survey_attempt",
                    entity_id=attempt.id,
                    op="create",
                    payload={
                        "ticket_id": ticket_id,
                        "at": now,
                        "operator": self._operator,
                        "outcome": attempt.outcome,
                        "reason": attempt.reason,
                        "call_id": call_id,
                    },
                )
                attempts = previous + 1
                if answer.outcome != NO_ANSWER:
                    self._rate(session, ticket, Satisfaction(answer.outcome), answer.reason, now)
                elif attempts >= policy.max_attempts:
                    self._rate(session, ticket, Satisfaction.NO_RESPONSE, None, now)
                recorded = RecordedAttempt(
                    ticket_id,
                    attempts,
                    Satisfaction(ticket.satisfaction),
                    DissatisfactionReason(ticket.dissatisfaction_reason)
                    if ticket.dissatisfaction_reason
                    else None,
                )
        except OperationalError as error:
            raise explain(error) from error
        AccessLog(self._store, self._who).record(
            "ticket", ticket_id, "surveys_view", "survey"
        )  # saved: on record
        return recorded

    def _rate(
        self,
        session: Session,
        ticket: models.Ticket,
        satisfaction: Satisfaction,
        reason: DissatisfactionReason | None,
        now: datetime,
    ) -> None:
        """The ticket change, written as TicketService.update writes one: history and outbox alike.

        Satisfaction is not part of the free-text index, so the index needs no update.
        """
        edit = TicketEdit.begin(ticket)
        ticket.satisfaction = satisfaction.value
        ticket.dissatisfaction_reason = reason.value if reason else None
        edit.write(session, edit.changes(), actor=self._operator, at=now, action=HistoryAction.UPDATED)


# Literal codes and INDEXED BY: a bound parameter would hide from SQLite that the partial index
# applies, and without statistics it would walk every resolved ticket of the status index instead.
_DUE_WHERE = f"""
    t.status = '{TicketStatus.RESOLVED.value}' AND t.satisfaction = '{Satisfaction.NOT_RATED.value}'
    AND t.resolved_at >= :since"""
_DUE_COUNT = text(f"SELECT count(*) FROM tickets AS t INDEXED BY ix_tickets_survey_due WHERE {_DUE_WHERE}")
_DUE_PAGE = text(
    f"""SELECT t.id, t.code, t.phone, t.citizen_name, t.channel, t.unit_code, u.name, t.resolved_at,
        (SELECT count(*) FROM survey_attempts AS a WHERE a.ticket_id = t.id),
        (SELECT max(a.at) FROM survey_attempts AS a WHERE a.ticket_id = t.id)
    FROM tickets AS t INDEXED BY ix_tickets_survey_due
    LEFT JOIN units AS u ON u.code = t.unit_code
    WHERE {_DUE_WHERE}
    ORDER BY t.resolved_at, t.pk
    LIMIT :limit"""
)


def _check_due(ticket: models.Ticket) -> None:
    if ticket.status != TicketStatus.RESOLVED.value:
        raise SurveyRejected(
            f"Phiếu {ticket.code} đang xử lý (có thể vừa được mở lại) nên chưa khảo sát được. "
            "Hãy làm mới danh sách (F5)."
        )
    if ticket.satisfaction != Satisfaction.NOT_RATED.value:
        label = Satisfaction(ticket.satisfaction).label
        raise SurveyRejected(
            f"Phiếu {ticket.code} đã có đánh giá «{label}» (có thể từ máy khác). Hãy làm mới danh sách (F5)."
        )


def _read_policy(session: Session) -> SurveyPolicy:
    query = select(models.Meta.key, models.Meta.value).where(
        models.Meta.key.in_((MAX_ATTEMPTS_KEY, DUE_WITHIN_DAYS_KEY))
    )
    rows = {key: value for key, value in session.execute(query)}
    default = SurveyPolicy()
    try:
        return SurveyPolicy(
            max_attempts=int(rows.get(MAX_ATTEMPTS_KEY, default.max_attempts)),
            due_within_days=int(rows.get(DUE_WITHIN_DAYS_KEY, default.due_within_days)),
        )
    except (ValueError, SurveyRejected):
        return default  # a hand-edited value out of range: the defaults, never a broken list


__all__ = [
    "NO_ANSWER",
    "REASON_KEYS",
    "Attempt",
    "DueList",
    "DueSurvey",
    "RecordedAttempt",
    "SurveyAnswer",
    "SurveyPolicy",
    "SurveyRejected",
    "SurveyService",
]
