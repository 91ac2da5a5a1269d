"""SQLAlchemy 2 models of the server database; ticket and call columns are named as on the desktop."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Json = JSON().with_variant(JSONB(), "postgresql")


class AwareDateTime(TypeDecorator[datetime]):
    """A timestamp with time zone; SQLite (which keeps none) gets UTC in and aware UTC back."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: AwareDateTime, dict[str, Any]: Json}


class ServerMeta(Base):
    """Facts of this database: `server_epoch` (a new one after a restore, see protocol)."""

    __tablename__ = "server_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class FeedCounter(Base):
    """The one row whose update hands out feed cursors; see server.services.feed for why."""

    __tablename__ = "feed_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class FeedEntry(Base):
    """An entity's latest committed state in the change feed, at cursor `position`."""

    __tablename__ = "feed"
    entity: Mapped[str] = mapped_column(String(30), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, unique=True)
    version: Mapped[int] = mapped_column(Integer)
    tombstone: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any] | None] = mapped_column(Json, default=None)
    origin_client: Mapped[str | None] = mapped_column(String(64), default=None)


class FeedStale(Base):
    """An entity a migration corrected in place, whose feed row still holds it as it was: published again
    by server.services.feed_refresh when the server starts."""

    __tablename__ = "feed_stale"
    entity: Mapped[str] = mapped_column(String(30), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class Account(Base):
    __tablename__ = "accounts"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class AuthToken(Base):
    """A login: only the token's keyed hash is kept; revoked_at set on logout or account change."""

    __tablename__ = "auth_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class ClientStream(Base):
    """A desktop's mutation stream: the highest seq applied (its row lock serialises that client's pushes)."""

    __tablename__ = "client_streams"
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_username: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime]


class DeskKey(Base):
    """Which desk owns a client id: the hash of the secret it sent at its first login (trust on first use)."""

    __tablename__ = "desk_keys"
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    bound_by: Mapped[str] = mapped_column(String(64))
    bound_at: Mapped[datetime]


class LoginEvent(Base):
    """Every login and refusal (never a password): the admin's login log and the throttle's memory."""

    __tablename__ = "login_events"
    __table_args__ = (
        Index("ix_login_events_username_at", "username", "at"),
        Index("ix_login_events_address_at", "address", "at"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime]
    username: Mapped[str] = mapped_column(String(64))  # as typed (lower-cased, cut): unknown names too
    address: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(20))  # ok | wrong | locked | disabled | desk_taken | unlocked


class AppliedMutation(Base):
    """The stored result of (client_id, seq), returned to every retry."""

    __tablename__ = "applied_mutations"
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    mutation_id: Mapped[str] = mapped_column(String(64), index=True)
    username: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(Json)
    applied_at: Mapped[datetime]


class Ticket(Base):
    """A ticket; `field_meta` = {field: [version, writer's role rank]} of fields edited since creation."""

    __tablename__ = "tickets"
    pk: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(20), default="")
    citizen_id: Mapped[str | None] = mapped_column(String(36), default=None)
    citizen_name: Mapped[str] = mapped_column(String(200), default="")
    citizen_address: Mapped[str] = mapped_column(String(300), default="")
    request_type: Mapped[str] = mapped_column(String(30))
    level: Mapped[int] = mapped_column(Integer)
    is_tthc: Mapped[bool] = mapped_column(Boolean, default=False)
    tthc_code: Mapped[str] = mapped_column(String(40), default="")
    field_code: Mapped[str | None] = mapped_column(String(64), default=None)
    unit_code: Mapped[str | None] = mapped_column(String(64), default=None)
    content: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    satisfaction: Mapped[str] = mapped_column(String(20))
    dissatisfaction_reason: Mapped[str | None] = mapped_column(String(30), default=None)
    deadline: Mapped[date | None] = mapped_column(Date, default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    call_id: Mapped[str | None] = mapped_column(String(36), default=None)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    creator_rank: Mapped[int] = mapped_column(Integer, default=1)
    field_meta: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    origin_client: Mapped[str] = mapped_column(String(64), default="")
    # Published answers (#17 point 5): the citizen's choice, the texts rewritten without personal data, and
    # those texts folded (protocol.folding) for the public page's search; only the server keeps the last.
    publication: Mapped[str] = mapped_column(String(20), default="chua_hoi")
    public_question: Mapped[str] = mapped_column(Text, default="")
    public_answer: Mapped[str] = mapped_column(Text, default="")
    public_search: Mapped[str] = mapped_column(Text, default="")
    return_reason: Mapped[str] = mapped_column(Text, default="")  # the unit's, while the ticket is back
    unit_answered_at: Mapped[datetime | None] = mapped_column(default=None)
    called_back_at: Mapped[datetime | None] = mapped_column(default=None)
    # Who set called_back_at / resolved_at (protocol.STAMPED_TICKET_FIELDS): the authenticated account, never
    # the desk's word; NULL with them, and on old rows whose revisions did not say (migration 0023).
    called_back_by: Mapped[str | None] = mapped_column(String(64), default=None)
    resolved_by: Mapped[str | None] = mapped_column(String(64), default=None)
    # The catalog area the citizen's address names ("" none), stamped after a push (server.services.
    # ticket_areas) for the report's table by area; NULL until stamped, and again when the address changes.
    area_code: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)

    __table_args__ = (
        Index(
            "ix_tickets_published",
            "resolved_at",
            "pk",
            postgresql_where=text("publication = 'cong_khai'"),
            sqlite_where=text("publication = 'cong_khai'"),
        ),
        # The public search's words anywhere in the folded texts (LIKE '% word%'): trigrams, PostgreSQL only
        # (migration 0015 creates it where pg_trgm is available).
        Index(
            "ix_tickets_public_search_trgm",
            "public_search",
            postgresql_using="gin",
            postgresql_ops={"public_search": "gin_trgm_ops"},
            postgresql_where=text("publication = 'cong_khai'"),
        ),
        Index("ix_tickets_received", "received_at", "pk"),
        Index("ix_tickets_phone_received", "phone", "received_at", "status"),
        Index("ix_tickets_status_received", "status", "received_at"),
        Index("ix_tickets_unit_received", "unit_code", "received_at"),
        # The few tickets not stamped yet, whose address the report's table by area reads (migration 0018).
        Index(
            "ix_tickets_area_unstamped",
            "received_at",
            postgresql_where=text("area_code IS NULL"),
            sqlite_where=text("area_code IS NULL"),
        ),
    )


