"""SQLAlchemy 2 models of the local store: tickets, citizens, calls, history, catalogs, outbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.base import Base as Base  # re-exported: code reaches the base through this module
from desktop.store.types import IsoDate, VnDateTime


class Unit(Base):
    """A handling unit (đơn vị xử lý); renamed, merged or retired, never deleted."""

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column(String(20), default="khac")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    merged_into: Mapped[str | None] = mapped_column(ForeignKey("units.code"), default=None)
    retired_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class UnitAlias(Base):
    """Another name of a unit (old names, misspellings in the province's tables), folded for matching."""

    __tablename__ = "unit_aliases"
    folded: Mapped[str] = mapped_column(String(200), primary_key=True)
    alias: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)


class Field(Base):
    """A field of requests (lĩnh vực)."""

    __tablename__ = "fields"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class LevelRule(Base):
    """A ticket level and its deadline in working days."""

    __tablename__ = "levels"
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    deadline_working_days: Mapped[int] = mapped_column(Integer)


class Holiday(Base):
    """A public holiday, or (is_working_day) a Saturday worked in exchange for one."""

    __tablename__ = "holidays"
    day: Mapped[date] = mapped_column(IsoDate, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    is_working_day: Mapped[bool] = mapped_column(Boolean, default=False)


class CentralSetting(Base):
    """A setting the centre decides for every desk, synced from the server (e.g. recording retention)."""

    __tablename__ = "central_settings"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class Citizen(Base):
    """A caller, known by the phone number they call from."""

    __tablename__ = "citizens"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(VnDateTime)
    updated_at: Mapped[datetime] = mapped_column(VnDateTime)


class Ticket(Base):
    """A ticket (phiếu xử lý): `id` is its identity everywhere, `code` what people read."""

    __tablename__ = "tickets"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime] = mapped_column(VnDateTime)
    channel: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(20), default="")
    citizen_id: Mapped[str | None] = mapped_column(ForeignKey("citizens.id"), default=None)
    citizen_name: Mapped[str] = mapped_column(String(200), default="")
    citizen_address: Mapped[str] = mapped_column(String(300), default="")
    request_type: Mapped[str] = mapped_column(String(30))
    level: Mapped[int] = mapped_column(Integer)
    is_tthc: Mapped[bool] = mapped_column(Boolean, default=False)
    tthc_code: Mapped[str] = mapped_column(String(40), default="")
    field_code: Mapped[str | None] = mapped_column(ForeignKey("fields.code"), default=None)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), default=None)
    content: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    satisfaction: Mapped[str] = mapped_column(String(20))
    dissatisfaction_reason: Mapped[str | None] = mapped_column(String(30), default=None)
    deadline: Mapped[date | None] = mapped_column(IsoDate, default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    call_id: Mapped[str | None] = mapped_column(String(36), default=None)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(VnDateTime)
    updated_at: Mapped[datetime] = mapped_column(VnDateTime)
    # Published answers (#17 point 5): the citizen's choice and the texts rewritten for the public page
    publication: Mapped[str] = mapped_column(String(20), default="chua_hoi")
    public_question: Mapped[str] = mapped_column(Text, default="")
    public_answer: Mapped[str] = mapped_column(Text, default="")
    # Why a unit returned the ticket (the server writes it; a new forward empties it): step "returned"
    return_reason: Mapped[str] = mapped_column(Text, default="")
    unit_answered_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    called_back_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    # Who took those steps (protocol.STAMPED_TICKET_FIELDS): the server's stamp, never pushed
    called_back_by: Mapped[str | None] = mapped_column(String(64), default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(64), default=None)

    __table_args__ = (
        Index("ix_tickets_received", "received_at", "pk"),
        Index("ix_tickets_phone_received", "phone", "received_at", "status"),
        Index("ix_tickets_status_received", "status", "received_at"),
        Index("ix_tickets_unit_received", "unit_code", "received_at"),
        # Covers the report's one GROUP BY (reports/engine.py): every value its tables split on.
        Index(
            "ix_tickets_report",
            "unit_code",
            "status",
            "level",
            "request_type",
            "channel",
            "is_tthc",
            "satisfaction",
            "dissatisfaction_reason",
            "received_at",
        ),
    )


class TicketHistory(Base):
    """Who changed what on a ticket, and when: one row per save."""

    __tablename__ = "ticket_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(VnDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    changes: Mapped[str] = mapped_column(Text, default="{}")  # JSON {field: [old, new]}


class Call(Base):
    """A logged call, inbound or outbound, and what came of it."""

    __tablename__ = "calls"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    direction: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str] = mapped_column(String(20))
    citizen_id: Mapped[str | None] = mapped_column(ForeignKey("citizens.id"), default=None)
    operator: Mapped[str] = mapped_column(String(64), default="")
    started_at: Mapped[datetime] = mapped_column(VnDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    ended_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)
    outcome: Mapped[str] = mapped_column(String(20))
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("tickets.id"), default=None)
    sip_call_id: Mapped[str | None] = mapped_column(String(200), default=None)
    # the audio as RTCP measured what we received (None: no audio ran, or logged before 0011); desk-only
    packets_lost: Mapped[int | None] = mapped_column(Integer, default=None)
    loss_percent: Mapped[float | None] = mapped_column(Float, default=None)
    jitter_ms: Mapped[float | None] = mapped_column(Float, default=None)
    encrypted: Mapped[bool | None] = mapped_column(Boolean, default=None)  # SRTP; None: never connected
    transferred_to: Mapped[str | None] = mapped_column(String(200), default=None)  # desk-only (0013)

    __table_args__ = (Index("ix_calls_phone_started", "phone", "started_at"),)


