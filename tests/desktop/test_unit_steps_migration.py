"""Desk migration 0014 (#17): a store upgraded from 0013 keeps the steps it knew only locally. A ticket whose
last edit was a unit's answer gets that moment as `unit_answered_at`; one whose "answer ready" call reached
the citizen on this desk gets the call's moment as `called_back_at`, so it stays "called back"."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text
from store_keys import open_test_store

from desktop.domain.codes import Level
from desktop.domain.ticket import TicketDraft
from desktop.domain.ticket_step import TicketStep
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.service import TicketService
from desktop.store.engine import alembic_config

ANSWERED_AT = "2026-03-02T09:15:00+07:00"
REACHED_AT = "2026-03-02T10:40:00+07:00"


def test_an_upgraded_store_keeps_the_unit_answered_and_called_back_steps(tmp_path: Path) -> None:
    store = open_test_store(tmp_path / "desk")
    tickets = TicketService(store, "dtv1")
    draft = TicketDraft(
        content="Trạm y tế đóng cửa", phone="0912 345 678", level=Level.TWO, unit_code="so-y-te"
    )
    called, waiting, noted = (tickets.create(draft) for _ in range(3))
    config = alembic_config(store.engine)
    command.downgrade(config, "0013")
    with store.engine.begin() as connection:
        for ticket, who in ((called, "don-vi:yte.lan"), (waiting, "don-vi:yte.lan"), (noted, "dtv1")):
            connection.execute(
                text(
                    "UPDATE tickets SET answer = 'Đã xử lý', updated_by = :who, updated_at = :at "
                    "WHERE id = :id"
                ),
                {"who": who, "at": ANSWERED_AT, "id": ticket.id},
            )
        connection.execute(
            text(
                "INSERT INTO callbacks (id, kind, phone, ticket_id, status, due_at, attempts, "
                "last_outcome, note, created_at, updated_at) VALUES ('cb-1', 'tra_loi', '+84912345678', "
                ":id, 'xong', :at, 1, 'gap_duoc', '', :at, :reached)"
            ),
            {"id": called.id, "at": ANSWERED_AT, "reached": REACHED_AT},
        )
    command.upgrade(config, "head")

    with store.engine.connect() as connection:
        rows = dict(
            (row[0], (row[1], row[2]))
            for row in connection.execute(text("SELECT id, unit_answered_at, called_back_at FROM tickets"))
        )
    assert rows[called.id] == (ANSWERED_AT, REACHED_AT)
    assert rows[waiting.id] == (ANSWERED_AT, None)
    assert rows[noted.id] == (None, None)  # an operator's own note is no unit's answer
    steps = {row.id: row.step for row in TicketQuery(store).page(TicketFilter()).rows}
    assert steps[called.id] is TicketStep.CALLED_BACK
    assert steps[waiting.id] is TicketStep.UNIT_ANSWERED
    store.close()


def test_an_upgraded_store_knows_a_returned_ticket_and_an_answer_edited_afterwards(tmp_path: Path) -> None:
    store = open_test_store(tmp_path / "desk")
    tickets = TicketService(store, "dtv1")
    draft = TicketDraft(
        content="Xin phép sửa nhà ở", phone="0912 345 678", level=Level.TWO, unit_code="so-y-te"
    )
    returned, edited = tickets.create(draft), tickets.create(draft)
    config = alembic_config(store.engine)
    command.downgrade(config, "0013")
    with store.engine.begin() as connection:
        # returned by the unit last, with the operator's note in the answer field
        connection.execute(
            text(
                "UPDATE tickets SET answer = 'Đã hẹn công dân chờ', "
                "return_reason = 'Không thuộc thẩm quyền', "
                "updated_by = 'don-vi:ubnd.huyen', updated_at = :at WHERE id = :id"
            ),
            {"at": ANSWERED_AT, "id": returned.id},
        )
        # answered by the unit (this desk queued its "answer ready"), then an operator's edit
        connection.execute(
            text(
                "UPDATE tickets SET answer = 'Đã xử lý', updated_by = 'dtv2', updated_at = :at WHERE id = :id"
            ),
            {"at": REACHED_AT, "id": edited.id},
        )
        connection.execute(
            text(
                "INSERT INTO callbacks (id, kind, phone, ticket_id, status, due_at, attempts, "
                "last_outcome, note, created_at, updated_at) VALUES ('cb-2', 'tra_loi', '+84912345678', "
                ":id, 'cho_goi', :at, 0, NULL, '', :at, :at)"
            ),
            {"id": edited.id, "at": ANSWERED_AT},
        )
    command.upgrade(config, "head")

    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, unit_answered_at FROM tickets")).all()
    answered = {row[0]: row[1] for row in rows}
    assert answered == {returned.id: None, edited.id: ANSWERED_AT}
    steps = {row.id: row.step for row in TicketQuery(store).page(TicketFilter()).rows}
    assert steps == {returned.id: TicketStep.RETURNED, edited.id: TicketStep.UNIT_ANSWERED}
    store.close()
