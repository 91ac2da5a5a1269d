"""Applying survey attempts (entity survey_attempt, op create): stored once, for every desktop's dashboard."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol import Mutation
from server.models import SurveyAttempt, Ticket
from server.services.attempts import ENTITY, attempt_data
from server.services.feed import PendingChanges
from server.services.tickets import ID_LENGTH, Actor, Applied, Rejected
from server.services.values import SURVEY_CONVERTERS, BadValue, convert


def create(
    session: Session, mutation: Mutation, actor: Actor, now: datetime, feed: PendingChanges
) -> Applied:
    if len(mutation.entity_id) > ID_LENGTH:
        raise Rejected(f"Mã định danh lần khảo sát dài quá {ID_LENGTH} ký tự.")
    try:
        values = convert(SURVEY_CONVERTERS, {k: v for k, v in mutation.payload.items() if k != "id"})
    except BadValue as error:
        raise Rejected(str(error)) from None
    missing = [name for name in ("ticket_id", "at", "outcome") if values.get(name) is None]
    if missing:
        raise Rejected(f"Lần khảo sát thiếu trường bắt buộc: {', '.join(missing)}.")
    if session.get(SurveyAttempt, mutation.entity_id) is not None:
        raise Rejected("Lần khảo sát này đã có trên máy chủ; không ghi lần nữa.")
    if session.scalar(select(Ticket.id).where(Ticket.id == values["ticket_id"])) is None:
        raise Rejected(
            "Phiếu của lần khảo sát này chưa có trên máy chủ "
            "(lần tạo phiếu chưa được gửi lên hoặc đã bị từ chối)."
        )
    values["operator"] = actor.username  # from the token, never from the payload
    attempt = SurveyAttempt(
        id=mutation.entity_id, origin_client=actor.client_id, recorded_by=actor.username, **values
    )
    session.add(attempt)
    session.flush()
    feed.record(ENTITY, attempt.id, 1, attempt_data(attempt), origin_client=actor.client_id)
    return Applied(1, [])
