"""The province's report on the server: the shared engine (`reports`) bound to the server's own tables."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Connection

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
from server import models

HOTLINE_UNIT = "tong-dai-1022"  # the catalog's "Tổng đài 1022", as on the desktop: tickets with no unit


@cache
def server_source() -> ReportSource:
    """The engine bound to the server's tickets, calls and units, with the codes of DOMAIN.md."""
    tickets, calls = models.Ticket.__table__.c, models.Call.__table__.c
    units = models.Unit.__table__.c
    return ReportSource(
        tickets=TicketColumns.of(tickets),
        calls=CallColumns.of(calls),
        units=UnitColumns.of(units),
        codes=report_codes(HOTLINE_UNIT),
    )


def report_for(connection: Connection, period: Period) -> Report:
    """The report of `period` from one snapshot (REPEATABLE READ on PostgreSQL: its three queries agree)."""
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    with connection.begin():
        return build_report(connection, server_source(), period)
