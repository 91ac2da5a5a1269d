"""A ticket's whole life reaches the desks (issue #17 point 1): a unit asks for more time on the server's web
page and a supervisor grants it, and the desk's "Lịch sử xử lý" (the real dialog, offscreen) shows both
with who and when and the new deadline, after the forward that started it; a ticket a unit returned and
an operator forwarded again shows both forwardings in order; a desk that was offline meanwhile gets every
step at its next sync; and no desk can push a forwarding (they are the server's). Who called the citizen
back and who resolved the ticket reach every desk as the server stamped them from the pushing account:
another desk's history names them, and a desk cannot name someone else. An erased citizen's name and number
leave the ticket's answer (the unit's words, copied) on the server, in its kept versions and on the desks."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from server_lab import PASSWORD, Desk, ServerProcess, unit_browser, unit_step
from sqlalchemy import select
from sqlalchemy.orm import Session
from store_keys import open_test_store

from desktop.domain.clock import now_vn, to_vn
from desktop.domain.codes import TicketStatus
from desktop.domain.ticket import TicketDraft
from desktop.services.catalogs import CatalogService
from desktop.services.outbox import append_mutation
from desktop.services.phone.callbacks import CallbackQueue
from desktop.services.phone.codes import AttemptOutcome, CallbackKind
from desktop.services.tickets.life import TicketLife
from desktop.services.tickets.service import TicketService
from desktop.store.forwarding_models import Forwarding as DeskForwarding
from desktop.store.local import LocalStore
from desktop.store.models import OutboxMutation
from desktop.store.models import Ticket as DeskTicket
from desktop.store.sync_models import SyncPush
from desktop.sync.apply import apply_page
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.shell.translations import install_translations, remove_translations
from desktop.ui.tickets.life_view import TicketLifeDialog
from protocol import Change
from server.db import create_server_engine
from server.models import Forwarding, Ticket
from server.services import unit_accounts

SHOTS = Path("build/screenshots/steps")
MORE_TIME = "Cần xác minh hiện trạng công trình tại chỗ với UBND xã và Phòng Quản lý đô thị."
RETURNED = "Không thuộc thẩm quyền của xã: cấp phép sửa nhà ở do Sở Xây dựng giải quyết."
ANSWER = "Sở Xây dựng đã cấp phép sửa chữa; công dân nhận giấy phép tại bộ phận một cửa của Sở."


@pytest.fixture
def vietnamese(qapp: Any) -> Iterator[None]:
    translators = install_translations(qapp)
    yield
    remove_translations(qapp, translators)


class Lab:
    """A desk (store + real sync engine) and the server's two units with their web accounts."""

    def __init__(self, server: ServerProcess, folder: Path, operator: str = "dtv1") -> None:
        self.server = server
        self.store = open_test_store(folder)
        self.commune, self.department = CatalogService(self.store).units()[:2]
        self.credentials, self.login = Credentials(None), Login(server.base, operator)
        self.credentials.remember(self.login, password=PASSWORD)
        self.engine = SyncEngine(self.store, SyncClient(server.base), self.credentials, self.login)

    def units_on_the_server(self) -> None:
        admin = Desk(self.server, "admin")
        for unit in (self.commune, self.department):
            entry = {"name": unit.name}
            assert admin.http.put(f"/api/v1/catalog/unit/{unit.code}", json=entry).status_code == 200
        engine = create_server_engine(self.server.db_url)
        with Session(engine) as session, session.begin():
            unit_accounts.create(session, "ubnd.xa", self.commune.code, PASSWORD)
            unit_accounts.create(session, "so.xaydung", self.department.code, PASSWORD)
        engine.dispose()

    def new_ticket(self) -> Any:
        draft = TicketDraft(
            content="Xin phép sửa nhà ở riêng lẻ", phone="0912 345 678", level=2, unit_code=self.commune.code
        )
        return TicketService(self.store, self.login.username).create(draft)

    def resolve(self, ticket_id: str) -> None:
        tickets = TicketService(self.store, self.login.username)
        found = tickets.get(ticket_id)
        answer = found.draft.answer or "Đã hướng dẫn công dân nộp hồ sơ tại bộ phận một cửa."
        resolved = replace(found.draft, status=TicketStatus.RESOLVED, answer=answer)
        tickets.update(ticket_id, resolved, found.version)

    def call_back_with_the_answer(self, ticket_id: str) -> None:
        queue = CallbackQueue(self.store, self.login.username)
        queue.sync_from_tickets()
        [ready] = [item for item in queue.pending() if item.ticket_id == ticket_id]
        assert ready.kind is CallbackKind.ANSWER_READY
        queue.record_attempt(ready.id, AttemptOutcome.REACHED)

    def forward(self, ticket_id: str, unit_code: str) -> str:
        token = self.credentials.token(self.login)
        assert token is not None
        return str(SyncClient(self.server.base).forward(token, ticket_id, unit_code)["id"])


