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
    Vocabulary,
    build_report,
)
from server import models
from server.services.values import CHANNEL_CODES, REASON_CODES, REQUEST_TYPE_CODES

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
        codes=Vocabulary(
            channels=CHANNEL_CODES,
            request_types=REQUEST_TYPE_CODES,
            levels=(1, 2, 3, 4),
            dissatisfaction_reasons=REASON_CODES,
            resolved="da_xu_ly",
            in_progress="dang_xu_ly",
            satisfied="hai_long",
            dissatisfied="khong_hai_long",
            no_response="khong_phan_hoi",
            not_rated="chua_danh_gia",
            attitude="phan_anh_thai_do",
            late="phan_anh_cham_tre",
            inbound="vao",
            outbound="ra",
            missed_outcomes=("nho", "bo_may", "ban", "loi"),
            hotline_unit=HOTLINE_UNIT,
        ),
    )


def report_for(connection: Connection, period: Period) -> Report:
    """The report of `period` from one snapshot (REPEATABLE READ on PostgreSQL: its three queries agree)."""
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    with connection.begin():
        return build_report(connection, server_source(), period)
