"""A unit's answer written on the server's web page reaches the desk with the next pull and puts an
"answer ready" item in the callback queue, once; the operator then calls the citizen back with it."""

from __future__ import annotations

from pathlib import Path

from server_lab import PASSWORD, Desk, ServerProcess, unit_browser, unit_step
from sqlalchemy.orm import Session
from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.services.catalogs import CatalogService
from desktop.services.phone.callbacks import CallbackQueue
from desktop.services.phone.codes import CallbackKind
from desktop.services.tickets.service import TicketService
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from server.db import create_server_engine
from server.services import unit_accounts

ANSWER = "Trạm y tế xã mở cửa lại từ thứ Hai, làm việc cả giờ trưa."


def unit_answers(server: ServerProcess, forwarding_id: str) -> None:
    form = {"answer": ANSWER}
    unit_step(unit_browser(server, "yte.hoa"), forwarding_id, "tra-loi", form, files={"pdf": ("", b"")})


def test_a_units_answer_puts_an_answer_ready_callback_in_the_queue(
    tmp_path: Path, server: ServerProcess
) -> None:
    store = open_test_store(tmp_path / "desk")
    unit = CatalogService(store).units()[0]
    admin = Desk(server, "admin")
    assert admin.http.put(f"/api/v1/catalog/unit/{unit.code}", json={"name": unit.name}).status_code == 200
    engine = create_server_engine(server.db_url)
    with Session(engine) as session, session.begin():
        unit_accounts.create(session, "yte.hoa", unit.code, PASSWORD)
    engine.dispose()
    draft = TicketDraft(content="Trạm y tế xã đóng cửa", phone="0912 345 678", level=2, unit_code=unit.code)
    ticket = TicketService(store, "dtv1").create(draft)
    credentials, login = Credentials(None), Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    engine_of_desk = SyncEngine(store, SyncClient(server.base), credentials, login)
    engine_of_desk.run_cycle()
    queue = CallbackQueue(store, "dtv1")
    assert queue.sync_from_tickets() == 0  # forwarded nowhere yet, nothing answered

    token = credentials.token(login)
    assert token is not None
    forwarded = SyncClient(server.base).forward(token, ticket.id, unit.code)
    unit_answers(server, str(forwarded["id"]))
    engine_of_desk.run_cycle()

    assert queue.sync_from_tickets() == 1
    ready = [item for item in queue.pending() if item.ticket_id == ticket.id]
    assert [item.kind for item in ready] == [CallbackKind.ANSWER_READY]
    assert TicketService(store, "dtv1").get(ticket.id).draft.answer == ANSWER  # what the operator reads out
    assert queue.sync_from_tickets() == 0  # not queued twice
    store.close()
