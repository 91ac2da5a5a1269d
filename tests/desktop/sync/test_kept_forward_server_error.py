"""A forward kept on the desk meets a server that fails (an HTTP 500, a proxy's 502 while it restarts): the
server refused nothing, so the forward stays kept and goes at the next sync, instead of waiting on the
form as "refused" for the operator to forward again by hand."""

from __future__ import annotations

from pathlib import Path

from server_lab import PASSWORD, ServerProcess
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from store_keys import open_test_store

from desktop.domain.ticket import KeptForward, TicketDraft
from desktop.services.tickets.pending_forwards import PendingForwards
from desktop.services.tickets.service import TicketService
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from server.db import create_server_engine
from server.models import Forwarding

from .test_unit_reforward_step import units_on_the_server

_FAIL_ON_FORWARD = (
    "CREATE FUNCTION review_fail() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
    "CREATE TRIGGER review_fail BEFORE INSERT ON forwardings FOR EACH ROW EXECUTE FUNCTION review_fail()",
)


def test_a_kept_forward_the_server_failed_on_stays_kept_and_goes_at_the_next_sync(
    tmp_path: Path, server: ServerProcess
) -> None:
    store = open_test_store(tmp_path / "desk")
    commune, _department = units_on_the_server(server, store)
    ticket = TicketService(store, "dtv1").create(
        TicketDraft(content="Xin phép sửa nhà", phone="0912 345 678", level=2, unit_code=commune.code)
    )
    credentials, login = Credentials(None), Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    desk = SyncEngine(store, SyncClient(server.base), credentials, login)
    desk.run_cycle()
    forwards = PendingForwards(store)
    forwards.ask(ticket.id, ticket.code, commune.code)  # asked while the server was out of reach
    engine = create_server_engine(server.db_url)
    with engine.begin() as connection:
        for statement in _FAIL_ON_FORWARD:
            connection.execute(text(statement))

    desk.run_cycle()  # the server answers 500 to the forward

    (kept,) = forwards.all()
    assert (kept.unit_code, kept.state) == (commune.code, KeptForward.WAITING)
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER review_fail ON forwardings"))
    desk.run_cycle()
    assert forwards.all() == []
    with Session(engine) as session:
        assert (
            session.scalar(select(Forwarding.unit_code).where(Forwarding.ticket_id == ticket.id))
            == commune.code
        )
    engine.dispose()
    store.close()