def on_the_units_page(
    server: ServerProcess, account: str, forwarding_id: str, step: str, **form: str
) -> None:
    web = unit_browser(server, account)
    sent = {"files": {"pdf": ("", b"")}} if step == "tra-loi" else {}
    unit_step(web, forwarding_id, step, form, **sent)
    web.close()


def server_ticket(server: ServerProcess, ticket_id: str) -> Ticket:
    engine = create_server_engine(server.db_url)
    with Session(engine, expire_on_commit=False) as session:
        found = session.scalar(select(Ticket).where(Ticket.id == ticket_id))
        assert found is not None
        session.expunge(found)
    engine.dispose()
    return found


def server_forwarding(server: ServerProcess, forwarding_id: str) -> Forwarding:
    engine = create_server_engine(server.db_url)
    with Session(engine, expire_on_commit=False) as session:
        found = session.get(Forwarding, forwarding_id)
        assert found is not None
        session.expunge(found)
    engine.dispose()
    return found


def shown_life(qtbot: Any, store: LocalStore, ticket: Any, shot: str = "") -> list[list[str]]:
    """The desk's "Lịch sử xử lý" dialog for the ticket, as an operator reads it (rows of cells)."""
    dialog = TicketLifeDialog(ticket.id, ticket.code, TicketLife(store).steps, TaskRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reload()
    reading = dialog.status_label.text()
    qtbot.waitUntil(lambda: dialog.status_label.text() != reading, timeout=10000)
    assert dialog.table.rowCount() > 0, dialog.status_label.text()
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(SHOTS / shot))
    return dialog.shown_rows()


