"""The province's report over the local store: the shared engine (`reports`) bound to the desktop's tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Protocol

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
from reports.shape import AreaRow, OnTime

# Up to a quarter, the period's rows are read through the reception-date index: a month is ~1 % of a
# million tickets, and walking the whole report index for it means decrypting every one of its pages.
SHORT_PERIOD_DAYS = 92


@cache
def desktop_source(*, short_period: bool = False) -> ReportSource:
    """The desktop store's columns and the codes of desktop.domain.codes, for the engine."""
    tickets, calls, units = Ticket.__table__.c, Call.__table__.c, Unit.__table__.c
    # A long period: unary plus, so SQLite does not pick the reception-date index; the report's covering
    # index (ix_tickets_report) answers the whole GROUP BY without reading a ticket row.
    received_at = (
        tickets.received_at
        if short_period
        else literal_column("+tickets.received_at", tickets.received_at.type)
    )
    return ReportSource(
        tickets=TicketColumns.of(tickets, received_at=received_at),
        calls=CallColumns.of(calls),
        units=UnitColumns.of(units),
        codes=report_codes(HOTLINE_UNIT),
    )


def is_short(period: Period) -> bool:
    return (period.ends_before - period.starts_at).days <= SHORT_PERIOD_DAYS


class ReportService:
    """Reports of the local store, for the supervisor screens and `report` (never on the GUI thread)."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def report(self, first: date, last: date) -> Report:
        """The report of the tickets received from `first` to `last` (inclusive, Vietnam time)."""
        return self.report_for(Period(first, last))

    def report_for(self, period: Period) -> Report:
        with self._store.engine.connect() as connection, connection.begin():
            return build_report(connection, desktop_source(short_period=is_short(period)), period)


ON_TIME_FROM_SERVER = (
    "Bảng 7 và 8 (tiến độ xử lý đúng hạn theo cơ quan, đơn vị và theo địa bàn hành chính) do máy chủ "
    "trung tâm tính từ các phiếu đã chuyển đơn vị; máy trạm này không lưu các phiếu chuyển."
)


class ServerTablesUnavailable(Exception):
    """The server's on-time tables could not be read; the message says why and what to do, in Vietnamese."""


@dataclass(frozen=True)
class ServerTables:
    """The server's on-time tables of a period: per unit (table 7) and per administrative area (table 8)."""

    on_time: OnTime
    areas: list[AreaRow]


class ServerTablesSource(Protocol):
    def on_time_tables(self, first: date, last: date) -> ServerTables:
        """Runs on a worker thread; raises ServerTablesUnavailable with a Vietnamese reason."""
        ...


class NoServerTables:
    """A desk without a server: tables 7 and 8 cannot be counted here."""

    def on_time_tables(self, first: date, last: date) -> ServerTables:
        raise ServerTablesUnavailable(
            "Chưa kết nối máy chủ: vào Máy chủ ▸ Đăng nhập máy chủ bằng tài khoản giám sát viên, "
            "rồi bấm Xem (F5) lại."
        )


def with_server_tables(report: Report, tables: ServerTables) -> Report:
    """The desk's report with the server's tables 7 and 8 added, so the screen and the files show them."""
    return {**report, "on_time": tables.on_time, "areas": tables.areas}
