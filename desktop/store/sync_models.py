"""Tables of the sync with the central server: its state, the numbered pushes, server versions, conflicts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import Base
from desktop.store.types import VnDateTime


class SyncState(Base):
    """The one row saying where this desktop stands with its server (id is always 1)."""

    __tablename__ = "sync_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    server_url: Mapped[str] = mapped_column(String(300), default="")
    # Who the server says it is, and the highest feed position it has shown us: a server restored
    # from a backup answers with an older position (or another identity) and is detected by it.
    server_id: Mapped[str] = mapped_column(String(64), default="")
    cursor: Mapped[str] = mapped_column(String(64), default="")
    # The last outbox row given a wire number: rows after it are numbered next, in outbox order.
    numbered_through: Mapped[int] = mapped_column(Integer, default=0)
    # The next wire number (seq) to give a mutation, and the highest the server acknowledged.
    next_seq: Mapped[int] = mapped_column(Integer, default=1)
    acked_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_sync_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    restore_detected_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    restore_detail: Mapped[str] = mapped_column(Text, default="")


class SyncPush(Base):
    """An outbox row's wire number, given once in outbox order, and what the server answered for it."""

    __tablename__ = "sync_pushes"
    outbox_seq: Mapped[int] = mapped_column(ForeignKey("outbox.seq"), primary_key=True, autoincrement=False)
    client_seq: Mapped[int] = mapped_column(Integer, unique=True)
    outcome: Mapped[str | None] = mapped_column(String(20), default=None)  # applied|rejected|conflict
    reason: Mapped[str] = mapped_column(Text, default="")
    server_version: Mapped[int | None] = mapped_column(Integer, default=None)
    acked_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    seen: Mapped[bool] = mapped_column(Boolean, default=False)  # the operator read the rejection

    __table_args__ = (
        Index("ix_sync_pushes_unseen_rejected", "client_seq", sqlite_where=text("outcome = 'rejected'")),
    )


class SyncVersion(Base):
    """The server's version of a record as last applied here; older feed entries are skipped."""

    __tablename__ = "sync_versions"
    entity: Mapped[str] = mapped_column(String(30), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    server_version: Mapped[int] = mapped_column(Integer)


class SyncConflict(Base):
    """One field two people changed at once: both versions kept until the operator picks or edits one."""

    __tablename__ = "sync_conflicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conflict_id: Mapped[str] = mapped_column(String(64), unique=True)  # the server's id of it
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(80), index=True)
    field: Mapped[str] = mapped_column(String(64))
    base_value: Mapped[str] = mapped_column(Text, default="null")  # JSON
    local_value: Mapped[str] = mapped_column(Text, default="null")  # JSON
    server_value: Mapped[str] = mapped_column(Text, default="null")  # JSON
    server_version: Mapped[int | None] = mapped_column(Integer, default=None)
    client_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    detected_at: Mapped[datetime] = mapped_column(VnDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    resolved_by: Mapped[str] = mapped_column(String(64), default="")
    resolution: Mapped[str | None] = mapped_column(Text, default=None)  # JSON of the value chosen

    __table_args__ = (Index("ix_sync_conflicts_open", "id", sqlite_where=text("resolved_at IS NULL")),)