class Call(Base):
    __tablename__ = "calls"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    direction: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str] = mapped_column(String(20))
    citizen_id: Mapped[str | None] = mapped_column(String(36), default=None)
    operator: Mapped[str] = mapped_column(String(64), default="")
    started_at: Mapped[datetime]
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome: Mapped[str] = mapped_column(String(20))
    ticket_id: Mapped[str | None] = mapped_column(String(36), default=None)
    sip_call_id: Mapped[str | None] = mapped_column(String(200), default=None)
    origin_client: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (
        Index("ix_calls_phone_started", "phone", "started_at"),
        Index("ix_calls_started", "started_at"),
    )


class SurveyAttempt(Base):
    """One satisfaction call-back and what came of it (the rating itself is a ticket update)."""

    __tablename__ = "survey_attempts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), index=True)
    at: Mapped[datetime]
    operator: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(20))  # a satisfaction code, or khong_nghe_may
    reason: Mapped[str | None] = mapped_column(String(30), default=None)
    call_id: Mapped[str | None] = mapped_column(String(36), default=None)
    origin_client: Mapped[str] = mapped_column(String(64), default="")
    recorded_by: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (Index("ix_survey_attempts_at", "at"),)


class Conflict(Base):
    """Two concurrent edits of one free-text field: the ticket keeps server_value, this keeps the other."""

    __tablename__ = "conflicts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(40))
    base_value: Mapped[str | None] = mapped_column(Text, default=None)
    server_value: Mapped[str | None] = mapped_column(Text, default=None)
    client_value: Mapped[str | None] = mapped_column(Text, default=None)
    client_id: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    settled_by: Mapped[str | None] = mapped_column(String(64), default=None)
    settled_at: Mapped[datetime | None] = mapped_column(default=None)


class Unit(Base):
    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column(String(20), default="khac")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    merged_into: Mapped[str | None] = mapped_column(String(64), default=None)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Field(Base):
    __tablename__ = "fields"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)


class LevelRule(Base):
    __tablename__ = "levels"
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    deadline_working_days: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Holiday(Base):
    __tablename__ = "holidays"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    is_working_day: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)


class CentralSetting(Base):
    """A setting the centre decides for every desk (protocol/records.py CENTRAL_SETTINGS)."""

    __tablename__ = "central_settings"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)


class KbQa(Base):
    __tablename__ = "kb_qa"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(Json, default=list)
    procedures: Mapped[list[str]] = mapped_column(Json, default=list)
    author: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)


