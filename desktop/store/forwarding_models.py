"""The server's forwardings of tickets to units, kept read-only on the desk for a ticket's history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import Base
from desktop.store.types import IsoDate, VnDateTime


class Forwarding(Base):
    """One forwarding of a ticket to a unit as the server last published it (feed entity "forwarding"):
    written only by the sync's pull, never pushed, replaced whole by a newer version."""

    __tablename__ = "forwardings"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # No key to tickets: a server-owned row the pull may bring before or without its ticket.
    ticket_id: Mapped[str] = mapped_column(String(36), index=True)
    unit_code: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))  # forwarded | answered | returned
    forwarded_at: Mapped[datetime] = mapped_column(VnDateTime)
    forwarded_by: Mapped[str] = mapped_column(String(64), default="")
    deadline: Mapped[date | None] = mapped_column(IsoDate, default=None)
    first_deadline: Mapped[date | None] = mapped_column(IsoDate, default=None)
    answered_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    answered_by: Mapped[str] = mapped_column(String(64), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    has_attachment: Mapped[bool] = mapped_column(Boolean, default=False)  # the file stays on the server
    returned_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    extension_state: Mapped[str] = mapped_column(String(20), default="")  # asked | granted | refused
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    extension_asked_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    extension_asked_by: Mapped[str] = mapped_column(String(64), default="")
    extension_decided_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    extension_decided_by: Mapped[str] = mapped_column(String(64), default="")
    earlier_extensions: Mapped[str] = mapped_column(Text, default="[]")  # JSON, as the server sent it
    version: Mapped[int] = mapped_column(Integer, default=1)
