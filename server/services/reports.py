"""The province's report on the server: the shared engine (`reports`) bound to the server's own tables,
with the tables only the server can give (it holds the forwardings): on time per unit and per area."""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import Connection
from sqlalchemy.orm import Session

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
from reports.shape import OnTime
from server import models
from server.services.forwarding import work_calendar
from server.services.unit_timeliness import on_time_tables, tickets_forwarded

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


def report_for(connection: Connection, period: Period, today: date | None = None) -> Report:
    """The report of `period` from one snapshot (REPEATABLE READ on PostgreSQL: its queries agree).

    With `today`, it also carries the on-time tables: the forwardings made in the period against their
    deadlines, per unit (`on_time`) and per area of the citizen's address (`areas`), overdue as of `today`.
    """
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    with connection.begin():
        report = build_report(connection, server_source(), period)
        if today is not None:
            session = Session(bind=connection)
            figures, areas = on_time_tables(session, period, today, work_calendar(session), with_carried=True)
            report["on_time"] = OnTime(
                today=figures["today"],
                units=figures["units"],
                total=figures["total"],
                tickets_forwarded=tickets_forwarded(session, period),
            )
            report["areas"] = areas
        return report
