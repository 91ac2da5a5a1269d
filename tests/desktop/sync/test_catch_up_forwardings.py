"""A desk that ran an older release while the server already published forwardings skipped them in the
feed (an entity it did not know) and its cursor moved past them. Once upgraded (store 0018), its next sync
pulls the forwardings alone up to its cursor: the ticket's history has every unit's step taken before the
upgrade, and the rest of the feed is not pulled again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from server_lab import PASSWORD, ServerProcess
from sqlalchemy import delete, func, select
from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.services.tickets.life import LifeStepKind, TicketLife
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.store.engine import alembic_config
from desktop.store.forwarding_models import Forwarding
from desktop.store.sync_models import SyncState, SyncVersion
from desktop.sync import catch_up
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine

from .test_unit_reforward_step import units_on_the_server


def test_an_upgraded_desk_gets_the_forwardings_its_older_release_skipped(
    tmp_path: Path, server: ServerProcess
) -> None:
    store = open_test_store(tmp_path / "desk")
    commune, department = units_on_the_server(server, store)
    tickets = TicketService(store, "dtv1")
    early, late = (
        tickets.create(TicketDraft(content=content, phone=phone, level=2, unit_code=commune.code))
        for content, phone in (("Xin phép sửa nhà", "0912 345 678"), ("Hỏi lịch tiêm", "0912 345 679"))
    )
    credentials, login = Credentials(None), Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    desk = SyncEngine(store, SyncClient(server.base), credentials, login)
    desk.run_cycle()
    assert catch_up.waiting(store) == {}  # a new desk has nothing to catch up
    token = credentials.token(login)
    assert token is not None
    SyncClient(server.base).forward(token, early.id, commune.code)
    desk.run_cycle()
    # As the older release left it: the forwarding pulled and skipped, its cursor past it.
    with store.writes.begin() as session:
        session.execute(delete(Forwarding))
        session.execute(delete(SyncVersion).where(SyncVersion.entity == "forwarding"))
        cursor_before = session.scalar(select(SyncState.cursor))
    SyncClient(server.base).forward(token, late.id, department.code)  # after its cursor: the usual pull's
    alone = SyncClient(server.base).pull(token, 0, 1000, "forwarding")
    assert {change.entity for change in alone.changes} == {"forwarding"} and len(alone.changes) == 2

    config = alembic_config(store.engine)
    command.downgrade(config, "0017")
    command.upgrade(config, "head")
    assert catch_up.waiting(store) == {"forwarding": 0}
    desk.run_cycle()

    with store.sessions() as session:
        held = dict(session.execute(select(Forwarding.ticket_id, Forwarding.unit_code)).all())
        assert session.scalar(select(func.count()).select_from(models.Meta).where(
            models.Meta.key.startswith(catch_up.PREFIX)
        )) == 0  # fmt: skip
        assert int(session.scalar(select(SyncState.cursor)) or 0) > int(cursor_before or 0)
    assert held == {early.id: commune.code, late.id: department.code}
    steps = TicketLife(store).steps(early.id)
    assert [step.kind for step in steps] == [LifeStepKind.RECEIVED, LifeStepKind.FORWARDED]
    store.close()
