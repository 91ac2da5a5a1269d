"""The province's report over the local store: the shared engine (`reports`) bound to the desktop's tables."""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import literal_column

from desktop.domain.ticket import HOTLINE_UNIT  # tickets the operators closed themselves
from desktop.store.local import LocalStore
from desktop.store.models import Call, Ticket, Unit
from reports import (
    CallColumns,
    Period,
    Report,
    ReportSource,
    TicketColumns,
    UnitColumns,
    build_report,
    report_codes,
)


@cache
def desktop_source() -> ReportSource:
    """The desktop store's columns and the codes of desktop.domain.codes, for the engine."""
    tickets, calls, units = Ticket.__table__.c, Call.__table__.c, Unit.__table__.c
    return ReportSource(
        # Unary plus: SQLite must not pick the reception-date index for the period; the report's
        # covering index (ix_tickets_report) answers the whole GROUP BY faster.
        tickets=TicketColumns.of(
            tickets, received_at=literal_column("+tickets.received_at", tickets.received_at.type)
        ),
        calls=CallColumns.of(calls),
        units=UnitColumns.of(units),
        codes=report_codes(HOTLINE_UNIT),
    )


class ReportService:
    """Reports of the local store, for the supervisor screens and `report` (never on the GUI thread)."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def report(self, first: date, last: date) -> Report:
        """The report of the tickets received from `first` to `last` (inclusive, Vietnam time)."""
        return self.report_for(Period(first, last))

    def report_for(self, period: Period) -> Report:
        with self._store.engine.connect() as connection, connection.begin():
            return build_report(connection, desktop_source(), period)
