"""A caller's history by phone number: their tickets and calls, newest first, from indexed lookups."""

from __future__ import annotations

from sqlalchemy import case, func, select

from desktop.domain.codes import CallDirection, CallOutcome, TicketStatus
from desktop.domain.phone import normalize_phone, phone_prefix_digits
from desktop.domain.ticket import CallerHistory, CallRow, Citizen
from desktop.services.ticket_query import TICKET_ROW_COLUMNS, row_to_ticket_row
from desktop.store import models
from desktop.store.local import LocalStore


class CallerHistoryService:
    """Reads only; called on a worker thread by the UI and on the SIP path by the pop-up."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def lookup(self, phone: str, *, ticket_limit: int = 10, call_limit: int = 10) -> CallerHistory:
        """Raises InvalidPhoneNumber for a number that cannot be normalised."""
        stored = normalize_phone(phone)
        tickets_query = (
            select(*TICKET_ROW_COLUMNS)
            .outerjoin(models.Unit, models.Unit.code == models.Ticket.unit_code)
            .where(models.Ticket.phone == stored)
            .order_by(models.Ticket.received_at.desc(), models.Ticket.pk.desc())
            .limit(ticket_limit)
        )
        counts_query = select(
            func.count(),
            func.coalesce(
                func.sum(case((models.Ticket.status == TicketStatus.IN_PROGRESS.value, 1), else_=0)),
                0,
            ),
        ).where(models.Ticket.phone == stored)
        calls_query = (
            select(models.Call, models.Ticket.code)
            .outerjoin(models.Ticket, models.Ticket.id == models.Call.ticket_id)
            .where(models.Call.phone == stored)
            .order_by(models.Call.started_at.desc())
            .limit(call_limit)
        )
        with self._store.sessions() as session:
            citizen = session.scalar(select(models.Citizen).where(models.Citizen.phone == stored))
            tickets = [row_to_ticket_row(row) for row in session.execute(tickets_query)]
            total, open_count = session.execute(counts_query).one()
            calls = [
                CallRow(
                    id=call.id,
                    direction=CallDirection(call.direction),
                    phone=call.phone,
                    started_at=call.started_at,
                    answered_at=call.answered_at,
                    ended_at=call.ended_at,
                    outcome=CallOutcome(call.outcome),
                    operator=call.operator,
                    ticket_code=code,
                )
                for call, code in session.execute(calls_query)
            ]
        return CallerHistory(
            phone=stored,
            citizen=(Citizen(citizen.id, citizen.phone, citizen.name, citizen.address) if citizen else None),
            tickets=tickets,
            calls=calls,
            total_tickets=int(total),
            open_tickets=int(open_count),
        )

    def callers_starting_with(self, typed: str, limit: int = 8) -> list[Citizen]:
        """Known callers whose number starts with what has been typed so far (index range scan)."""
        digits = phone_prefix_digits(typed)
        if digits is None or len(digits) < 2:
            return []
        low = "+84" + digits
        high = low[:-1] + chr(ord(low[-1]) + 1)
        query = (
            select(models.Citizen)
            .where(models.Citizen.phone >= low, models.Citizen.phone < high)
            .order_by(models.Citizen.phone)
            .limit(limit)
        )
        with self._store.sessions() as session:
            return [Citizen(c.id, c.phone, c.name, c.address) for c in session.scalars(query)]
