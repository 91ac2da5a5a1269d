"""Survey attempts: a desktop records them, the server stores each once, every other desktop pulls them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from server_lab import PASSWORD, Desk, ServerProcess, new_id, ticket
from sqlalchemy import create_engine, text
from store_keys import open_test_store

from desktop.domain.codes import DissatisfactionReason
from desktop.domain.ticket import TicketDraft
from desktop.services.supervisor.surveys import SurveyAnswer, SurveyService
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from desktop.sync.apply import apply_page
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from desktop.sync.refusals import refusals
from protocol import Change

DRAFT = TicketDraft(content="Phản ánh đèn đường hỏng", phone="0912 345 678", citizen_name="Lan")


def sync(store: LocalStore, server: ServerProcess, username: str) -> None:
    credentials = Credentials(None)
    login = Login(server.base, username)
    credentials.remember(login, password=PASSWORD)
    SyncEngine(store, SyncClient(server.base), credentials, login).run_cycle()


def rows(url: str, query: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(query), params)]
    finally:
        engine.dispose()


def local_attempts(store: LocalStore, ticket_id: str) -> list[tuple[str, str | None, str]]:
    return [(a.outcome, a.reason, a.operator) for a in SurveyService(store, "x").attempts(ticket_id)]


def test_attempts_reach_the_server_once_and_every_other_desk(
    tmp_path: Path, server: ServerProcess, db_url: str
) -> None:
    desk_a, desk_b = open_test_store(tmp_path / "a"), open_test_store(tmp_path / "b")
    tickets = TicketService(desk_a, "dtv1")
    created = tickets.create(DRAFT)
    resolved = tickets.resolve(created.id, "Đã báo điện lực sửa", created.version)
    surveys = SurveyService(desk_a, "dtv1")
    surveys.record(resolved.id, SurveyAnswer.no_answer())
    surveys.record(resolved.id, SurveyAnswer.dissatisfied(DissatisfactionReason.UNIT_ANSWER))
    expected = [("khong_nghe_may", None, "dtv1"), ("khong_hai_long", "don_vi_tra_loi", "dtv1")]
    assert local_attempts(desk_a, resolved.id) == expected

    sync(desk_a, server, "dtv1")
    stored = rows(
        db_url,
        "SELECT outcome, reason, operator, recorded_by FROM survey_attempts WHERE ticket_id = :t ORDER BY at",
        t=resolved.id,
    )
    assert stored == [(*row, "dtv1") for row in expected]
    refused = rows(
        db_url, "SELECT result->>'status' FROM applied_mutations WHERE result->>'status' <> 'applied'"
    )
    assert refused == []
    rating = rows(
        db_url, "SELECT satisfaction, dissatisfaction_reason FROM tickets WHERE id = :t", t=resolved.id
    )
    assert rating == [("khong_hai_long", "don_vi_tra_loi")]

    sync(desk_a, server, "dtv1")  # nothing new: the attempts are not sent or stored twice
    assert len(rows(db_url, "SELECT id FROM survey_attempts WHERE ticket_id = :t", t=resolved.id)) == 2

    sync(desk_b, server, "giamsat")  # the supervisor's desk counts every operator's attempts
    assert local_attempts(desk_b, resolved.id) == expected
    sync(desk_b, server, "giamsat")
    assert local_attempts(desk_b, resolved.id) == expected
    desk_a.close()
    desk_b.close()


def test_attempts_come_after_their_ticket_in_the_feed_even_one_change_a_page(
    tmp_path: Path, server: ServerProcess
) -> None:
    """The rating moves the ticket's feed row past the attempt: the server moves the attempt after it, so a
    desktop applying the feed in the smallest pages still has the ticket when the attempt arrives."""
    desk = Desk(server, "dtv1")
    tid, attempt = new_id(), new_id()
    at = "2024-03-02T09:00:00+07:00"
    answer = desk.push(
        [
            desk.mutation(
                "ticket", "create", tid, ticket(f"P-SV-{tid[:8]}", status="da_xu_ly", resolved_at=at)
            ),
            desk.mutation(
                "survey_attempt",
                "create",
                attempt,
                {
                    "ticket_id": tid,
                    "at": at,
                    "operator": "dtv1",
                    "outcome": "hai_long",
                    "reason": None,
                    "call_id": None,
                },
            ),
            desk.mutation(
                "ticket",
                "update",
                tid,
                {"changes": {"satisfaction": "hai_long"}, "before": {"satisfaction": "chua_danh_gia"}},
                1,
            ),
        ]
    )
    assert [r["status"] for r in answer.json()["results"]] == ["applied"] * 3
    changes, _ = desk.pull_all()
    cursors = {(c["entity"], c["entity_id"]): c["cursor"] for c in changes}
    assert cursors[("survey_attempt", attempt)] > cursors[("ticket", tid)]

    store = open_test_store(tmp_path / "fresh")
    for change in changes:
        apply_page(store, [Change.model_validate(change)], change["cursor"])
    assert local_attempts(store, tid) == [("hai_long", None, "dtv1")]
    store.close()


def test_bad_or_orphan_attempts_are_refused_with_a_reason_and_a_retry_gets_the_same(
    server: ServerProcess,
) -> None:
    desk = Desk(server, "dtv1")
    tid, attempt = new_id(), new_id()
    at = "2024-03-02T09:00:00+07:00"
    payload = {"ticket_id": tid, "at": at, "operator": "dtv1", "outcome": "hai_long"}
    batch = [
        desk.mutation("survey_attempt", "create", new_id(), payload),  # its ticket is not on the server
        desk.mutation("ticket", "create", tid, ticket(f"P-SV-{tid[:8]}")),
        desk.mutation("survey_attempt", "create", new_id(), {**payload, "outcome": "tam_duoc"}),
        desk.mutation("survey_attempt", "create", attempt, payload),
        desk.mutation("survey_attempt", "create", attempt, payload),  # the same attempt id again
    ]
    results = desk.push(batch).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "applied", "rejected", "applied", "rejected"]
    assert "chưa có trên máy chủ" in results[0]["reason"]
    assert "tam_duoc" in results[2]["reason"]
    assert "đã có" in results[4]["reason"]
    again = desk.push(batch).json()["results"]
    assert [r["reason"] for r in again] == [r["reason"] for r in results]
    assert all(r["replayed"] for r in again)


def test_the_desktops_outcome_and_reason_codes_are_the_servers(tmp_path: Path, server: ServerProcess) -> None:
    """Every answer the desktop can record is accepted (no rejections hidden behind a happy path)."""
    store = open_test_store(tmp_path / "codes")
    tickets = TicketService(store, "dtv2")
    answers = [SurveyAnswer.satisfied(), SurveyAnswer.no_response(), SurveyAnswer.no_answer()]
    answers += [SurveyAnswer.dissatisfied(reason) for reason in DissatisfactionReason]
    for n, answer in enumerate(answers):
        created = tickets.create(replace(DRAFT, phone=f"0912 000 {n:03d}"))
        tickets.resolve(created.id, "Đã trả lời", created.version)
        SurveyService(store, "dtv2").record(created.id, answer)
    desk = Desk(server, "dtv2")
    before = len(desk.pull_all()[0])
    sync(store, server, "dtv2")
    after, _ = desk.pull_all()
    assert len([c for c in after if c["entity"] == "survey_attempt"]) >= len(answers)
    assert len(after) > before
    assert [(r.entity, r.reason) for r in refusals(store)] == []
    store.close()