class Presence(Base):
    """An operator's last reported state, stamped with the server's clock."""

    __tablename__ = "presence"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(200), default="")
    since: Mapped[datetime]
    updated_at: Mapped[datetime]
    agent_state: Mapped[str] = mapped_column(String(40), default="san_sang", server_default="san_sang")
    agent_state_since: Mapped[datetime | None]
    after_call_day: Mapped[date | None] = mapped_column(Date)  # Vietnam's day of after_call_seconds
    after_call_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class UnitAccount(Base):
    """A person at a unit (department, district, commune) who answers forwarded tickets on the web page.
    Bound to one unit; never a desk account: it reaches the units' pages and nothing of the sync API."""

    __tablename__ = "unit_accounts"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(64), index=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class UnitSession(Base):
    """A signed-in browser: the cookie's keyed hash, and the CSRF token its forms carry."""

    __tablename__ = "unit_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class Forwarding(Base):
    """A ticket sent to a unit: its deadline in working days, and each step after (answered, returned
    as not its competence, more time asked and granted or refused), timestamped and attributed."""

    __tablename__ = "forwardings"
    __table_args__ = (Index("ix_forwardings_unit_state_deadline", "unit_code", "state", "deadline"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36), index=True)
    unit_code: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))  # forwarded | answered | returned
    forwarded_at: Mapped[datetime]
    forwarded_by: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[date] = mapped_column(Date)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_by: Mapped[str] = mapped_column(String(64), default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    attachment: Mapped[str] = mapped_column(String(200), default="")  # file name in the server's folder
    returned_at: Mapped[datetime | None] = mapped_column(default=None)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    extension_state: Mapped[str] = mapped_column(String(20), default="")  # asked | granted | refused
    extension_asked_at: Mapped[datetime | None] = mapped_column(default=None)
    extension_asked_by: Mapped[str] = mapped_column(String(64), default="")
    extension_decided_at: Mapped[datetime | None] = mapped_column(default=None)
    extension_decided_by: Mapped[str] = mapped_column(String(64), default="")
    # Its ticket's tickets.area_code, copied by PostgreSQL's triggers (migration 0018), never written here.
    area_code: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    # The desks' copy (feed entity "forwarding", migration 0022): one more at every step
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    first_deadline: Mapped[date | None] = mapped_column(Date, nullable=True, default=None)  # at the forward
    # Requests for more time answered before the unit asked again: {asked_at, asked_by, reason, days,
    # state, decided_at, decided_by, deadline}, oldest first (the extension_* columns hold the latest)
    earlier_extensions: Mapped[list[dict[str, Any]]] = mapped_column(
        Json, default=list, server_default=text("'[]'")
    )


class TicketRevision(Base):
    """One change of a ticket as the server applied it: who, when, from which desk, and each field's value
    before and after ({field: [old, new]}), so a supervisor can see and restore an overwritten text.
    A ticket's first version is its row as created; every later one is here."""

    __tablename__ = "ticket_revisions"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    username: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(64))
    changes: Mapped[dict[str, Any]] = mapped_column(Json)

    __table_args__ = (Index("ix_ticket_revisions_ticket", "ticket_id", "version"),)


class AccessEntry(Base):
    """One look at a citizen's data (a desk's screen, a unit's page), in an append-only chain: each entry
    holds the hash of the one before, so a deleted or edited entry breaks every hash after it. The
    database refuses UPDATE and DELETE on it (a trigger), supervisors and admins alike."""

    __tablename__ = "access_trail"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(64))  # the desk's client id, or "web"
    subject_kind: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(80), index=True)
    screen: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(20))
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    # Version 2 entries hash a keyed digest of the subject, not the subject: an erasure may then replace the
    # subject (and only it: the trigger) without breaking the chain, and "who saw X" still finds them.
    subject_digest: Mapped[str] = mapped_column(String(64), default="", index=True)
    hash_version: Mapped[int] = mapped_column(Integer, default=1)


class AccessRechain(Base):
    """A re-computation of the access trail's hashes (migration 0013 turned version-1 entries, which hash the
    citizen's number itself, into version-2 ones hashing its digest): what was rewritten, the chain's head
    before and after, and whether the chain held before. Append-only like the trail; the same event is
    also an entry of the trail (kind "trail", reason "rechain", subject the head before)."""

    __tablename__ = "access_trail_rechains"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    revision: Mapped[str] = mapped_column(String(32))
    entries: Mapped[int] = mapped_column(Integer)  # the trail's entries when it ran
    converted: Mapped[int] = mapped_column(Integer)  # version-1 entries now version 2
    rehashed: Mapped[int] = mapped_column(Integer)  # entries whose hashes changed (those and every later one)
    first_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    head_before: Mapped[str] = mapped_column(String(64))
    head_after: Mapped[str] = mapped_column(String(64))
    # "" when the chain verified before; else where it broke, kept broken in the same place after
    broken_before: Mapped[str] = mapped_column(Text, default="")


class MailMessage(Base):
    """A mail to a unit, queued in the transaction of the step it announces and sent by `send-mail` (cron):
    a failing SMTP server delays the mail, never the forward; attempts and the last error are kept."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_pending", "sent_at", "id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    forwarding_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # forwarded | due_tomorrow | overdue
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class LookupAttempt(Base):
    """A citizen's look-up of a ticket on the public page (code + last four digits): the throttle's memory.
    Kept a day; the code as typed (a ticket code is not personal), never the digits."""

    __tablename__ = "lookup_attempts"
    __table_args__ = (
        Index("ix_lookup_attempts_address_at", "address", "at"),
        Index("ix_lookup_attempts_code_at", "code", "at"),
        Index("ix_lookup_attempts_at", "at"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime]
    address: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(40))
    found: Mapped[bool] = mapped_column(Boolean)
