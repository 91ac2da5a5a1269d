"""A ticket's life read from this desk's store alone (so it works offline): every step, oldest first,
with its moment, who took it, the unit and the words (a reason, an answer)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.codes import Satisfaction, TicketStatus
from desktop.services.access_log import AccessLog
from desktop.store.forwarding_models import Forwarding
from desktop.store.local import LocalStore
from desktop.store.models import Ticket, TicketHistory, Unit
from desktop.store.survey_models import SurveyAttempt

SCREEN = "ticket_life"  # the access record's screen
NO_ANSWER = "khong_nghe_may"  # a survey call nobody answered (survey_models)


class LifeStepKind(StrEnum):
    RECEIVED = "received"
    FORWARDED = "forwarded"
    EXTENSION_ASKED = "extension_asked"
    EXTENSION_GRANTED = "extension_granted"
    EXTENSION_REFUSED = "extension_refused"
    ANSWERED = "answered"
    RETURNED = "returned"
    CALLED_BACK = "called_back"
    RESOLVED = "resolved"
    SURVEYED = "surveyed"


@dataclass(frozen=True)
class LifeStep:
    """One step: `deadline` is the one a forward gave or a granted extension set, `days` the working days
    a unit asked for, `attachment` whether the unit's answer came with an official reply (on the server)."""

    kind: LifeStepKind
    at: datetime
    by: str = ""
    unit: str = ""
    words: str = ""
    deadline: date | None = None
    days: int = 0
    attachment: bool = False


class TicketLife:
    """Reads a ticket's life; showing it is a look at the ticket, on the access record (reason `open`)."""

    def __init__(self, store: LocalStore, access: AccessLog | None = None) -> None:
        self._store = store
        self._access = access

    def steps(self, ticket_id: str) -> list[LifeStep]:
        """Every step of the ticket, oldest first ([] for a ticket this desk does not have)."""
        with self._store.sessions() as session:
            ticket = session.scalar(select(Ticket).where(Ticket.id == ticket_id))
            if ticket is None:
                return []
            steps = _ticket_steps(session, ticket) + _unit_steps(session, ticket_id)
        if self._access is not None:
            self._access.record("ticket", ticket_id, SCREEN, "open")
        order = list(LifeStepKind)
        return sorted(steps, key=lambda step: (step.at, order.index(step.kind)))


def _ticket_steps(session: Session, ticket: Ticket) -> list[LifeStep]:
    history = [
        (row.at, row.actor, json.loads(row.changes or "{}"))
        for row in session.scalars(
            select(TicketHistory).where(TicketHistory.ticket_id == ticket.id).order_by(TicketHistory.id)
        )
    ]
    steps = [LifeStep(LifeStepKind.RECEIVED, ticket.received_at, ticket.created_by)]
    # Who: the server's stamp from the account that pushed the step (synced to every desk); for an old
    # ticket the server could not name, this desk's own history, else nobody (never a guess).
    if ticket.called_back_at is not None:
        by = ticket.called_back_by or _who_set(history, "called_back_at", lambda _value: True)
        steps.append(LifeStep(LifeStepKind.CALLED_BACK, ticket.called_back_at, by, words=ticket.answer))
    if ticket.status == TicketStatus.RESOLVED.value and ticket.resolved_at is not None:
        resolved = TicketStatus.RESOLVED.value
        by = ticket.resolved_by or _who_set(history, "status", lambda value: value == resolved)
        steps.append(LifeStep(LifeStepKind.RESOLVED, ticket.resolved_at, by))
    for attempt in session.scalars(
        select(SurveyAttempt).where(SurveyAttempt.ticket_id == ticket.id).order_by(SurveyAttempt.at)
    ):
        words = _survey_words(attempt.outcome)
        steps.append(LifeStep(LifeStepKind.SURVEYED, attempt.at, attempt.operator, words=words))
    return steps


def _who_set(history: list[tuple[datetime, str, dict[str, Any]]], name: str, wanted: Any) -> str:
    """Who last saved `name` to a wanted value on this desk ("" when it came from another desk)."""
    for _at, actor, changes in reversed(history):
        change = changes.get(name)
        if isinstance(change, list) and len(change) == 2 and wanted(change[1]):
            return str(actor)
    return ""


def _survey_words(outcome: str) -> str:
    if outcome == NO_ANSWER:
        return "Không nghe máy"
    try:
        return Satisfaction(outcome).label
    except ValueError:
        return outcome


def _unit_steps(session: Session, ticket_id: str) -> list[LifeStep]:
    names = {code: name for code, name in session.execute(select(Unit.code, Unit.name))}
    steps: list[LifeStep] = []
    for f in session.scalars(
        select(Forwarding).where(Forwarding.ticket_id == ticket_id).order_by(Forwarding.forwarded_at)
    ):
        unit = names.get(f.unit_code) or f.unit_code
        first = f.first_deadline or (f.deadline if f.extension_state != "granted" else None)
        steps.append(LifeStep(LifeStepKind.FORWARDED, f.forwarded_at, f.forwarded_by, unit, deadline=first))
        for earlier in json.loads(f.earlier_extensions or "[]"):
            steps.extend(_extension_steps(unit, earlier))
        if f.extension_state:
            latest = {
                "asked_at": f.extension_asked_at,
                "asked_by": f.extension_asked_by,
                "reason": f.extension_reason,
                "days": f.extension_days,
                "state": f.extension_state,
                "decided_at": f.extension_decided_at,
                "decided_by": f.extension_decided_by,
                "deadline": f.deadline,
            }
            steps.extend(_extension_steps(unit, latest))
        unit_person = f"don-vi:{f.answered_by}" if f.answered_by else ""
        if f.state == "answered" and f.answered_at is not None:
            steps.append(
                LifeStep(
                    LifeStepKind.ANSWERED,
                    f.answered_at,
                    unit_person,
                    unit,
                    f.answer,
                    attachment=f.has_attachment,
                )
            )
        if f.returned_at is not None:
            steps.append(LifeStep(LifeStepKind.RETURNED, f.returned_at, unit_person, unit, f.return_reason))
    return steps


def _extension_steps(unit: str, request: dict[str, Any]) -> list[LifeStep]:
    asked_at, decided_at = _moment(request.get("asked_at")), _moment(request.get("decided_at"))
    steps: list[LifeStep] = []
    if asked_at is not None:
        reason, days = str(request.get("reason") or ""), int(request.get("days") or 0)
        steps.append(
            LifeStep(
                LifeStepKind.EXTENSION_ASKED,
                asked_at,
                str(request.get("asked_by") or ""),
                unit,
                reason,
                days=days,
            )
        )
    state = request.get("state")
    if decided_at is not None and state in ("granted", "refused"):
        granted = state == "granted"
        kind = LifeStepKind.EXTENSION_GRANTED if granted else LifeStepKind.EXTENSION_REFUSED
        deadline = _day(request.get("deadline")) if granted else None
        steps.append(
            LifeStep(kind, decided_at, str(request.get("decided_by") or ""), unit, deadline=deadline)
        )
    return steps


def _moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value)) if value else None


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10]) if value else None