class OutboxMutation(Base):
    """A change waiting to be pushed to the server, numbered in the order it was made."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mutation_id: Mapped[str] = mapped_column(String(36), unique=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(20))
    base_version: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[str] = mapped_column(Text)  # JSON
    created_at: Mapped[datetime] = mapped_column(VnDateTime)
    pushed_at: Mapped[datetime | None] = mapped_column(VnDateTime, default=None)

    __table_args__ = (Index("ix_outbox_pending", "seq", sqlite_where=text("pushed_at IS NULL")),)


class CodeCounter(Base):
    """The last ticket number this desktop gave out on a day."""

    __tablename__ = "code_counters"
    day: Mapped[date] = mapped_column(IsoDate, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Meta(Base):
    """Key/value facts of this store: the desktop's client id, catalog versions."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# ---- Knowledge base (TTHC): national records, provinces' variants, abbreviations, operators' Q&A ----


class KbProcedure(Base):
    """A procedure record (national when `province` is empty, else a province's variant of the code).

    The structured sections (methods × deadline × fee, documents, legal basis, steps) are read whole,
    never queried apart, so they live as JSON in `record`; the columns are what lists and filters need.
    """

    __tablename__ = "kb_procedures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    province: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(100), default="")
    field: Mapped[str] = mapped_column(String(200), default="")
    effective_from: Mapped[date | None] = mapped_column(IsoDate, default=None)
    effective_to: Mapped[date | None] = mapped_column(IsoDate, default=None)
    source: Mapped[str] = mapped_column(String(20), default="national")  # national | starter | server
    record: Mapped[str] = mapped_column(Text)  # JSON of desktop.domain.kb.Procedure
    search_text: Mapped[str] = mapped_column(Text, default="{}")  # JSON {field: text} the index reads
    updated_at: Mapped[datetime] = mapped_column(VnDateTime)

    __table_args__ = (Index("ix_kb_procedures_code_province", "code", "province", unique=True),)


class KbAlias(Base):
    """An abbreviation or everyday name (folded) and what it stands for: `cccd` → căn cước công dân."""

    __tablename__ = "kb_aliases"
    folded: Mapped[str] = mapped_column(String(100), primary_key=True)
    term: Mapped[str] = mapped_column(String(100))
    expansions: Mapped[str] = mapped_column(Text)  # JSON list of phrases


class KbQa(Base):
    """A question callers ask and the answer operators agreed on."""

    __tablename__ = "kb_qa"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    author: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(VnDateTime)


class KbQaProcedure(Base):
    """A Q&A entry's link to a procedure, by code (so it follows every province's variant)."""

    __tablename__ = "kb_qa_procedures"
    qa_id: Mapped[str] = mapped_column(ForeignKey("kb_qa.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
