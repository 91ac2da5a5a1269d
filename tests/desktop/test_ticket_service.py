"""Saving tickets: each change writes the ticket, its history and its outbox row together, or nothing."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, text
from store_keys import open_test_store

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import (
    Channel,
    DissatisfactionReason,
    HistoryAction,
    Level,
    Satisfaction,
    TicketStatus,
)
from desktop.domain.ticket import TicketDraft, TicketRejected
from desktop.domain.ticket_code import CODE_PATTERN
from desktop.services.catalogs import CatalogService
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.service import StaleTicket, TicketService
from desktop.store.errors import StoreError
from desktop.store.local import LocalStore

A_QUESTION = TicketDraft(
    content="Hỏi thủ tục cấp lại căn cước công dân",
    phone="0912 345 678",
    citizen_name="Nguyễn Thị Lan",
)


def counts(store: LocalStore) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0
            for table in ("tickets", "ticket_history", "outbox", "citizens", "ticket_fts")
        }


def outbox_payloads(store: LocalStore, ticket_id: str) -> list[tuple[str, int, dict[str, object]]]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT op, base_version, payload FROM outbox WHERE entity_id = :id ORDER BY seq"),
            {"id": ticket_id},
        ).all()
    return [(op, base, json.loads(payload)) for op, base, payload in rows]


def test_creating_a_ticket_writes_ticket_citizen_history_outbox_and_search_row(
    store: LocalStore, ticket_service: TicketService
) -> None:
    ticket = ticket_service.create(A_QUESTION)

    assert CODE_PATTERN.match(ticket.code)
    assert ticket.draft.phone == "+84912345678"
    assert counts(store) == {
        "tickets": 1,
        "ticket_history": 1,
        "outbox": 1,
        "citizens": 1,
        "ticket_fts": 1,
    }
    [(_when, actor, action, changes)] = ticket_service.history(ticket.id)
    assert (actor, action) == ("dtv-lan", HistoryAction.CREATED)
    assert changes["content"] == [None, A_QUESTION.content]
    [(op, base, payload)] = outbox_payloads(store, ticket.id)
    assert (op, base, payload["code"], payload["phone"]) == ("create", 0, ticket.code, "+84912345678")


def test_a_rejected_draft_writes_nothing_and_names_every_bad_field(
    store: LocalStore, ticket_service: TicketService
) -> None:
    draft = TicketDraft(content=" ", phone="09x", level=Level.THREE)
    with pytest.raises(TicketRejected) as rejected:
        ticket_service.create(draft)
    assert {error.field for error in rejected.value.errors} == {"content", "phone", "unit_code"}
    assert counts(store)["tickets"] == counts(store)["outbox"] == 0


def test_a_failure_inside_the_transaction_leaves_no_half_written_ticket(
    store: LocalStore, ticket_service: TicketService
) -> None:
    ticket_service.create(A_QUESTION)
    before = counts(store)
    with pytest.raises(Exception):  # noqa: B017 - the FK to fields fails at flush
        ticket_service.create(
            TicketDraft(content="Hỏi", phone="0987654321", field_code="khong-co-linh-vuc-nay")
        )
    assert counts(store) == before


def test_editing_records_who_changed_what_and_pushes_only_the_changed_fields(
    store: LocalStore, ticket_service: TicketService
) -> None:
    ticket = ticket_service.create(A_QUESTION)
    edited = ticket_service.update(
        ticket.id,
        TicketDraft(
            content=A_QUESTION.content,
            phone=ticket.draft.phone,
            citizen_name="Nguyễn Thị Lan",
            level=Level.TWO,
            unit_code="cong-an-tinh",
        ),
        expected_version=ticket.version,
    )
    assert edited.version == 2
    assert edited.deadline is not None and edited.deadline > ticket.deadline  # type: ignore[operator]
    _, _, action, changes = ticket_service.history(ticket.id)[-1]
    assert action is HistoryAction.UPDATED
    assert set(changes) == {"level", "unit_code", "deadline"}
    op, base, payload = outbox_payloads(store, ticket.id)[-1]
    assert (op, base) == ("update", 1)
    assert payload["changes"] == {"level": 2, "unit_code": "cong-an-tinh", "deadline": str(edited.deadline)}


def test_saving_an_unchanged_ticket_writes_no_history(
    store: LocalStore, ticket_service: TicketService
) -> None:
    ticket = ticket_service.create(A_QUESTION)
    again = ticket_service.update(ticket.id, ticket.draft, expected_version=1)
    assert again.version == 1
    assert counts(store)["ticket_history"] == counts(store)["outbox"] == 1


def test_resolving_and_rating_then_reopening(ticket_service: TicketService) -> None:
    ticket = ticket_service.create(A_QUESTION)
    resolved = ticket_service.resolve(ticket.id, "Hướng dẫn nộp hồ sơ tại Công an xã.", 1)
    assert resolved.draft.status is TicketStatus.RESOLVED and resolved.resolved_at is not None
    assert ticket_service.history(ticket.id)[-1][2] is HistoryAction.RESOLVED

    rated = ticket_service.update(
        ticket.id,
        TicketDraft(
            **{
                **resolved.draft.__dict__,
                "satisfaction": Satisfaction.DISSATISFIED,
                "dissatisfaction_reason": DissatisfactionReason.UNIT_ANSWER,
            }
        ),
        expected_version=2,
    )
    assert rated.draft.dissatisfaction_reason is DissatisfactionReason.UNIT_ANSWER

    with pytest.raises(TicketRejected):  # an open ticket cannot keep a rating
        ticket_service.update(
            ticket.id,
            TicketDraft(**{**rated.draft.__dict__, "status": TicketStatus.IN_PROGRESS}),
            expected_version=3,
        )


def test_a_save_from_a_stale_form_is_refused(ticket_service: TicketService) -> None:
    ticket = ticket_service.create(A_QUESTION)
    ticket_service.resolve(ticket.id, "Đã trả lời", expected_version=1)
    with pytest.raises(StaleTicket, match="vừa được sửa"):
        ticket_service.update(ticket.id, ticket.draft, expected_version=1)


def test_the_deadline_is_counted_in_working_days_from_the_level(ticket_service: TicketService) -> None:
    friday = datetime(2026, 11, 20, 9, 0, tzinfo=VN_TZ)
    ticket = ticket_service.create(
        TicketDraft(
            content="Phản ánh đường hư",
            phone="0912345678",
            level=Level.THREE,
            unit_code="so-giao-thong-van-tai",
            received_at=friday,
        )
    )
    assert ticket.deadline == date(2026, 11, 27)  # 5 working days, the weekend skipped


def test_one_citizen_per_number_whatever_the_format(store: LocalStore, ticket_service: TicketService) -> None:
    for phone in ("0912345678", "+84 912 345 678", "84912345678"):
        ticket_service.create(TicketDraft(content="Hỏi", phone=phone))
    assert counts(store)["citizens"] == 1


def test_retired_units_take_no_new_tickets_but_old_tickets_keep_them(
    store: LocalStore, ticket_service: TicketService
) -> None:
    catalogs = CatalogService(store)
    old = ticket_service.create(
        TicketDraft(content="Hỏi", phone="0912345678", level=Level.TWO, unit_code="ubnd-huyen-tan-hong")
    )
    catalogs.merge_unit("ubnd-huyen-tan-hong", "ubnd-huyen-hong-ngu")
    fresh = TicketService(store, "dtv-lan")
    with pytest.raises(TicketRejected, match="ngừng nhận phiếu"):
        fresh.create(
            TicketDraft(content="Hỏi", phone="0912345678", level=Level.TWO, unit_code="ubnd-huyen-tan-hong")
        )
    kept = fresh.update(old.id, TicketDraft(**{**old.draft.__dict__, "answer": "x"}), 1)
    assert kept.draft.unit_code == "ubnd-huyen-tan-hong"


def test_searching_without_diacritics_finds_the_ticket_and_edits_reindex_it(
    store: LocalStore, ticket_service: TicketService
) -> None:
    query = TicketQuery(store)
    ticket = ticket_service.create(A_QUESTION)
    assert query.count(TicketFilter(text="cap lai can cuoc")) == 1
    assert query.count(TicketFilter(text="Cấp lại")) == 1
    assert query.count(TicketFilter(text="0912345")) == 1
    assert query.count(TicketFilter(text=ticket.code)) == 1
    ticket_service.update(
        ticket.id, TicketDraft(**{**ticket.draft.__dict__, "content": "Hỏi đăng ký khai sinh"}), 1
    )
    assert query.count(TicketFilter(text="can cuoc")) == 0
    assert query.count(TicketFilter(text="khai sinh")) == 1


def test_codes_stay_unique_when_many_desktops_create_offline_at_once(tmp_path: Path) -> None:
    desks = [open_test_store(tmp_path / f"desk-{n}") for n in range(4)]
    codes: list[str] = []
    ids: list[str] = []
    lock = threading.Lock()

    def work(desk: LocalStore) -> None:
        service = TicketService(desk, "dtv")
        for n in range(40):
            made = service.create(TicketDraft(content=f"Hỏi {n}", channel=Channel.EMAIL))
            with lock:
                codes.append(made.code)
                ids.append(made.id)

    threads = [threading.Thread(target=work, args=(desk,)) for desk in desks for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for desk in desks:
        desk.close()
    assert len(codes) == len(set(codes)) == 320
    assert len(set(ids)) == 320
    assert len({code.split("-")[1] for code in codes}) == 4


def test_a_full_disk_is_said_in_vietnamese_and_nothing_is_half_written(
    store: LocalStore, ticket_service: TicketService
) -> None:
    ticket_service.create(A_QUESTION)
    before = counts(store)
    with store.engine.connect() as connection:
        pages = connection.execute(text("PRAGMA page_count")).scalar()

    def no_room_to_grow(dbapi_connection: object, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]

    event.listen(store.engine, "connect", no_room_to_grow)
    store.engine.dispose()
    long_text = "Nội dung rất dài " * 5_000  # within the 100.000 characters the server takes, past the disk
    with pytest.raises(StoreError, match="Ổ đĩa đã đầy"):
        ticket_service.create(TicketDraft(content=long_text, phone="0987654321"))
    event.remove(store.engine, "connect", no_room_to_grow)
    store.engine.dispose()
    assert counts(store) == before


def test_an_edit_keeps_the_units_deadline_unless_the_level_or_reception_changes(
    ticket_service: TicketService, store: LocalStore
) -> None:
    ticket = ticket_service.create(
        TicketDraft(
            content="Hỏi cấp phép xây dựng", phone="0912345678", level=Level.TWO, unit_code="cong-an-tinh"
        )
    )
    unit_deadline = date(2031, 1, 15)  # as the server's forwarding set it, pulled by this desk
    with store.writes.begin() as session:
        session.execute(
            text("UPDATE tickets SET deadline = :d WHERE id = :i"), {"d": unit_deadline, "i": ticket.id}
        )
    kept = ticket_service.update(
        ticket.id, replace(ticket.draft, content="Hỏi cấp phép xây dựng nhà ở riêng lẻ"), ticket.version
    )
    assert kept.deadline == unit_deadline  # before, every save put the reception's deadline back
    raised = ticket_service.update(ticket.id, replace(kept.draft, level=Level.THREE), kept.version)
    assert raised.deadline != unit_deadline  # a new level counts anew from the reception
