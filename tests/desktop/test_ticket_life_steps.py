"""A ticket's life read from the desk's store alone: after the unit's steps pulled from the server, the
desk's own steps (the citizen called back with the unit's answer, resolved, surveyed) follow in time order,
each with the operator who took it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from store_keys import open_test_store

from desktop.domain.clock import now_vn
from desktop.domain.codes import Satisfaction
from desktop.domain.ticket import TicketDraft
from desktop.services.phone.callbacks import CallbackQueue
from desktop.services.phone.codes import AttemptOutcome, CallbackKind
from desktop.services.supervisor.surveys import SurveyAnswer, SurveyService
from desktop.services.tickets.life import LifeStepKind, TicketLife
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.sync.apply import apply_page
from protocol import Change

ANSWER = "Trạm y tế xã mở cửa lại từ thứ Hai, làm việc cả giờ trưa."


def test_the_desks_own_steps_follow_the_units_in_time_order_with_who_took_them(tmp_path: Path) -> None:
    store = open_test_store(tmp_path / "desk")
    unit = "ubnd-huyen-tan-hong"
    draft = TicketDraft(content="Hỏi giờ mở cửa trạm y tế", phone="0912 345 678", level=2, unit_code=unit)
    ticket = TicketService(store, "dtv1").create(draft)
    received = ticket.draft.received_at
    assert received is not None and received <= now_vn()
    forwarded_at, answered_at = received + timedelta(milliseconds=1), received + timedelta(milliseconds=2)
    unit_steps = {"ticket_id": ticket.id, "unit_code": unit, "state": "answered", "forwarded_by": "dtv1"}
    unit_steps |= {"forwarded_at": forwarded_at.isoformat(), "deadline": "2026-12-31", "answer": ANSWER}
    unit_steps |= {"answered_at": answered_at.isoformat(), "answered_by": "ubnd.huyen"}
    apply_page(
        store, [Change(cursor=1, entity="forwarding", entity_id="f-1", version=2, fields=unit_steps)], 1
    )
    with store.writes.begin() as session:  # the unit's answer as the same pull writes it on the ticket
        row = session.scalars(select(models.Ticket).where(models.Ticket.id == ticket.id)).one()
        row.answer, row.unit_answered_at = ANSWER, answered_at

    queue = CallbackQueue(store, "dtv2")
    assert queue.sync_from_tickets() == 1
    (ready,) = [item for item in queue.pending() if item.kind is CallbackKind.ANSWER_READY]
    queue.record_attempt(ready.id, AttemptOutcome.REACHED)
    resolver = TicketService(store, "dtv2")
    resolver.resolve(ticket.id, ANSWER, resolver.get(ticket.id).version)
    SurveyService(store, "ks1").record(ticket.id, SurveyAnswer.satisfied())

    steps = TicketLife(store).steps(ticket.id)
    assert [(step.kind, step.by) for step in steps] == [
        (LifeStepKind.RECEIVED, "dtv1"),
        (LifeStepKind.FORWARDED, "dtv1"),
        (LifeStepKind.ANSWERED, "don-vi:ubnd.huyen"),
        (LifeStepKind.CALLED_BACK, "dtv2"),
        (LifeStepKind.RESOLVED, "dtv2"),
        (LifeStepKind.SURVEYED, "ks1"),
    ]
    assert steps[2].words == ANSWER and steps[2].unit != ""
    assert steps[-1].words == Satisfaction.SATISFIED.label
    store.close()
