"""Migration 0022 on PostgreSQL and SQLite: forwardings made before it reach the desks at their next pull.
It lists them for the server's start (feed_stale), which publishes each after everything already in the
feed, by the one serialiser every step uses; the deadline a forward gave is kept where no supervisor
moved it."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from server.db import alembic_config
from server.models import FeedEntry, Forwarding
from server.services.feed import read_page
from server.services.feed_refresh import republish_stale
from server.services.forwarding import forwarding_data

_FORWARDINGS = """
INSERT INTO forwardings (id, ticket_id, unit_code, state, forwarded_at, forwarded_by, deadline, answered_at,
  answered_by, answer, attachment, returned_at, return_reason, extension_reason, extension_days,
  extension_state, extension_asked_at, extension_asked_by, extension_decided_at, extension_decided_by)
VALUES
 ('f-answered', 't-1', 'so-y-te', 'answered', '2026-11-02 02:00:00.000000', 'dtv1', '2026-11-09',
  '2026-11-05 03:00:00.000000', 'so.yte', 'Đã trả lời công dân.', 'f-answered.pdf', NULL, '', '', 0, '',
  NULL, '', NULL, ''),
 ('f-granted', 't-2', 'so-y-te', 'forwarded', '2026-11-03 02:00:00.000000', 'dtv2', '2026-11-13',
  NULL, '', '', '', NULL, '', 'Cần xác minh tại chỗ', 3, 'granted',
  '2026-11-04 02:00:00.000000', 'don-vi:so.yte', '2026-11-04 04:00:00.000000', 'giamsat'),
 ('f-returned', 't-3', 'ubnd-xa', 'returned', '2026-11-01 02:00:00.000000', 'dtv1', '2026-11-08',
  NULL, 'ubnd.xa', '', '', '2026-11-02 02:00:00.000000', 'Không thuộc thẩm quyền', '', 0, '',
  NULL, '', NULL, '')
"""


@pytest.fixture
def engine(empty_server_engine: Engine) -> Engine:
    return empty_server_engine


def test_forwardings_made_before_the_upgrade_are_in_the_feed_after_everything_already_there(
    engine: Engine,
) -> None:
    command.upgrade(alembic_config(engine), "0021")
    with engine.begin() as connection:
        connection.execute(text(_FORWARDINGS))
        connection.execute(
            text(
                "INSERT INTO feed (entity, entity_id, position, version, tombstone, data, origin_client) "
                "VALUES ('unit', 'so-y-te', 7, 1, false, '{\"name\": \"Sở Y tế\"}', NULL)"
            )
        )
        connection.execute(text("UPDATE feed_counter SET value = 7 WHERE id = 1"))
    command.upgrade(alembic_config(engine), "head")
    with Session(engine) as session:
        assert session.scalar(select(FeedEntry.entity_id).where(FeedEntry.entity == "forwarding")) is None
    assert republish_stale(engine) == 3  # as `serve` does at its start
    assert republish_stale(engine) == 0  # once

    with Session(engine) as session:
        changes, more = read_page(session, 7, 100)  # a desk that had pulled everything before
        assert not more
        assert [(c.entity, c.entity_id, c.cursor, c.version) for c in changes] == [
            ("forwarding", "f-returned", 8, 2),
            ("forwarding", "f-answered", 9, 2),
            ("forwarding", "f-granted", 10, 2),
        ]
        stored = {f.id: f for f in session.scalars(select(Forwarding))}
        for change in changes:  # exactly what the server publishes at a step from now on
            assert change.fields == forwarding_data(stored[change.entity_id])
        assert session.scalar(text("SELECT value FROM feed_counter WHERE id = 1")) == 10
        assert stored["f-answered"].first_deadline == date(2026, 11, 9)
        assert stored["f-granted"].first_deadline is None  # moved by a supervisor: the first is not known
        assert stored["f-granted"].version == 2 and stored["f-granted"].earlier_extensions == []
    answered = next(c for c in changes if c.entity_id == "f-answered").fields or {}
    assert answered["has_attachment"] is True and "f-answered.pdf" not in str(answered)  # a flag only

    command.downgrade(alembic_config(engine), "0021")
    with Session(engine) as session:
        assert session.scalar(select(FeedEntry.entity_id).where(FeedEntry.entity == "forwarding")) is None
