"""Satisfaction survey attempts, and the indexes the survey list and the dashboard read through."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import Base
from desktop.store.models import Call, Ticket
from desktop.store.types import VnDateTime


class SurveyAttempt(Base):
    """One call-back asking a citizen whether they are satisfied, and what came of it."""

    __tablename__ = "survey_attempts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime] = mapped_column(VnDateTime)
    operator: Mapped[str] = mapped_column(String(64), default="")
    # a Satisfaction code, or `khong_nghe_may` when nobody answered this time
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(30), default=None)
    call_id: Mapped[str | None] = mapped_column(String(36), default=None)

    __table_args__ = (
        Index("ix_survey_attempts_ticket_at", "ticket_id", "at"),
        Index("ix_survey_attempts_at", "at"),
    )


# The due list: resolved tickets not yet rated, oldest resolution first, without touching the rest.
SURVEY_DUE_INDEX = Index(
    "ix_tickets_survey_due",
    Ticket.resolved_at,
    sqlite_where=text("status = 'da_xu_ly' AND satisfaction = 'chua_danh_gia'"),
)
# Overdue tickets per unit: only open tickets, by deadline.
OPEN_DEADLINE_INDEX = Index(
    "ix_tickets_open_deadline",
    Ticket.deadline,
    Ticket.unit_code,
    sqlite_where=text("status = 'dang_xu_ly'"),
)
# The dashboard's call counts for a day or a month.
CALLS_STARTED_INDEX = Index("ix_calls_started", Call.started_at, Call.direction, Call.outcome)
