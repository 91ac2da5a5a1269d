"""Migrations 0019-0020 on real PostgreSQL: a ticket a unit answered gets that answer's moment as its
`unit_answered_at`, except one forwarded again since (to another unit, which has not answered, or which
returned it): it waits for the new unit's answer, as a forward made from now on leaves it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from server_lab import Postgres
from sqlalchemy import Engine, text

from bench.report_on_time import _FORWARDINGS_SQL, _TICKETS_SQL, _UNITS_SQL, AREAS, UNITS
from server.db import alembic_config, create_server_engine

# Half the answered tickets go to another unit a month after their first forwarding, a fifth of those
# come back from it.
_FORWARDED_AGAIN_SQL = """
INSERT INTO forwardings (id, ticket_id, unit_code, state, forwarded_at, forwarded_by, deadline, answered_at,
  answered_by, answer, attachment, returned_at, return_reason, extension_reason, extension_days,
  extension_state)
SELECT md5('g' || t.pk)::uuid::text, t.id, t.unit_code,
  CASE WHEN t.pk % 5 = 0 THEN 'returned' ELSE 'forwarded' END, f.forwarded_at + interval '30 days', 'dtv1',
  (f.forwarded_at + interval '37 days')::date, NULL, '', '', '',
  CASE WHEN t.pk % 5 = 0 THEN f.forwarded_at + interval '31 days' END, '', '', 0, ''
FROM tickets t JOIN forwardings f ON f.ticket_id = t.id
WHERE f.state = 'answered' AND t.pk % 2 = 0
"""


@pytest.fixture
def engine(postgres: Postgres) -> Iterator[Engine]:
    made = create_server_engine(postgres.url(postgres.create_database()))
    yield made
    made.dispose()


def test_a_ticket_forwarded_again_after_its_answer_is_not_answered_after_the_upgrade(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "0018")
    made = _TICKETS_SQL
    for name, value in {"AREAS": AREAS, "UNITS": UNITS, "CITIZENS": 40, "STEP": 3600, "TICKETS": 400}.items():
        made = made.replace(f"__{name}__", str(value))
    raw = engine.raw_connection()  # no parameters: psycopg leaves the SQL's `%` (modulo) alone
    try:
        with raw.cursor() as cursor:
            cursor.execute(_UNITS_SQL)
            cursor.execute(made)
            cursor.execute(_FORWARDINGS_SQL)
            cursor.execute(_FORWARDED_AGAIN_SQL)
        raw.commit()
    finally:
        raw.close()
    command.upgrade(alembic_config(engine), "head")

    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT t.unit_answered_at, "
                "(SELECT max(answered_at) FROM forwardings WHERE ticket_id = t.id AND state = 'answered'), "
                "(SELECT count(*) FROM forwardings WHERE ticket_id = t.id) FROM tickets t"
            )
        ).all()
    answered_once = [
        (marked, answered) for marked, answered, forwardings in rows if forwardings == 1 and answered
    ]
    again = [marked for marked, answered, forwardings in rows if forwardings == 2]
    assert answered_once and again  # both kinds are there
    assert all(marked == answered for marked, answered in answered_once)
    assert all(marked is None for marked in again)
