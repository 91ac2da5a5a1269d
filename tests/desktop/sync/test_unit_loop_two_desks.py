"""The whole life of a forwarded ticket with two desks on the real server (PostgreSQL, uvicorn) and a real
SMTP server (aiosmtpd): desk A forwards a level-2 ticket, the unit gets its mail, then answers on its page
while desk A, offline, edits the same ticket; desk B's pull queues the "answer ready" call; when A comes
back its text of the answer becomes a conflict, its other edit applies and its queue still gets the answer;
B calls the citizen back, which reaches A as the step "called back" (A's own item leaves its queue: the
citizen is not called twice); B resolves and surveys it, A sees both. The server's steps say when and who."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from server_lab import PASSWORD, Desk, ServerProcess, free_port, unit_browser, unit_step
from smtp_lab import received, smtp_server
from sqlalchemy.orm import Session
from store_keys import open_test_store

from desktop.domain.codes import Satisfaction, TicketStatus
from desktop.domain.ticket import TicketDraft
from desktop.domain.ticket_step import TicketStep
from desktop.services.catalogs import CatalogService
from desktop.services.phone.callbacks import CallbackQueue
from desktop.services.phone.codes import AttemptOutcome, CallbackKind
from desktop.services.supervisor.surveys import SurveyAnswer, SurveyService
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient
from desktop.sync.conflicts import open_conflicts
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from server.db import create_server_engine
from server.services import unit_accounts

UNIT_MAIL = "van-thu@donvi.example.vn"
CITIZEN_PHONE = "0912 345 678"
UNIT_ANSWER = "Trạm y tế xã mở cửa lại từ thứ Hai, làm việc cả giờ trưa."
OFFLINE_NOTE = "Đã hẹn người dân chờ trả lời của Sở."


class DeskOf:
    """One operator's desk: its own encrypted store and sync engine against the server."""

    def __init__(self, folder: Path, server: ServerProcess, operator: str) -> None:
        self.store: LocalStore = open_test_store(folder)
        self.tickets = TicketService(self.store, operator)
        self.queue = CallbackQueue(self.store, operator)
        self.credentials, self.login = Credentials(None), Login(server.base, operator)
        self.credentials.remember(self.login, password=PASSWORD)
        self.engine = SyncEngine(self.store, SyncClient(server.base), self.credentials, self.login)

    def sync(self) -> None:
        self.engine.run_cycle()

    def step(self, ticket_id: str) -> TicketStep:
        rows = TicketQuery(self.store).page(TicketFilter()).rows
        return next(row.step for row in rows if row.id == ticket_id)


def unit_answers(server: ServerProcess, forwarding_id: str) -> None:
    form = {"answer": UNIT_ANSWER}
    unit_step(unit_browser(server, "yte.hoa"), forwarding_id, "tra-loi", form, files={"pdf": ("", b"")})


