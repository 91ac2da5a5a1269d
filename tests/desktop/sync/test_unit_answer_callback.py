"""A unit's answer written on the server's web page reaches the desk with the next pull and puts an
"answer ready" item in the callback queue, once; the operator then calls the citizen back with it."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from server_lab import PASSWORD, Desk, ServerProcess
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
    web = httpx.Client(base_url=server.base, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', web.get("/don-vi/dang-nhap").text)
    assert token is not None
    login = {"username": "yte.hoa", "password": PASSWORD, "csrf": token.group(1)}
    assert web.post("/don-vi/dang-nhap", data=login).status_code == 303
    page = web.get(f"/don-vi/phieu/{forwarding_id}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    form = {"csrf": csrf.group(1), "answer": ANSWER}
    sent = web.post(f"/don-vi/phieu/{forwarding_id}/tra-loi", data=form, files={"pdf": ("", b"")})
    assert sent.status_code == 303, sent.text


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
