"""A correction a server migration makes in place reaches the desks without a new edit: server 0020 emptied
`unit_answered_at` of the tickets forwarded again after a unit's answer, and 0021 has the server publish
those tickets again when it starts (a new version at new feed positions). A desk that pulled the ticket
answered before the upgrade shows it waiting for the new unit after its next pull, its "answer ready" call
gone from the queue, and the server's history of the ticket says the server made the correction."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from alembic import command
from server_lab import PASSWORD, ServerProcess
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.domain.ticket_step import TicketStep
from desktop.services.phone.callbacks import CallbackQueue
from desktop.services.phone.codes import CallbackKind
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.service import TicketService
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from server.db import alembic_config, create_server_engine
from server.models import FeedEntry, Forwarding, Ticket, TicketRevision
from server.services import unit_accounts

from .test_unit_reforward_step import FIRST_ANSWER, answer_on_the_units_page, units_on_the_server

# What a server before 0020 held after a re-forward: the new unit's forwarding, the first answer's mark kept.
_REFORWARDED_BEFORE_0020 = text(
    "INSERT INTO forwardings (id, ticket_id, unit_code, state, forwarded_at, forwarded_by, deadline,"
    " answered_by, answer, attachment, return_reason, extension_reason, extension_days, extension_state)"
    " VALUES ('f-again', :ticket, :unit, 'forwarded', :at, 'dtv1', :deadline, '', '', '', '', '', 0, '')"
)


def test_a_desk_synced_before_the_upgrade_pulls_the_step_the_migration_corrected(
    tmp_path: Path, server: ServerProcess
) -> None:
    store = open_test_store(tmp_path / "desk")
    commune, department = units_on_the_server(server, store)
    engine = create_server_engine(server.db_url)
    with Session(engine) as session, session.begin():
        unit_accounts.create(session, "ubnd.xa", commune.code, PASSWORD)
    tickets = TicketService(store, "dtv1")
    answered, waiting = (
        tickets.create(TicketDraft(content=content, phone=phone, level=2, unit_code=commune.code))
        for content, phone in (
            ("Xin phép sửa nhà ở riêng lẻ", "0912 345 678"),
            ("Hỏi lịch tiêm", "0912 345 679"),
        )
    )
    credentials, login = Credentials(None), Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    desk = SyncEngine(store, SyncClient(server.base), credentials, login)
    desk.run_cycle()
    token = credentials.token(login)
    assert token is not None
    forwarding = SyncClient(server.base).forward(token, answered.id, commune.code)
    SyncClient(server.base).forward(token, waiting.id, commune.code)
    answer_on_the_units_page(server, "ubnd.xa", str(forwarding["id"]), FIRST_ANSWER)
    desk.run_cycle()
    queue = CallbackQueue(store, "dtv1")
    assert tickets.get(answered.id).unit_answered_at is not None
    assert queue.sync_from_tickets() == 1  # the commune's answer, ready for a call back

    # The server as a release before 0020 left it: forwarded again to the department, the mark kept.
    server.stop()
    command.downgrade(alembic_config(engine), "0019")
    with Session(engine) as session, session.begin():
        marked = session.scalar(select(Ticket.unit_answered_at).where(Ticket.id == answered.id))
        assert marked is not None
        deadline = session.scalar(select(Forwarding.deadline).where(Forwarding.id == str(forwarding["id"])))
        session.execute(
            _REFORWARDED_BEFORE_0020,
            {
                "ticket": answered.id,
                "unit": department.code,
                "at": marked + timedelta(hours=1),
                "deadline": deadline,
            },
        )
        head_before = session.scalar(text("SELECT value FROM feed_counter"))
        # 0022 has the server publish every forwarding once (the desks keep them since): after the tickets
        forwardings = session.scalar(text("SELECT count(*) FROM forwardings"))
        waiting_position = session.scalar(select(FeedEntry.position).where(FeedEntry.entity_id == waiting.id))

    server.start()  # migrates (0020 empties the mark, 0021 lists the ticket) and publishes it again
    desk.run_cycle()

    assert tickets.get(answered.id).unit_answered_at is None
    (row,) = [row for row in TicketQuery(store).page(TicketFilter()).rows if row.id == answered.id]
    assert row.step is TicketStep.FORWARDED
    assert not [item for item in queue.pending() if item.kind is CallbackKind.ANSWER_READY]
    with Session(engine) as session:
        moved = session.scalar(select(FeedEntry.position).where(FeedEntry.entity_id == answered.id))
        assert moved == head_before + 1  # the next position of the feed: no gap, nothing skipped
        assert session.scalar(text("SELECT value FROM feed_counter")) == head_before + 1 + forwardings
        assert (
            session.scalar(select(FeedEntry.position).where(FeedEntry.entity_id == waiting.id))
            == waiting_position
        )
        (correction,) = session.scalars(
            select(TicketRevision).where(
                TicketRevision.ticket_id == answered.id, TicketRevision.username == "may-chu"
            )
        )
        assert correction.changes["unit_answered_at"][1] is None
        assert session.scalar(text("SELECT count(*) FROM feed_stale")) == 0

    server.stop()
    server.start()  # a second start publishes nothing again
    with Session(engine) as session:
        assert session.scalar(text("SELECT value FROM feed_counter")) == head_before + 1 + forwardings
    engine.dispose()
    store.close()
