"""Migration 0023 on PostgreSQL and SQLite: who called back and who resolved a ticket made before it is
taken from the server's own revisions (the account of the latest one that set the moment), never guessed
where they do not say (a ticket created resolved, a step reopened, the server's own correction), and the
tickets so named are published again, so every desk gets the names at its next pull."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from protocol import Mutation
from server.db import alembic_config
from server.models import FeedEntry, Ticket
from server.services import tickets
from server.services.feed import PendingChanges, publish
from server.services.feed_refresh import CORRECTOR, republish_stale
from server.services.tickets import ticket_data
from tests.server.server_lab import ticket

START = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
CALLED_BACK, RESOLVED_AT_ONCE, REOPENED, CORRECTED = "t-called-back", "t-at-once", "t-reopened", "t-corrected"


@pytest.fixture
def engine(empty_server_engine: Engine) -> Engine:
    return empty_server_engine


def _moment(hours: int) -> str:
    return (START + timedelta(hours=hours)).isoformat()


def _history(session: Session) -> None:
    """The tickets' lives as the server applied them, each edit by its own account."""
    feed = PendingChanges()
    writers = {name: tickets.Actor(name, 1, f"desk-{name}") for name in ("dtv1", "dtv2", "dtv3")}

    def create(ticket_id: str, **fields: object) -> None:
        mutation = Mutation(
            seq=1, mutation_id=f"c-{ticket_id}", entity="ticket", op="create", entity_id=ticket_id,
            payload=ticket(f"P-{ticket_id}", level=2, **fields),
        )  # fmt: skip
        tickets.create(session, mutation, writers["dtv1"], START, feed)
        session.flush()

    def edit(ticket_id: str, actor: tickets.Actor, hours: int, **changes: object) -> None:
        held = session.scalars(select(Ticket).where(Ticket.id == ticket_id)).one()
        tickets.edit_from_server(session, held, changes, actor, START + timedelta(hours=hours), feed)

    resolved = {"status": "da_xu_ly", "answer": "Đã hướng dẫn."}
    create(CALLED_BACK)
    edit(CALLED_BACK, writers["dtv2"], 1, called_back_at=_moment(1))
    edit(CALLED_BACK, writers["dtv3"], 2, resolved_at=_moment(2), **resolved)
    create(
        RESOLVED_AT_ONCE, resolved_at=_moment(0), **resolved
    )  # no revision says who: its creator or an import
    create(REOPENED)
    edit(REOPENED, writers["dtv2"], 1, resolved_at=_moment(1), **resolved)
    edit(REOPENED, writers["dtv1"], 2, resolved_at=None, status="dang_xu_ly")
    create(CORRECTED)
    edit(CORRECTED, CORRECTOR, 1, called_back_at=_moment(1))
    publish(session, feed)


def test_old_tickets_get_the_authors_their_revisions_name_and_reach_the_desks(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "head")
    with Session(engine) as session, session.begin():
        _history(session)
    command.downgrade(alembic_config(engine), "0022")  # as the tickets were before the authors were kept
    with Session(engine) as session, session.begin():
        for entry in session.scalars(select(FeedEntry)):  # and as a server before 0023 published them
            entry.data = {k: v for k, v in entry.data.items() if k not in ("called_back_by", "resolved_by")}
        before = {e.entity_id: (e.position, e.version) for e in session.scalars(select(FeedEntry))}
    head = max(position for position, _version in before.values())

    command.upgrade(alembic_config(engine), "head")
    with Session(engine) as session:
        authors = {
            row.id: (row.called_back_by, row.resolved_by)
            for row in session.execute(select(Ticket.id, Ticket.called_back_by, Ticket.resolved_by))
        }
    assert authors == {
        CALLED_BACK: ("dtv2", "dtv3"),
        RESOLVED_AT_ONCE: (None, None),
        REOPENED: (None, None),
        CORRECTED: (None, None),
    }

    assert republish_stale(engine) == 1  # as `serve` does at its start
    with Session(engine) as session:
        feed = {e.entity_id: e for e in session.scalars(select(FeedEntry))}
        named = session.scalars(select(Ticket).where(Ticket.id == CALLED_BACK)).one()
        entry = feed[CALLED_BACK]
        assert (entry.position, entry.version) == (head + 1, before[CALLED_BACK][1] + 1)
        assert entry.data == ticket_data(named)
        assert (entry.data["called_back_by"], entry.data["resolved_by"]) == ("dtv2", "dtv3")
        assert "called_back_by" not in named.field_meta  # a stamp is no desk's to edit
        for other in (RESOLVED_AT_ONCE, REOPENED, CORRECTED):
            assert (feed[other].position, feed[other].version) == before[other]
    assert republish_stale(engine) == 0
