"""The sync's local half on a real migrated SQLite store: numbering, reading, acks, applying pulled pages."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text, update

from desktop.domain.clock import now_vn
from desktop.domain.codes import TicketStatus
from desktop.domain.ticket import TicketDraft
from desktop.services.imports.importer import import_tickets_csv
from desktop.services.tickets.rows import ticket_snapshot
from desktop.services.tickets.search_index import match_expression
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.store.local import LocalStore
from desktop.store.sync_models import SyncVersion
from desktop.sync.acks import record_results
from desktop.sync.apply import apply_page
from desktop.sync.outbox_reader import number_new_mutations, read_batch
from desktop.sync.state import load_state, read_counts
from protocol import Change, FieldOutcome, MutationResult, MutationStatus

GOOD_CSV = Path(__file__).parents[1] / "data" / "tickets_good.csv"
DRAFT = TicketDraft(content="Hỏi thủ tục cấp lại căn cước", phone="0912 345 678", citizen_name="Lan")


def scalar(store: LocalStore, sql: str, **params: object) -> object:
    with store.engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def number_and_read(store: LocalStore, limit: int = 500, start: int = 1) -> list:  # type: ignore[type-arg]
    with store.writes.begin() as session:
        number_new_mutations(session, limit)
        return read_batch(session, start, limit)


def search(store: LocalStore, words: str) -> set[str]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT t.id FROM ticket_fts f JOIN tickets t ON t.pk = f.rowid WHERE ticket_fts MATCH :q"),
            {"q": match_expression(words)},
        ).all()
    return {row[0] for row in rows}


def test_mutations_get_consecutive_numbers_in_outbox_order_once(
    store: LocalStore, ticket_service: TicketService
) -> None:
    first = ticket_service.create(DRAFT)
    ticket_service.update(first.id, replace(first.draft, answer="Đã hướng dẫn"), first.version)
    ticket_service.create(replace(DRAFT, phone="0987 654 321"))

    batch = number_and_read(store, limit=2)
    assert [(m.seq, m.op) for m in batch] == [(1, "create"), (2, "update")]
    again = number_and_read(store, limit=2)  # a retry: same numbers, same ids, the third not yet read
    assert [(m.seq, m.mutation_id) for m in again] == [(m.seq, m.mutation_id) for m in batch]
    everything = number_and_read(store, limit=10)
    assert [m.seq for m in everything] == [1, 2, 3]
    assert everything[1].payload["changes"] == {"answer": "Đã hướng dẫn"}
    assert everything[1].base_version == 1


def test_an_imported_ticket_is_sent_as_it_was_imported_even_after_an_edit(store: LocalStore) -> None:
    import_tickets_csv(store, GOOD_CSV, operator="dtv-lan")
    service = TicketService(store, operator="dtv-lan")
    ticket_id = str(
        scalar(
            store,
            "SELECT o.entity_id FROM outbox o JOIN tickets t ON t.id = o.entity_id "
            "WHERE o.op = 'import' AND NOT t.is_tthc ORDER BY o.seq LIMIT 1",
        )
    )
    imported = service.get(ticket_id)
    with store.sessions() as session:
        row = session.query(models.Ticket).filter_by(id=ticket_id).one()
        as_imported = ticket_snapshot(row)
    service.update(ticket_id, replace(imported.draft, answer="Trả lời sau khi nhập"), imported.version)

    batch = number_and_read(store, limit=1000)
    sent = next(m for m in batch if m.entity_id == ticket_id and m.op == "import")
    assert {k: v for k, v in sent.payload.items() if k != "source"} == as_imported
    assert sent.payload["source"]["dong"] >= 2
    edit = next(m for m in batch if m.entity_id == ticket_id and m.op == "update")
    assert edit.seq > sent.seq
    assert edit.payload["changes"]["answer"] == "Trả lời sau khi nhập"


def test_stored_results_are_recorded_once_and_a_hole_stops_the_acknowledgement(
    store: LocalStore, ticket_service: TicketService
) -> None:
    for phone in ("0912 000 001", "0912 000 002", "0912 000 003"):
        ticket_service.create(replace(DRAFT, phone=phone))
    batch = number_and_read(store)

    def result(seq: int, status: MutationStatus = MutationStatus.APPLIED, **extra: object) -> MutationResult:
        mutation = batch[seq - 1]
        return MutationResult(
            seq=seq,
            mutation_id=mutation.mutation_id,
            entity="ticket",
            entity_id=mutation.entity_id,
            status=status,
            version=1,
            **extra,  # type: ignore[arg-type]
        )

    with store.writes.begin() as session:
        # seq 2 is missing: 3 waits, the server applies in order and will answer it again
        assert record_results(session, [result(1), result(3)], now_vn()) == 1
    assert read_counts(store).pending == 2
    rejected = result(2, MutationStatus.REJECTED, reason="Đơn vị đã ngừng nhận phiếu.")
    with store.writes.begin() as session:
        assert record_results(session, [result(1), rejected, result(3)], now_vn()) == 3
    with store.writes.begin() as session:  # a replay of the same answers changes nothing
        assert record_results(session, [result(1, replayed=True)], now_vn()) == 3
    counts = read_counts(store)
    assert (counts.pending, counts.rejected_unseen) == (0, 1)
    assert (
        scalar(store, "SELECT reason FROM sync_pushes WHERE client_seq = 2") == "Đơn vị đã ngừng nhận phiếu."
    )


def test_a_conflict_answer_is_kept_for_the_operator(store: LocalStore, ticket_service: TicketService) -> None:
    ticket = ticket_service.create(DRAFT)
    ticket_service.update(ticket.id, replace(ticket.draft, content="Nội dung của tôi"), ticket.version)
    batch = number_and_read(store)
    results = [
        MutationResult(
            seq=m.seq, mutation_id=m.mutation_id, entity="ticket", entity_id=m.entity_id, status="applied"
        )
        for m in batch
    ]
    results[1] = results[1].model_copy(
        update={
            "status": MutationStatus.CONFLICT,
            "field_outcomes": [
                FieldOutcome(
                    field="content",
                    outcome="conflict_recorded",
                    server_value="Nội dung của người kia",
                    conflict_id="c-1",
                )
            ],
        }
    )
    with store.writes.begin() as session:
        record_results(session, results, now_vn())
    assert read_counts(store).conflicts == 1
    with store.engine.connect() as connection:
        row = connection.execute(
            text("SELECT field, base_value, local_value, server_value FROM sync_conflicts")
        ).one()
    assert row.field == "content"
    assert json.loads(row.local_value) == "Nội dung của tôi"
    assert json.loads(row.server_value) == "Nội dung của người kia"
    assert json.loads(row.base_value) == DRAFT.content


def server_ticket(ticket_id: str, version: int, **fields: object) -> Change:
    data = {
        "code": f"DT-{ticket_id[:6]}",
        "received_at": "2026-11-20T08:30:00+07:00",
        "channel": "dien_thoai",
        "phone": "+84987000111",
        "citizen_id": "server-side-id",
        "citizen_name": "Trần Văn Bình",
        "citizen_address": "",
        "request_type": "hoi_thong_tin",
        "level": 1,
        "is_tthc": False,
        "tthc_code": "",
        "field_code": None,
        "unit_code": None,
        "content": "Phản ánh đèn đường hỏng",
        "answer": "",
        "status": "dang_xu_ly",
        "satisfaction": "chua_danh_gia",
        "dissatisfaction_reason": None,
        "deadline": None,
        "resolved_at": None,
        "call_id": None,
        "id": ticket_id,
        "version": version,
        "created_by": "dtv-khac",
        "updated_by": "dtv-khac",
        "created_at": "2026-11-20T08:31:00+07:00",
        "updated_at": "2026-11-20T08:31:00+07:00",
        **fields,
    }
    return Change(cursor=version, entity="ticket", entity_id=ticket_id, version=version, fields=data)


def test_a_pulled_page_writes_tickets_search_rows_and_cursor_without_outbox_rows(store: LocalStore) -> None:
    outbox_before = scalar(store, "SELECT count(*) FROM outbox")
    page = [
        server_ticket("aaaaaaaa-0000-4000-8000-000000000001", 1),
        Change(
            cursor=2, entity="unit", entity_id="so-moi", version=1, fields={"name": "Sở Mới", "group": "so"}
        ),
        Change(cursor=3, entity="holiday", entity_id="2026-12-31", version=1, fields={"name": "Nghỉ bù"}),
        Change(
            cursor=4,
            entity="kb_qa",
            entity_id="qa-1",
            version=1,
            fields={"question": "Cấp lại CCCD?", "answer": "Nộp ở công an xã", "procedures": ["1.000178"]},
        ),
    ]
    result = apply_page(store, page, cursor=4, server_epoch="epoch-1")

    assert result.applied == 4
    assert scalar(store, "SELECT count(*) FROM outbox") == outbox_before
    assert search(store, "den duong") == {"aaaaaaaa-0000-4000-8000-000000000001"}
    assert scalar(store, "SELECT name FROM units WHERE code = 'so-moi'") == "Sở Mới"
    assert scalar(store, "SELECT code FROM kb_qa_procedures WHERE qa_id = 'qa-1'") == "1.000178"
    assert scalar(store, "SELECT phone FROM citizens WHERE name = 'Trần Văn Bình'") == "+84987000111"
    with store.sessions() as session:
        assert (load_state(session).cursor, load_state(session).server_id) == ("4", "epoch-1")

    # the next version replaces the searched words; an old version arriving again is skipped
    apply_page(store, [server_ticket(page[0].entity_id, 2, content="Cống bị tắc")], cursor=5)
    again = apply_page(store, [page[0]], cursor=5)
    assert again.skipped == 1
    assert search(store, "den duong") == set()
    assert search(store, "cong tac") == {page[0].entity_id}
    # a tombstone removes the ticket and its search row
    apply_page(
        store, [Change(cursor=6, entity="ticket", entity_id=page[0].entity_id, version=3, tombstone=True)], 6
    )
    assert scalar(store, "SELECT count(*) FROM tickets WHERE id = :id", id=page[0].entity_id) == 0
    assert search(store, "cong tac") == set()


def test_a_change_this_desk_cannot_apply_is_reported_and_the_rest_of_the_page_commits_with_its_cursor(
    store: LocalStore,
) -> None:
    good = server_ticket("aaaaaaaa-0000-4000-8000-000000000002", 1)
    broken = server_ticket("aaaaaaaa-0000-4000-8000-000000000003", 1, received_at="not a date")

    applied = apply_page(store, [good, broken], cursor=9)

    assert applied.unapplied == [("ticket", broken.entity_id)] and applied.applied == 1
    assert scalar(store, "SELECT count(*) FROM tickets WHERE id = :id", id=good.entity_id) == 1
    assert scalar(store, "SELECT count(*) FROM tickets WHERE id = :id", id=broken.entity_id) == 0
    with store.sessions() as session:
        assert load_state(session).cursor == "9"  # the pull moves on: one bad row never stops it


def test_edits_not_yet_pushed_stay_on_top_of_the_servers_version(
    store: LocalStore, ticket_service: TicketService
) -> None:
    ticket = ticket_service.create(DRAFT)
    edited = ticket_service.update(
        ticket.id, replace(ticket.draft, status=TicketStatus.RESOLVED, answer="Đã trả lời"), ticket.version
    )
    # another desk changed the address on the server; our answer has not been pushed yet
    with store.sessions() as session:
        row = session.query(models.Ticket).filter_by(id=ticket.id).one()
        snapshot = {**ticket_snapshot(row), "answer": "", "status": "dang_xu_ly", "resolved_at": None}
    change = server_ticket(ticket.id, 2, **{**snapshot, "citizen_address": "Phường 1, Cao Lãnh"})
    apply_page(store, [change], cursor=2)

    now = ticket_service.get(ticket.id)
    assert now.draft.answer == "Đã trả lời"
    assert now.draft.status is TicketStatus.RESOLVED
    assert now.draft.citizen_address == "Phường 1, Cao Lãnh"
    assert now.version > edited.version  # an open form sees the ticket changed
    assert datetime.now(UTC)  # (clock untouched: nothing here orders by it)


def test_an_edit_starts_from_the_server_version_last_pulled_not_the_desks_own(
    store: LocalStore, ticket_service: TicketService
) -> None:
    ticket = ticket_service.create(DRAFT)
    with store.writes.begin() as session:  # what a pull leaves: the server's version 7 applied here
        session.add(SyncVersion(entity="ticket", entity_id=ticket.id, server_version=7))
    once = ticket_service.update(ticket.id, replace(ticket.draft, answer="Đã hướng dẫn"), ticket.version)
    twice = ticket_service.update(ticket.id, replace(once.draft, citizen_name="Hoa"), once.version)
    with store.writes.begin() as session:  # a server restored from a backup: versions forgotten
        session.execute(update(SyncVersion).values(server_version=-1))
    ticket_service.update(ticket.id, replace(twice.draft, citizen_address="Sa Đéc"), twice.version)

    with store.engine.connect() as connection:
        bases = connection.execute(text("SELECT base_version FROM outbox WHERE op = 'update' ORDER BY seq"))
        assert [base for (base,) in bases] == [7, 7, 1]
    assert twice.version == ticket.version + 2  # the desk's own version moved on; the base did not
