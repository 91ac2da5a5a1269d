"""A ticket a unit answered, whose answer the citizen heard, is forwarded again to another unit (the answer
did not settle it): the server empties the first unit's answered mark with the forward, so the desk's next
pull shows it "Đã chuyển đơn vị" with the new unit's working days left, not answered nor called back, and no
"answer ready" call is queued until the new unit answers on its web page. An "answer ready" call nobody
made yet leaves the queue when the ticket is forwarded again."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from server_lab import PASSWORD, Desk, ServerProcess, unit_browser, unit_step
from sqlalchemy import select
from sqlalchemy.orm import Session
from store_keys import open_test_store

from desktop.domain.clock import VN_TZ
from desktop.domain.ticket import TicketDraft
from desktop.domain.ticket_step import TicketStep
from desktop.services.catalogs import CatalogService
from desktop.services.phone.callbacks import CallbackQueue
from desktop.services.phone.codes import AttemptOutcome, CallbackKind
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.service import TicketService
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from server.db import create_server_engine
from server.models import Ticket
from server.services import unit_accounts

FIRST_ANSWER = "Xã đã kiểm tra: việc cấp phép sửa nhà do huyện hướng dẫn, công dân nộp hồ sơ tại một cửa."
SECOND_ANSWER = "Sở Xây dựng đã cấp phép sửa chữa; công dân nhận giấy phép tại bộ phận một cửa của Sở."


def units_on_the_server(server: ServerProcess, store: Any) -> tuple[Any, Any]:
    """The desk's first two catalog units (a commune, a department), made known to the server by its admin."""
    commune, department = CatalogService(store).units()[:2]
    admin = Desk(server, "admin")
    for unit in (commune, department):
        assert (
            admin.http.put(f"/api/v1/catalog/unit/{unit.code}", json={"name": unit.name}).status_code == 200
        )
    return commune, department


def answer_on_the_units_page(server: ServerProcess, account: str, forwarding_id: str, text: str) -> None:
    web = unit_browser(server, account)
    unit_step(web, forwarding_id, "tra-loi", {"answer": text}, files={"pdf": ("", b"")})
    web.close()


def test_a_ticket_forwarded_again_after_an_answer_waits_for_the_new_units_answer(
    tmp_path: Path, server: ServerProcess
) -> None:
    store = open_test_store(tmp_path / "desk")
    commune, department = units_on_the_server(server, store)
    engine = create_server_engine(server.db_url)
    with Session(engine) as session, session.begin():
        unit_accounts.create(session, "ubnd.xa", commune.code, PASSWORD)
        unit_accounts.create(session, "so.xaydung", department.code, PASSWORD)
    tickets = TicketService(store, "dtv1")
    draft = TicketDraft(
        content="Xin phép sửa nhà ở riêng lẻ", phone="0912 345 678", level=2, unit_code=commune.code
    )
    ticket = tickets.create(draft)
    credentials, login = Credentials(None), Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    desk = SyncEngine(store, SyncClient(server.base), credentials, login)
    desk.run_cycle()
    token = credentials.token(login)
    assert token is not None
    query, queue = TicketQuery(store), CallbackQueue(store, "dtv1")

    def listed() -> tuple[TicketStep, int | None]:
        (row,) = [row for row in query.page(TicketFilter()).rows if row.id == ticket.id]
        return row.step, row.days_left

    first = SyncClient(server.base).forward(token, ticket.id, commune.code)
    answer_on_the_units_page(server, "ubnd.xa", str(first["id"]), FIRST_ANSWER)
    desk.run_cycle()
    assert listed() == (TicketStep.UNIT_ANSWERED, None)
    assert queue.sync_from_tickets() == 1
    (ready,) = [item for item in queue.pending() if item.kind is CallbackKind.ANSWER_READY]
    queue.record_attempt(ready.id, AttemptOutcome.REACHED)  # the citizen heard the commune's answer
    desk.run_cycle()
    assert listed() == (TicketStep.CALLED_BACK, None)
    assert queue.pending() == []

    second = SyncClient(server.base).forward(
        token, ticket.id, department.code
    )  # not settled: to the department
    desk.run_cycle()

    with Session(engine) as session:
        answered_on_server = session.scalar(select(Ticket.unit_answered_at).where(Ticket.id == ticket.id))
    assert answered_on_server is None  # the commune's answer is no answer of the department's
    forwarded = tickets.get(ticket.id)
    assert (forwarded.draft.unit_code, forwarded.unit_answered_at) == (department.code, None)
    assert forwarded.draft.answer == FIRST_ANSWER  # still on the form: what the citizen was told so far
    assert forwarded.deadline is not None
    calendar, today = CatalogService(store).work_calendar(), datetime.now(VN_TZ).date()
    assert listed() == (TicketStep.FORWARDED, calendar.working_days_between(today, forwarded.deadline))
    forwarded_now = query.page(TicketFilter(steps=frozenset({TicketStep.FORWARDED}))).rows
    assert [row.id for row in forwarded_now] == [ticket.id]
    assert queue.sync_from_tickets() == 0  # no answer is ready: the department has not answered

    answer_on_the_units_page(server, "so.xaydung", str(second["id"]), SECOND_ANSWER)
    desk.run_cycle()
    assert listed() == (TicketStep.UNIT_ANSWERED, None)
    assert queue.sync_from_tickets() == 1  # the department's answer is ready for a call back
    assert tickets.get(ticket.id).draft.answer == SECOND_ANSWER
    engine.dispose()
    store.close()


def test_an_answer_not_yet_given_leaves_the_queue_when_the_ticket_is_forwarded_again(
    tmp_path: Path, server: ServerProcess
) -> None:
    store = open_test_store(tmp_path / "desk")
    commune, department = units_on_the_server(server, store)
    engine = create_server_engine(server.db_url)
    with Session(engine) as session, session.begin():
        unit_accounts.create(session, "ubnd.xa", commune.code, PASSWORD)
    engine.dispose()
    draft = TicketDraft(
        content="Xin phép sửa nhà ở riêng lẻ", phone="0912 345 678", level=2, unit_code=commune.code
    )
    ticket = TicketService(store, "dtv1").create(draft)
    credentials, login = Credentials(None), Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    desk = SyncEngine(store, SyncClient(server.base), credentials, login)
    desk.run_cycle()
    token = credentials.token(login)
    assert token is not None
    queue = CallbackQueue(store, "dtv1")

    first = SyncClient(server.base).forward(token, ticket.id, commune.code)
    answer_on_the_units_page(server, "ubnd.xa", str(first["id"]), FIRST_ANSWER)
    desk.run_cycle()
    assert queue.sync_from_tickets() == 1  # the commune's answer is ready, nobody has called yet
    # The supervisor reads it before anyone calls: it does not answer the question, the department must
    SyncClient(server.base).forward(token, ticket.id, department.code)
    desk.run_cycle()
    assert queue.sync_from_tickets() == 0
    assert queue.pending() == []  # no call to give the citizen an answer that was not the last word
    store.close()
