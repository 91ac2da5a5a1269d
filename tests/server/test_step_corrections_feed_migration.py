"""Migration 0021 on real PostgreSQL: the tickets whose step fields 0019 and 0020 corrected in place, and
only those, are published again by the server (server.services.feed_refresh) with the ticket as the feed
serialises it, a new version and the next feed positions, none skipped. Tickets last published before 0019
(no `unit_answered_at` in their feed row) and after it (the mark 0020 emptied) are both found."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from server_lab import Postgres
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session
from test_reforwarded_not_answered_migration import _FORWARDED_AGAIN_SQL

from bench.report_on_time import _FORWARDINGS_SQL, _TICKETS_SQL, _UNITS_SQL, AREAS, UNITS
from protocol import Mutation
from server.db import alembic_config, create_server_engine
from server.models import FeedEntry, Ticket
from server.services import tickets
from server.services.feed import PendingChanges, publish
from server.services.feed_refresh import republish_stale
from server.services.tickets import ticket_data
from tests.server.server_lab import ticket

# Every ticket in the feed as a server before 0019 published it (no step fields), at positions 1..n.
_PUBLISHED_BEFORE_0019 = """
INSERT INTO feed (entity, entity_id, position, version, tombstone, data, origin_client)
SELECT 'ticket', id, row_number() OVER (ORDER BY pk), version, false,
  jsonb_build_object('id', id, 'version', version, 'code', code), 'dtv1' FROM tickets;
