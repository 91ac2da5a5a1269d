"""The same engine on the server's PostgreSQL: the hand-counted November, copied into the server's own
tables (timestamptz, migrated by the server's Alembic, in a bench/server_lab.py cluster as the server
tests use), gives the report the desktop's SQLite gives, figure for figure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from lab_tools import lab_tool_missing
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bench.report_pg import server_source
from bench.server_lab import cluster, pg_bin
from desktop.services.supervisor.reports import ReportService
from desktop.store import models as desk
from desktop.store.local import LocalStore
from reports import Period, build_report
from server import models as central
from server.db import create_server_engine, migrate


@pytest.fixture(scope="module")
def server_engine() -> Iterator[Engine]:
    if pg_bin() is None:
        lab_tool_missing("PostgreSQL is not installed (apt-get install postgresql)")
    with cluster() as postgres:
        engine = create_server_engine(postgres.url(postgres.create_database()))
        migrate(engine)
        yield engine
        engine.dispose()


def copy_to_server(store: LocalStore, engine: Engine) -> None:
    with store.sessions() as source, Session(engine) as target, target.begin():
        for unit in source.scalars(select(desk.Unit)):
            target.add(
                central.Unit(
                    code=unit.code, name=unit.name, group=unit.group, active=unit.active,
                    merged_into=unit.merged_into, retired_at=unit.retired_at, sort_order=unit.sort_order,
                )
            )  # fmt: skip
        for t in source.scalars(select(desk.Ticket)):
            target.add(
                central.Ticket(
                    id=t.id, code=t.code, received_at=t.received_at, channel=t.channel, phone=t.phone,
                    request_type=t.request_type, level=t.level, is_tthc=t.is_tthc, tthc_code=t.tthc_code,
                    unit_code=t.unit_code, content=t.content, answer=t.answer, status=t.status,
                    satisfaction=t.satisfaction, dissatisfaction_reason=t.dissatisfaction_reason,
                    created_at=t.created_at, updated_at=t.updated_at,
                )
            )  # fmt: skip
        for c in source.scalars(select(desk.Call)):
            target.add(
                central.Call(id=c.id, direction=c.direction, phone=c.phone, started_at=c.started_at,
                             answered_at=c.answered_at, ended_at=c.ended_at, outcome=c.outcome)
            )  # fmt: skip


@pytest.mark.parametrize(
    ("first", "last"),
    [((2021, 11, 1), (2021, 11, 30)), ((2021, 11, 30), (2021, 11, 30)), ((2021, 10, 31), (2021, 12, 31))],
)
def test_postgresql_gives_the_report_sqlite_gives(
    november: LocalStore, server_engine: Engine, first: tuple[int, int, int], last: tuple[int, int, int]
) -> None:
    with Session(server_engine) as session, session.begin():
        for table in (central.Call, central.Ticket, central.Unit):
            session.query(table).delete()
    copy_to_server(november, server_engine)
    period = Period(date(*first), date(*last))
    with server_engine.connect() as connection, connection.begin():
        assert connection.dialect.name == "postgresql"
        on_server = build_report(connection, server_source(), period)
    assert on_server == ReportService(november).report_for(period)
    if period == Period(date(2021, 11, 1), date(2021, 11, 30)):  # the hand count of test_report_engine.py
        assert on_server["totals"]["tickets"] == 8
        assert on_server["calls"] == {"inbound": 5, "outbound": 2, "missed": 3}
    if period.first == period.last:
        assert on_server["totals"]["tickets"] == 1
