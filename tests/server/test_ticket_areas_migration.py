"""Migration 0016 on real PostgreSQL: the tickets already held get the area their address names (the
catalog's communes, "" for none), and from then on an address changed in the database loses its area."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from alembic import command
from server_lab import Postgres
from sqlalchemy import Engine, text

from bench.report_on_time import _FORWARDINGS_SQL, _TICKETS_SQL, _UNITS_SQL
from server.db import alembic_config, create_server_engine


@pytest.fixture
def engine(postgres: Postgres) -> Iterator[Engine]:
    made = create_server_engine(postgres.url(postgres.create_database()))
    yield made
    made.dispose()


def test_the_tickets_and_forwardings_held_before_0016_are_given_their_area(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "0015")
    made = _TICKETS_SQL
    for name, value in {"AREAS": 100, "UNITS": 50, "CITIZENS": 40, "STEP": 3600, "TICKETS": 200}.items():
        made = made.replace(f"__{name}__", str(value))
    raw = engine.raw_connection()  # no parameters: psycopg leaves the SQL's `%` (modulo) alone
    try:
        with raw.cursor() as cursor:
            cursor.execute(_UNITS_SQL)
            cursor.execute(made)
            cursor.execute("UPDATE tickets SET citizen_address = 'Quận 3, TP HCM' WHERE code = 'OT7'")
            cursor.execute(_FORWARDINGS_SQL)
        raw.commit()
    finally:
        raw.close()
    command.upgrade(alembic_config(engine), "head")
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT code, citizen_address, area_code FROM tickets")).all()
        assert len(rows) == 200
        for code, address, area in rows:
            named = re.search(r"xã Bình Thử (\d+),", address)
            assert area == (f"ubnd-xa-{named.group(1)}" if named else ""), (code, address, area)
        assert dict((code, area) for code, _, area in rows)["OT7"] == ""
        # 0018: each forwarding held carries its ticket's area
        pairs = connection.execute(
            text("SELECT f.area_code, t.area_code FROM forwardings f JOIN tickets t ON t.id = f.ticket_id")
        ).all()
        assert pairs and all(forwarded == held for forwarded, held in pairs)
        connection.execute(text("UPDATE tickets SET citizen_address = 'xã Bình Thử 3' WHERE code = 'OT7'"))
        moved = connection.execute(text("SELECT area_code FROM tickets WHERE code = 'OT7'")).scalar()
        assert moved is None  # read again from the address until a push stamps it
