"""Saving tickets from the form: create, edit, resolve (the rules; `ticket_rows` writes the rows)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from desktop.domain import ticket as domain
from desktop.domain.clock import now_vn, to_vn
from desktop.domain.codes import HistoryAction, Level, TicketStatus
from desktop.domain.operator import Operator, operator_of
from desktop.domain.phone import normalize_phone
from desktop.domain.ticket import stored_fields
from desktop.domain.ticket_code import desk_tag, format_ticket_code, new_ticket_id
from desktop.domain.workdays import WorkCalendar
from desktop.services.access_log import AccessLog
from desktop.services.catalogs import CatalogService
from desktop.services.tickets.rows import TicketEdit, add_ticket
from desktop.store import models
from desktop.store.errors import explain
from desktop.store.local import LocalStore
from protocol.contract import CATALOG_REFERENCES, CatalogEntry, CatalogLookup, new_work_problem


class TicketNotFound(LookupError):
    pass


class StaleTicket(RuntimeError):
    """The ticket changed since the form loaded it; reload before saving again."""


class TicketService:
    """The only writer of tickets on a desktop."""

    def __init__(
        self,
        store: LocalStore,
        operator: str | Operator,
        clock: Callable[[], datetime] = now_vn,
    ) -> None:
        self._store = store
        self._who = operator_of(operator)
        self._clock = clock
        self._tag = desk_tag(store.client_id)
        catalogs = CatalogService(store)
        self._calendar: WorkCalendar = catalogs.work_calendar()
        self._deadline_days = catalogs.deadline_days()

    @property
    def _operator(self) -> str:
        return self._who.name  # the desk's operator now: a rename counts without a restart

    def deadline_for(self, received: date, level: Level) -> date:
        return self._calendar.add_working_days(received, self._deadline_days.get(int(level), 0))

    def create(self, draft: domain.TicketDraft) -> domain.Ticket:
        _check(draft)
        now = self._clock()
        received = to_vn(draft.received_at) if draft.received_at else now
        try:
            with self._store.writes.begin() as session:
                _check_references(session, draft, None)
                citizen_id, phone = _upsert_citizen(session, draft, now)
                row = models.Ticket(
                    id=new_ticket_id(),
                    code=self._next_code(session, received.date()),
                    version=1,
                    received_at=received,
                    phone=phone,
                    citizen_id=citizen_id,
                    deadline=self.deadline_for(received.date(), draft.level),
                    resolved_at=now if draft.status is TicketStatus.RESOLVED else None,
                    created_by=self._operator,
                    updated_by=self._operator,
                    created_at=now,
                    updated_at=now,
                    **stored_fields(draft),
                )
                add_ticket(session, row, actor=self._operator, at=now)
                return _to_domain(row)
        except OperationalError as error:
            raise explain(error) from error

    def update(self, ticket_id: str, draft: domain.TicketDraft, expected_version: int) -> domain.Ticket:
        _check(draft)
        now = self._clock()
        try:
            with self._store.writes.begin() as session:
                row = _load(session, ticket_id)
                if row.version != expected_version:
                    raise StaleTicket(
                        f"Phiếu {row.code} vừa được sửa ở nơi khác (phiên bản {row.version}). "
                        "Hãy mở lại phiếu để xem thay đổi rồi sửa tiếp."
                    )
                edit = TicketEdit.begin(row)
                _check_references(session, draft, row)
                citizen_id, phone = _upsert_citizen(session, draft, now)
                received_before, level_before = row.received_at, row.level
                for name, value in stored_fields(draft).items():
                    setattr(row, name, value)
                row.phone, row.citizen_id = phone, citizen_id
                if draft.received_at:
                    row.received_at = to_vn(draft.received_at)
                if row.received_at != received_before or row.level != level_before:
                    # else the deadline stays: a unit's, set when the ticket was forwarded, included
                    row.deadline = self.deadline_for(row.received_at.date(), draft.level)
                was_resolved = edit.before["status"] == TicketStatus.RESOLVED.value
                if draft.status is TicketStatus.RESOLVED and not was_resolved:
                    row.resolved_at = now
                elif draft.status is TicketStatus.IN_PROGRESS:
                    row.resolved_at = None
                changes = edit.changes()
                if not changes:
                    return _to_domain(row)
                action = HistoryAction.UPDATED
                if "status" in changes:
                    action = HistoryAction.RESOLVED if row.resolved_at else HistoryAction.REOPENED
                edit.write(session, changes, actor=self._operator, at=now, action=action)
                session.flush()
                return _to_domain(row)
        except OperationalError as error:
            raise explain(error) from error

    def resolve(self, ticket_id: str, answer: str, expected_version: int) -> domain.Ticket:
        ticket = self.get(ticket_id)
        draft = replace(ticket.draft, answer=answer, status=TicketStatus.RESOLVED)
        return self.update(ticket_id, draft, expected_version)

    def get(self, ticket_id: str) -> domain.Ticket:
        with self._store.sessions() as session:
            return _to_domain(_load(session, ticket_id))

    def open(self, ticket_id: str, *, screen: str = "ticket_form") -> domain.Ticket:
        """The ticket an operator opens: read, and the look recorded in the access log."""
        ticket = self.get(ticket_id)
        AccessLog(self._store, self._operator).record("ticket", ticket_id, screen, "open")
        return ticket

    def get_by_code(self, code: str) -> domain.Ticket:
        with self._store.sessions() as session:
            row = session.scalar(select(models.Ticket).where(models.Ticket.code == code.strip()))
            if row is None:
                raise TicketNotFound(f"Không có phiếu mã {code}.")
            return _to_domain(row)

    def history(self, ticket_id: str) -> list[tuple[datetime, str, HistoryAction, dict[str, Any]]]:
        query = (
            select(models.TicketHistory)
            .where(models.TicketHistory.ticket_id == ticket_id)
            .order_by(models.TicketHistory.id)
        )
        with self._store.sessions() as session:
            return [
                (h.at, h.actor, HistoryAction(h.action), json.loads(h.changes))
                for h in session.scalars(query)
            ]

    def _next_code(self, session: Session, day: date) -> str:
        counter = session.get(models.CodeCounter, day)
        if counter is None:
            counter = models.CodeCounter(day=day, last=0)
            session.add(counter)
        counter.last += 1
        return format_ticket_code(day, self._tag, counter.last)


def _check(draft: domain.TicketDraft) -> None:
    errors = domain.validate_draft(draft)
    if errors:
        raise domain.TicketRejected(errors)


def _check_references(session: Session, draft: domain.TicketDraft, row: models.Ticket | None) -> None:
    """New work names units and fields this desk's catalog has and that still take tickets (the contract's
    rule, which the server checks too); a ticket may keep the retired unit or field it already has."""
    lookup = _catalog_lookup(session)
    errors = []
    for name in CATALOG_REFERENCES:
        code = getattr(draft, name)
        if not code or (row is not None and code == getattr(row, name)):
            continue
        problem = new_work_problem(name, code, lookup)
        if problem is not None:
            errors.append(domain.FieldError(name, problem))
    if errors:
        raise domain.TicketRejected(errors)


def _catalog_lookup(session: Session) -> CatalogLookup:
    def lookup(kind: str, code: str) -> CatalogEntry | None:
        if kind == "unit":
            unit = session.get(models.Unit, code)
            return None if unit is None else CatalogEntry(unit.name, unit.active, unit.merged_into)
        field = session.get(models.Field, code)
        return None if field is None else CatalogEntry(field.name, field.active)

    return lookup


def _load(session: Session, ticket_id: str) -> models.Ticket:
    row = session.scalar(select(models.Ticket).where(models.Ticket.id == ticket_id))
    if row is None:
        raise TicketNotFound(f"Không có phiếu {ticket_id}.")
    return row


def _upsert_citizen(session: Session, draft: domain.TicketDraft, now: datetime) -> tuple[str | None, str]:
    if not draft.phone.strip():
        return None, ""
    phone = normalize_phone(draft.phone)
    citizen = session.scalar(select(models.Citizen).where(models.Citizen.phone == phone))
    if citizen is None:
        citizen = models.Citizen(
            id=str(uuid.uuid4()),
            phone=phone,
            name=draft.citizen_name.strip(),
            address=draft.citizen_address.strip(),
            created_at=now,
            updated_at=now,
        )
        session.add(citizen)
    else:
        if draft.citizen_name.strip() and draft.citizen_name.strip() != citizen.name:
            citizen.name = draft.citizen_name.strip()
            citizen.updated_at = now
        if draft.citizen_address.strip() and draft.citizen_address.strip() != citizen.address:
            citizen.address = draft.citizen_address.strip()
            citizen.updated_at = now
    return citizen.id, phone


def _to_domain(row: models.Ticket) -> domain.Ticket:
    return domain.Ticket(
        id=row.id,
        code=row.code,
        version=row.version,
        draft=domain.draft_from_stored(partial(getattr, row)),
        deadline=row.deadline,
        resolved_at=row.resolved_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
        created_by=row.created_by,
        return_reason=row.return_reason,
        unit_answered_at=row.unit_answered_at,
        called_back_at=row.called_back_at,
    )


__all__ = ["StaleTicket", "TicketNotFound", "TicketService", "stored_fields"]