def at_minute(moment: datetime | None) -> str:
    assert moment is not None
    return to_vn(moment).strftime("%d/%m/%Y %H:%M")


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def test_a_units_request_for_more_time_and_its_grant_show_in_the_desks_history_with_who_when_and_the_deadline(
    qtbot: Any, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    lab = Lab(server, tmp_path / "desk")
    lab.units_on_the_server()
    ticket = lab.new_ticket()
    lab.engine.run_cycle()
    forwarding_id = lab.forward(ticket.id, lab.commune.code)
    on_the_units_page(server, "ubnd.xa", forwarding_id, "gia-han", reason=MORE_TIME, days="3")
    supervisor = Desk(server, "giamsat")
    granted = supervisor.http.post(f"/api/v1/forwardings/{forwarding_id}/extension", json={"grant": True})
    assert granted.status_code == 200, granted.text
    lab.engine.run_cycle()

    on_server = server_forwarding(server, forwarding_id)
    assert on_server.first_deadline is not None and on_server.deadline > on_server.first_deadline
    assert TicketService(lab.store, "dtv1").get(ticket.id).deadline == on_server.deadline
    rows = shown_life(qtbot, lab.store, ticket, "ticket-life-extension.png")
    unit = lab.commune.name
    assert rows == [
        [at_minute(ticket.draft.received_at), "Tiếp nhận", "dtv1", "", ""],
        [
            at_minute(on_server.forwarded_at),
            "Chuyển đơn vị",
            "dtv1",
            unit,
            f"Hạn trả lời {day(on_server.first_deadline)}",
        ],
        [
            at_minute(on_server.extension_asked_at),
            "Đơn vị xin gia hạn",
            "don-vi:ubnd.xa",
            unit,
            f"Xin thêm 3 ngày làm việc: {MORE_TIME}",
        ],
        [
            at_minute(on_server.extension_decided_at),
            "Đồng ý gia hạn",
            "giamsat",
            unit,
            f"Hạn mới {day(on_server.deadline)}",
        ],
    ]
    lab.store.close()


def test_a_returned_ticket_forwarded_again_shows_both_forwardings_in_order(
    qtbot: Any, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    lab = Lab(server, tmp_path / "desk")
    lab.units_on_the_server()
    ticket = lab.new_ticket()
    lab.engine.run_cycle()
    first = lab.forward(ticket.id, lab.commune.code)
    on_the_units_page(server, "ubnd.xa", first, "tra-lai", reason=RETURNED)
    lab.engine.run_cycle()
    second = lab.forward(ticket.id, lab.department.code)
    on_the_units_page(server, "so.xaydung", second, "tra-loi", answer=ANSWER)
    lab.engine.run_cycle()

    rows = shown_life(qtbot, lab.store, ticket, "ticket-life-returned-and-forwarded-again.png")
    steps = [(step, who, unit, words) for _at, step, who, unit, words in rows]
    commune, department = lab.commune.name, lab.department.name
    first_row, second_row = server_forwarding(server, first), server_forwarding(server, second)
    assert steps == [
        ("Tiếp nhận", "dtv1", "", ""),
        ("Chuyển đơn vị", "dtv1", commune, f"Hạn trả lời {day(first_row.deadline)}"),
        ("Đơn vị trả lại", "don-vi:ubnd.xa", commune, RETURNED),
        ("Chuyển đơn vị", "dtv1", department, f"Hạn trả lời {day(second_row.deadline)}"),
        ("Đơn vị trả lời", "don-vi:so.xaydung", department, ANSWER),
    ]
    assert [at for at, *_ in rows][1:] == [
        at_minute(first_row.forwarded_at),
        at_minute(first_row.returned_at),
        at_minute(second_row.forwarded_at),
        at_minute(second_row.answered_at),
    ]
    lab.store.close()


def test_a_desk_offline_while_the_unit_works_gets_every_step_at_its_next_sync(
    qtbot: Any, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    lab = Lab(server, tmp_path / "desk-a")
    lab.units_on_the_server()
    ticket = lab.new_ticket()
    lab.engine.run_cycle()
    away = Lab(server, tmp_path / "desk-b", operator="dtv2")
    away.engine.run_cycle()  # it has the ticket, then goes offline
    offline_edit = TicketService(away.store, "dtv2")
    before = offline_edit.get(ticket.id)
    note = replace(before.draft, content=before.draft.content + " (công dân gọi lại hỏi tiến độ)")
    offline_edit.update(ticket.id, note, before.version)

    first = lab.forward(ticket.id, lab.commune.code)
    on_the_units_page(server, "ubnd.xa", first, "gia-han", reason=MORE_TIME, days="2")
    refused = Desk(server, "giamsat").http.post(
        f"/api/v1/forwardings/{first}/extension", json={"grant": False}
    )
    assert refused.status_code == 200, refused.text
    on_the_units_page(server, "ubnd.xa", first, "tra-lai", reason=RETURNED)
    second = lab.forward(ticket.id, lab.department.code)
    on_the_units_page(server, "so.xaydung", second, "tra-loi", answer=ANSWER)
    assert [step for _at, step, *_ in shown_life(qtbot, away.store, ticket)] == ["Tiếp nhận"]

    away.engine.run_cycle()  # back online: one sync

    rows = shown_life(qtbot, away.store, ticket)
    assert [(step, who) for _at, step, who, _unit, _words in rows] == [
        ("Tiếp nhận", "dtv1"),
        ("Chuyển đơn vị", "dtv1"),
        ("Đơn vị xin gia hạn", "don-vi:ubnd.xa"),
        ("Không đồng ý gia hạn", "giamsat"),
        ("Đơn vị trả lại", "don-vi:ubnd.xa"),
        ("Chuyển đơn vị", "dtv1"),
        ("Đơn vị trả lời", "don-vi:so.xaydung"),
    ]
    merged = TicketService(away.store, "dtv2").get(ticket.id)
    assert merged.draft.content.endswith("(công dân gọi lại hỏi tiến độ)")  # its offline edit kept
    assert (merged.draft.unit_code, merged.draft.answer) == (lab.department.code, ANSWER)  # the units' steps
    lab.store.close()
    away.store.close()


def test_a_desk_cannot_push_a_forwarding(tmp_path: Path, server: ServerProcess) -> None:
    lab = Lab(server, tmp_path / "desk")
    lab.units_on_the_server()
    ticket = lab.new_ticket()
    lab.engine.run_cycle()
    forwarding_id = lab.forward(ticket.id, lab.department.code)
    on_the_units_page(server, "so.xaydung", forwarding_id, "tra-loi", answer=ANSWER)
    lab.engine.run_cycle()

    with lab.store.writes.begin() as session, pytest.raises(ValueError, match="máy chủ"):
        append_mutation(
            session, entity="forwarding", entity_id=forwarding_id, op="update", payload={"answer": "x"}
        )
    # A desk that writes one anyway (an older or a tampered build) is refused by the server.
    forged = {"changes": {"answer": "Đã xong, không cần gọi lại.", "state": "answered"}}
    with lab.store.writes.begin() as session:
        session.add(
            OutboxMutation(
                mutation_id=str(uuid.uuid4()),
                entity="forwarding",
                entity_id=forwarding_id,
                op="update",
                base_version=1,
                payload=json.dumps(forged, ensure_ascii=False),
                created_at=now_vn(),
            )
        )
    lab.engine.run_cycle()

    with lab.store.sessions() as session:
        outcome = session.scalar(
            select(SyncPush.outcome)
            .join(OutboxMutation, OutboxMutation.seq == SyncPush.outbox_seq)
            .where(OutboxMutation.entity == "forwarding")
        )
        kept = session.get(DeskForwarding, forwarding_id)
        assert kept is not None
        kept_answer, kept_version = kept.answer, kept.version
    assert outcome == "rejected"
    on_server = server_forwarding(server, forwarding_id)
    assert (on_server.answer, on_server.version) == (ANSWER, 2)  # forwarded, answered: nothing of the desk's
    assert (kept_answer, kept_version) == (ANSWER, 2)  # the desk keeps the server's copy
    lab.store.close()


def test_an_erased_citizen_leaves_the_units_words_on_the_server_and_the_desks(
    qtbot: Any, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    lab = Lab(server, tmp_path / "desk")
    lab.units_on_the_server()
    draft = TicketDraft(
        content="Xin phép sửa nhà", phone="0912345678", citizen_name="Trần Thị Mai Hương", level=2,
        unit_code=lab.department.code,
    )  # fmt: skip
    ticket = TicketService(lab.store, "dtv1").create(draft)
    lab.engine.run_cycle()
    forwarding_id = lab.forward(ticket.id, lab.department.code)
    naming = (
        "Đã hướng dẫn bà Trần Thị Mai Hương (0912345678) nộp hồ sơ tại bộ phận một cửa;"
        " cán bộ sẽ gọi lại số 0912 345 678 (+84 912.345.678)."
    )  # the number as the unit's staff type it: grouped by spaces or dots too
    on_the_units_page(server, "so.xaydung", forwarding_id, "tra-loi", answer=naming)
    lab.engine.run_cycle()
    assert any(naming in row[-1] for row in shown_life(qtbot, lab.store, ticket))

    erased = Desk(server, "admin").http.post("/api/v1/erasures", json={"phone": "0912345678"})
    assert erased.status_code == 200, erased.text
    lab.engine.run_cycle()

    scrubbed = (
        "Đã hướng dẫn bà (đã xóa) ((đã xóa)) nộp hồ sơ tại bộ phận một cửa;"
        " cán bộ sẽ gọi lại số (đã xóa) ((đã xóa))."
    )
    assert server_forwarding(server, forwarding_id).answer == scrubbed
    answered = [row for row in shown_life(qtbot, lab.store, ticket) if row[1] == "Đơn vị trả lời"]
    assert [row[-1] for row in answered] == [scrubbed]
    lab.store.close()


def test_a_pulled_forwarding_is_replaced_by_a_newer_version_only_and_removed_by_its_tombstone(
    tmp_path: Path,
) -> None:
    store = open_test_store(tmp_path / "desk")

    def pulled(version: int, cursor: int, **fields: Any) -> None:
        data = {"ticket_id": "t-1", "unit_code": "so-y-te", "state": "forwarded", "forwarded_by": "dtv1"}
        data |= {"forwarded_at": "2026-12-01T02:00:00+00:00", "deadline": "2026-12-08", **fields}
        change = Change(cursor=cursor, entity="forwarding", entity_id="f-1", version=version, fields=data)
        apply_page(store, [change], cursor)

    def kept() -> tuple[str, str, int] | None:
        with store.sessions() as session:
            row = session.get(DeskForwarding, "f-1")
            return None if row is None else (row.state, row.answer, row.version)

    pulled(2, 1, state="answered", answer="Đã trả lời.", answered_at="2026-12-02T02:00:00+00:00")
    assert kept() == ("answered", "Đã trả lời.", 2)
    pulled(1, 2)  # an older copy (a page read again after a restore) changes nothing
    assert kept() == ("answered", "Đã trả lời.", 2)
    apply_page(store, [Change(cursor=3, entity="forwarding", entity_id="f-1", version=3, tombstone=True)], 3)
    assert kept() is None
    store.close()


def test_who_called_back_and_who_resolved_on_one_desk_is_named_in_another_desks_history(
    qtbot: Any, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    a = Lab(server, tmp_path / "desk-a", operator="dtv1")
    a.units_on_the_server()
    ticket = a.new_ticket()
    a.engine.run_cycle()
    forwarding_id = a.forward(ticket.id, a.department.code)
    on_the_units_page(server, "so.xaydung", forwarding_id, "tra-loi", answer=ANSWER)
    a.engine.run_cycle()
    a.call_back_with_the_answer(ticket.id)
    a.resolve(ticket.id)
    a.engine.run_cycle()

    b = Lab(server, tmp_path / "desk-b", operator="dtv2")
    b.engine.run_cycle()  # desk B never saw these steps happen: it has them from the server only

    on_server = server_ticket(server, ticket.id)
    assert (on_server.called_back_by, on_server.resolved_by) == ("dtv1", "dtv1")
    rows = shown_life(qtbot, b.store, ticket, "ticket-life-called-back-and-resolved.png")
    assert [(step, who, words) for _at, step, who, _unit, words in rows[-2:]] == [
        ("Đã gọi lại cho người dân", "dtv1", ANSWER),
        ("Đã xử lý xong", "dtv1", ""),
    ]
    assert [at for at, *_ in rows[-2:]] == [
        at_minute(on_server.called_back_at),
        at_minute(on_server.resolved_at),
    ]
    a.store.close()
    b.store.close()


def test_a_desk_cannot_name_another_operator_as_who_resolved_a_ticket(
    qtbot: Any, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    a = Lab(server, tmp_path / "desk-a", operator="dtv1")
    a.units_on_the_server()
    ticket = a.new_ticket()
    a.engine.run_cycle()
    b = Lab(server, tmp_path / "desk-b", operator="dtv2")
    b.engine.run_cycle()
    b.resolve(ticket.id)
    # A tampered desk: its own row names the supervisor, and it pushes that name as a ticket field too.
    with b.store.writes.begin() as session:
        row = session.scalar(select(DeskTicket).where(DeskTicket.id == ticket.id))
        assert row is not None and row.resolved_by == "dtv2"  # its own operator's step, until the server's
        row.resolved_by = "giamsat"
        forged = {"changes": {"resolved_by": "giamsat"}, "before": {"resolved_by": "dtv2"}}
        session.add(
            OutboxMutation(
                mutation_id=str(uuid.uuid4()),
                entity="ticket",
                entity_id=ticket.id,
                op="update",
                base_version=1,
                payload=json.dumps(forged, ensure_ascii=False),
                created_at=now_vn(),
            )
        )
    b.engine.run_cycle()
    a.engine.run_cycle()

    with b.store.sessions() as session:
        outcomes = session.execute(
            select(SyncPush.outcome, OutboxMutation.payload)
            .join(OutboxMutation, OutboxMutation.seq == SyncPush.outbox_seq)
            .where(OutboxMutation.entity == "ticket", OutboxMutation.op == "update")
            .order_by(OutboxMutation.seq)
        ).all()
    assert [outcome for outcome, _payload in outcomes] == ["applied", "rejected"]  # the resolve; the name
    assert server_ticket(server, ticket.id).resolved_by == "dtv2"  # the account that pushed the resolve
    for desk in (a, b):  # the tampered desk gets the server's stamp back too
        rows = shown_life(qtbot, desk.store, ticket)
        assert [(step, who) for _at, step, who, _unit, _words in rows] == [
            ("Tiếp nhận", "dtv1"),
            ("Đã xử lý xong", "dtv2"),
        ]
    a.store.close()
    b.store.close()


def test_an_erased_citizen_leaves_the_tickets_answer_and_its_kept_versions_on_the_server_and_the_desks(
    qtbot: Any, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    a = Lab(server, tmp_path / "desk-a")
    a.units_on_the_server()
    first_answer = "Đã tiếp nhận, chuyển Sở Xây dựng xem xét."  # the operator's own, naming nobody
    draft = TicketDraft(
        content="Xin phép sửa nhà", phone="0987654321", citizen_name="Lê Văn Thành", level=2,
        unit_code=a.department.code, answer=first_answer,
    )  # fmt: skip
    ticket = TicketService(a.store, "dtv1").create(draft)
    a.engine.run_cycle()
    forwarding_id = a.forward(ticket.id, a.department.code)
    naming = "Đã hướng dẫn ông Lê Văn Thành (0987654321) nộp hồ sơ tại bộ phận một cửa."
    on_the_units_page(server, "so.xaydung", forwarding_id, "tra-loi", answer=naming)
    a.engine.run_cycle()
    a.call_back_with_the_answer(ticket.id)  # the "called back" step shows the ticket's answer
    a.engine.run_cycle()
    assert TicketService(a.store, "dtv1").get(ticket.id).draft.answer == naming
    called_back = [row for row in shown_life(qtbot, a.store, ticket) if row[1] == "Đã gọi lại cho người dân"]
    assert [row[-1] for row in called_back] == [naming]

    erased = Desk(server, "admin").http.post("/api/v1/erasures", json={"phone": "0987654321"})
    assert erased.status_code == 200, erased.text
    a.engine.run_cycle()
    b = Lab(server, tmp_path / "desk-b", operator="dtv2")
    b.engine.run_cycle()  # a desk that gets the ticket only after the erasure

    scrubbed = "Đã hướng dẫn ông (đã xóa) ((đã xóa)) nộp hồ sơ tại bộ phận một cửa."
    assert server_ticket(server, ticket.id).answer == scrubbed
    for desk in (a, b):
        assert TicketService(desk.store, desk.login.username).get(ticket.id).draft.answer == scrubbed
        shown = json.dumps(shown_life(qtbot, desk.store, ticket), ensure_ascii=False)
        assert "Thành" not in shown and "987654321" not in shown
        assert scrubbed in shown
    revisions = Desk(server, "admin").http.get(f"/api/v1/tickets/{ticket.id}/revisions").json()["revisions"]
    kept = [value for r in revisions if "answer" in r["changes"] for value in r["changes"]["answer"]]
    assert not [value for value in kept if "Thành" in value or "987654321" in value]
    assert first_answer in kept and scrubbed in kept  # each version scrubbed, none wiped
    a.store.close()
    b.store.close()
