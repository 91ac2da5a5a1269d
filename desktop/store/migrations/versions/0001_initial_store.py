"""Initial store: catalogs, citizens, tickets, history, calls, outbox, free-text index.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 14:58:00.365537
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "citizens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizens")),
        sa.UniqueConstraint("phone", name=op.f("uq_citizens_phone")),
    )
    op.create_table(
        "code_counters",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_code_counters")),
    )
    op.create_table(
        "fields",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_fields")),
    )
    op.create_table(
        "holidays",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_working_day", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holidays")),
    )
    op.create_table(
        "levels",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("deadline_working_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("level", name=op.f("pk_levels")),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mutation_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("op", sa.String(length=20), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("pushed_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("mutation_id", name=op.f("uq_outbox_mutation_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(
            "ix_outbox_pending", ["seq"], unique=False, sqlite_where=sa.text("pushed_at IS NULL")
        )

    op.create_table(
        "units",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("group", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("merged_into", sa.String(length=64), nullable=True),
        sa.Column("retired_at", sa.String(length=32), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["merged_into"], ["units.code"], name=op.f("fk_units_merged_into_units")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_units")),
    )
    op.create_table(
        "tickets",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("citizen_id", sa.String(length=36), nullable=True),
        sa.Column("citizen_name", sa.String(length=200), nullable=False),
        sa.Column("citizen_address", sa.String(length=300), nullable=False),
        sa.Column("request_type", sa.String(length=30), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("is_tthc", sa.Boolean(), nullable=False),
        sa.Column("tthc_code", sa.String(length=40), nullable=False),
        sa.Column("field_code", sa.String(length=64), nullable=True),
        sa.Column("unit_code", sa.String(length=64), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("satisfaction", sa.String(length=20), nullable=False),
        sa.Column("dissatisfaction_reason", sa.String(length=30), nullable=True),
        sa.Column("deadline", sa.String(length=10), nullable=True),
        sa.Column("resolved_at", sa.String(length=32), nullable=True),
        sa.Column("call_id", sa.String(length=36), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizens.id"], name=op.f("fk_tickets_citizen_id_citizens")),
        sa.ForeignKeyConstraint(["field_code"], ["fields.code"], name=op.f("fk_tickets_field_code_fields")),
        sa.ForeignKeyConstraint(["unit_code"], ["units.code"], name=op.f("fk_tickets_unit_code_units")),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_tickets")),
        sa.UniqueConstraint("code", name=op.f("uq_tickets_code")),
        sa.UniqueConstraint("id", name=op.f("uq_tickets_id")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_citizen", ["citizen_id"], unique=False)
        batch_op.create_index("ix_tickets_phone_received", ["phone", "received_at", "status"], unique=False)
        batch_op.create_index("ix_tickets_received", ["received_at", "pk"], unique=False)
        batch_op.create_index("ix_tickets_status_received", ["status", "received_at"], unique=False)
        batch_op.create_index("ix_tickets_unit_received", ["unit_code", "received_at"], unique=False)

    op.create_table(
        "unit_aliases",
        sa.Column("folded", sa.String(length=200), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["unit_code"], ["units.code"], name=op.f("fk_unit_aliases_unit_code_units")),
        sa.PrimaryKeyConstraint("folded", name=op.f("pk_unit_aliases")),
    )
    with op.batch_alter_table("unit_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_aliases_unit_code"), ["unit_code"], unique=False)

    op.create_table(
        "calls",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("citizen_id", sa.String(length=36), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("answered_at", sa.String(length=32), nullable=True),
        sa.Column("ended_at", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=True),
        sa.Column("sip_call_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizens.id"], name=op.f("fk_calls_citizen_id_citizens")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_calls_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index("ix_calls_phone_started", ["phone", "started_at"], unique=False)

    op.create_table(
        "ticket_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_history_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_history")),
    )
    with op.batch_alter_table("ticket_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_history_ticket_id"), ["ticket_id"], unique=False)

    # Free-text search over folded text (no diacritics); rowid = tickets.pk. Contentless: the
    # words are not stored twice; replacing an entry passes the words it was indexed with.
    op.execute(
        "CREATE VIRTUAL TABLE ticket_fts USING fts5("
        "body, content='', tokenize='unicode61 remove_diacritics 2', detail='none', prefix='2 3')"
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS ticket_fts")

    with op.batch_alter_table("ticket_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_history_ticket_id"))

    op.drop_table("ticket_history")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_phone_started")

    op.drop_table("calls")
    with op.batch_alter_table("unit_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_aliases_unit_code"))

    op.drop_table("unit_aliases")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_unit_received")
        batch_op.drop_index("ix_tickets_status_received")
        batch_op.drop_index("ix_tickets_received")
        batch_op.drop_index("ix_tickets_phone_received")
        batch_op.drop_index("ix_tickets_citizen")

    op.drop_table("tickets")
    op.drop_table("units")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending", sqlite_where=sa.text("pushed_at IS NULL"))
        batch_op.drop_index(batch_op.f("ix_outbox_entity_id"))

    op.drop_table("outbox")
    op.drop_table("meta")
    op.drop_table("levels")
    op.drop_table("holidays")
    op.drop_table("fields")
    op.drop_table("code_counters")
    op.drop_table("citizens")