UPDATE feed_counter SET value = (SELECT count(*) FROM tickets)
"""
# A third of them published again at 0019 (an edit after the upgrade): their feed row carries the mark.
_PUBLISHED_AT_0019 = """
UPDATE feed f SET data = f.data || jsonb_build_object('unit_answered_at',
  to_char(t.unit_answered_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD"T"HH24:MI:SS.US"+07:00"'))
FROM tickets t WHERE f.entity_id = t.id AND t.pk % 3 = 0
"""


TICKET_ID = "7d0c3c1e-5b7a-4d43-9a55-3f5b0f1c2a10"
ANSWERED_ONLY = "0b8e7f0a-2c4d-4e6f-8a1b-9c0d1e2f3a4b"
WRITER = tickets.Actor("dtv1", 1, "desk-1")


@pytest.fixture
def engine(postgres: Postgres) -> Iterator[Engine]:
    made = create_server_engine(postgres.url(postgres.create_database()))
    yield made
    made.dispose()


def _run(engine: Engine, *statements: str) -> None:
    raw = engine.raw_connection()  # no parameters: psycopg leaves the SQL's `%` (modulo) alone
    try:
        with raw.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        raw.commit()
    finally:
        raw.close()


def _to_head_without_the_forwardings(engine: Engine) -> None:
    """The schema today's code (the republishing) reads, with 0021's list only: 0022 lists the forwardings
    (tests/server/test_forwardings_feed_migration.py); 0023 lists no ticket here (no revision names who
    called back or resolved one)."""
    command.upgrade(alembic_config(engine), "head")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM feed_stale WHERE entity = 'forwarding'"))


def test_the_tickets_corrected_in_place_are_published_again_and_only_they(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "0018")
    made = _TICKETS_SQL
    for name, value in {"AREAS": AREAS, "UNITS": UNITS, "CITIZENS": 40, "STEP": 3600, "TICKETS": 300}.items():
        made = made.replace(f"__{name}__", str(value))
    _run(engine, _UNITS_SQL, made, _FORWARDINGS_SQL, _FORWARDED_AGAIN_SQL, _PUBLISHED_BEFORE_0019)
    command.upgrade(alembic_config(engine), "0019")
    _run(engine, _PUBLISHED_AT_0019)
    with engine.connect() as connection:
        marked_at_0019 = dict(connection.execute(text("SELECT id, unit_answered_at FROM tickets")).all())
        published = {
            entity_id: (position, version, data)
            for entity_id, position, version, data in connection.execute(
                select(FeedEntry.entity_id, FeedEntry.position, FeedEntry.version, FeedEntry.data)
            )
        }
    head = len(published)

    command.upgrade(alembic_config(engine), "0021")  # 0022 lists the forwardings too (their own test)
    _to_head_without_the_forwardings(engine)
    with engine.connect() as connection:
        marked_now = dict(connection.execute(text("SELECT id, unit_answered_at FROM tickets")).all())
        listed = set(connection.execute(text("SELECT entity_id FROM feed_stale")).scalars())
    desks_lack = {  # what a desk that pulled everything holds differs from the ticket
        ticket_id
        for ticket_id, mark in marked_now.items()
        if ("unit_answered_at" in published[ticket_id][2] and marked_at_0019[ticket_id] != mark)
        or ("unit_answered_at" not in published[ticket_id][2] and mark is not None)
    }
    emptied = {ticket_id for ticket_id, mark in marked_at_0019.items() if mark and not marked_now[ticket_id]}
    assert emptied & desks_lack and desks_lack - emptied  # both kinds of correction are there
    assert listed == desks_lack

    assert republish_stale(engine) == len(listed)
    with Session(engine) as session:
        feed = {entry.entity_id: entry for entry in session.scalars(select(FeedEntry))}
        for ticket in session.scalars(select(Ticket)):
            entry = feed[ticket.id]
            if ticket.id in listed:
                assert (entry.version, entry.data) == (published[ticket.id][1] + 1, ticket_data(ticket))
                assert ticket.field_meta["unit_answered_at"][0] == ticket.version
            else:
                assert (entry.position, entry.version) == published[ticket.id][:2]
        moved = sorted(feed[ticket_id].position for ticket_id in listed)
        assert moved == list(range(head + 1, head + len(listed) + 1))  # the next positions, no gap
        assert session.scalar(text("SELECT value FROM feed_counter")) == head + len(listed)
    assert republish_stale(engine) == 0


def test_a_sqlite_server_publishes_its_corrected_ticket_again_too(tmp_path: Path) -> None:
    """The same on a server kept in a SQLite file (its feed's JSON and timestamps are text there)."""
    engine = create_server_engine(str(tmp_path / "server.sqlite3"))
    # The ticket a unit answered, written by today's code (the model is the head's), then the schema taken
    # back to 0019's: as 0019's server kept it.
    command.upgrade(alembic_config(engine), "head")
    answered_at = datetime(2026, 4, 9, 8, 0, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        feed = PendingChanges()
        for number, ticket_id in enumerate((TICKET_ID, ANSWERED_ONLY), 1):
            mutation = Mutation(
                seq=number, mutation_id=f"m{number}", entity="ticket", op="create", entity_id=ticket_id,
                payload=ticket(f"P-SQ-{number}", level=2, unit_code=None),
            )  # fmt: skip
            tickets.create(session, mutation, WRITER, answered_at, feed)
            session.flush()
            held = session.scalars(select(Ticket).where(Ticket.id == ticket_id)).one()
            answer = {"unit_answered_at": answered_at.isoformat()}
            tickets.edit_from_server(session, held, answer, WRITER, answered_at, feed)
        publish(session, feed)
    command.downgrade(alembic_config(engine), "0019")
    with Session(engine) as session, session.begin():
        session.execute(  # forwarded again later, the mark kept (in 0019's table, not the model's)
            text(
                "INSERT INTO forwardings (id, ticket_id, unit_code, state, forwarded_by, forwarded_at, "
                "deadline, answered_by, answer, attachment, return_reason, extension_reason, extension_days, "
                "extension_state, extension_asked_by, extension_decided_by) VALUES ('f-2', :ticket, "
                "'so-y-te', 'forwarded', 'dtv1', :at, '2026-04-17', '', '', '', '', '', 0, '', '', '')"
            ),
            {"ticket": TICKET_ID, "at": (answered_at + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.%f")},
        )
    command.upgrade(alembic_config(engine), "0021")  # 0022 lists the forwardings too (their own test)
    with engine.connect() as connection:  # the one answered only is published as it is
        assert list(connection.execute(text("SELECT entity_id FROM feed_stale")).scalars()) == [TICKET_ID]
    _to_head_without_the_forwardings(engine)
    assert republish_stale(engine) == 1
    with Session(engine) as session:
        entry = session.get(FeedEntry, ("ticket", TICKET_ID))
        assert entry is not None and entry.data is not None
        assert (entry.version, entry.data["unit_answered_at"]) == (3, None)
        assert entry.position == session.scalar(text("SELECT value FROM feed_counter")) == 3  # the next one
    assert republish_stale(engine) == 0
    engine.dispose()