def test_a_forwarded_ticket_goes_round_the_loop_with_two_desks_and_a_racing_offline_edit(
    tmp_path: Path, server: ServerProcess
) -> None:
    a, b = DeskOf(tmp_path / "a", server, "dtv1"), DeskOf(tmp_path / "b", server, "dtv2")
    unit = CatalogService(a.store).units()[0]
    admin = Desk(server, "admin")
    assert admin.http.put(f"/api/v1/catalog/unit/{unit.code}", json={"name": unit.name}).status_code == 200
    engine = create_server_engine(server.db_url)
    with Session(engine) as session, session.begin():
        unit_accounts.create(session, "yte.hoa", unit.code, PASSWORD, "Nguyễn Thị Hoa", UNIT_MAIL)
    engine.dispose()

    # Desk A: the ticket, synced and forwarded; the unit's mail goes out through a real SMTP server.
    draft = TicketDraft(content="Trạm y tế xã đóng cửa giờ hành chính", phone=CITIZEN_PHONE, level=2)
    ticket = a.tickets.create(replace(draft, unit_code=unit.code))
    a.sync()
    token = a.credentials.token(a.login)
    assert token is not None
    forwarding_id = str(SyncClient(server.base).forward(token, ticket.id, unit.code)["id"])
    port, mbox = free_port(), tmp_path / "mbox"
    smtp = smtp_server(mbox, port)
    try:
        smtp_env = {"TONGDAI1022_SMTP_HOST": "127.0.0.1", "TONGDAI1022_SMTP_PORT": str(port)}
        sent = server.admin_command("send-mail", **smtp_env)
        assert sent.returncode == 0, sent.stdout + sent.stderr
        mails = received(mbox)
    finally:
        smtp.terminate()
        smtp.wait(10)
    [(to, subject, body)] = mails
    assert to == UNIT_MAIL and ticket.code in subject and "0912" not in body + subject
    b.sync()
    assert b.step(ticket.id) is TicketStep.FORWARDED

    # A goes offline and edits the ticket (its own note as the answer, a line added to the content)
    # while the unit answers on its page.
    a.sync()
    on_a = a.tickets.get(ticket.id)
    offline = replace(
        on_a.draft, answer=OFFLINE_NOTE, content=on_a.draft.content + "\nNgười dân gọi lại lần 2."
    )
    a.tickets.update(ticket.id, offline, on_a.version)
    unit_answers(server, forwarding_id)

    # B: the answer is ready to give; the call is queued once.
    b.sync()
    assert b.tickets.get(ticket.id).draft.answer == UNIT_ANSWER
    assert b.step(ticket.id) is TicketStep.UNIT_ANSWERED
    assert b.queue.sync_from_tickets() == 1
    [ready_on_b] = [item for item in b.queue.pending() if item.ticket_id == ticket.id]
    assert ready_on_b.kind is CallbackKind.ANSWER_READY

    # A comes back: its answer text raced the unit's and waits as a conflict; its content edit applied.
    a.sync()
    on_a = a.tickets.get(ticket.id)
    assert on_a.draft.answer == UNIT_ANSWER and on_a.draft.content.endswith("Người dân gọi lại lần 2.")
    [conflict] = [c for c in open_conflicts(a.store) if c.ticket_id == ticket.id]
    assert (conflict.field, conflict.server, conflict.other) == ("answer", UNIT_ANSWER, OFFLINE_NOTE)
    assert a.queue.sync_from_tickets() == 1  # the unit's answer is still ready, though A edited last

    # B reaches the citizen with the answer: every desk sees the step; A does not call again.
    b.queue.record_attempt(ready_on_b.id, AttemptOutcome.REACHED)
    assert b.step(ticket.id) is TicketStep.CALLED_BACK
    b.sync()
    a.sync()
    a.queue.sync_from_tickets()
    assert [item for item in a.queue.pending() if item.ticket_id == ticket.id] == []
    assert a.step(ticket.id) is TicketStep.CALLED_BACK
    assert a.tickets.get(ticket.id).called_back_at is not None

    # B resolves it and the citizen says they are satisfied; A sees both.
    b.sync()
    on_b = b.tickets.get(ticket.id)
    b.tickets.update(ticket.id, replace(on_b.draft, status=TicketStatus.RESOLVED), on_b.version)
    assert b.step(ticket.id) is TicketStep.DONE
    SurveyService(b.store, "dtv2").record(ticket.id, SurveyAnswer.satisfied())
    b.sync()
    a.sync()
    done = a.tickets.get(ticket.id)
    assert (done.draft.status, done.draft.satisfaction) == (TicketStatus.RESOLVED, Satisfaction.SATISFIED)
    assert a.step(ticket.id) is TicketStep.SURVEYED  # the last step of its life (4dccddd)

    # The server: the steps with the unit, and who called back, each with its moment.
    steps = admin.http.get(f"/api/v1/tickets/{ticket.id}/steps").json()
    assert [(s["step"], s["by"]) for s in steps] == [("forwarded", "dtv1"), ("answered", "don-vi:yte.hoa")]
    revisions = admin.http.get(f"/api/v1/tickets/{ticket.id}/revisions").json()["revisions"]
    called = [r for r in revisions if "called_back_at" in r["changes"]]
    assert [r["username"] for r in called] == ["dtv2"]
    for desk in (a, b):
        desk.store.close()
