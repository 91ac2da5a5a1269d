"""Tables of the phone desk: call wrap-ups (dispositions), the callback queue and its attempts, recordings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import Base
from desktop.store.types import VnDateTime


class CallWrapUp(Base):
    """How the operator accounted for a call once it ended (one row per call, the latest choice)."""

    __tablename__ = "call_wrapups"
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    disposition: Mapped[str] = mapped_column(String(20))
    operator: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(VnDateTime)


class Callback(Base):
    """A citizen to call back: a missed or abandoned call, a ticket whose answer is ready, a survey due."""

    __tablename__ = "callbacks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(20))
    call_id: Mapped[str | None] = mapped_column(ForeignKey("calls.id"), default=None)
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("tickets.id"), default=None)
    status: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime] = mapped_column(VnDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_outcome: Mapped[str | None] = mapped_column(String(20), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(VnDateTime)
    updated_at: Mapped[datetime] = mapped_column(VnDateTime)

    __table_args__ = (
        Index("ix_callbacks_status_due", "status", "due_at"),
        Index("ix_callbacks_ticket_kind", "ticket_id", "kind", unique=True),
        Index("ix_callbacks_phone", "phone"),
    )


class CallbackAttempt(Base):
    """One try at a callback and what came of it."""

    __tablename__ = "callback_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    callback_id: Mapped[str] = mapped_column(ForeignKey("callbacks.id"), index=True)
    at: Mapped[datetime] = mapped_column(VnDateTime)
    outcome: Mapped[str] = mapped_column(String(20))
    call_id: Mapped[str | None] = mapped_column(ForeignKey("calls.id"), default=None)
    operator: Mapped[str] = mapped_column(String(64), default="")


class CallRecording(Base):
    """A WAV file of a call's far-end audio, deleted once the retention period has passed."""

    __tablename__ = "call_recordings"
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(VnDateTime, index=True)
