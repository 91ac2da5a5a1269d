"""Phone in the desktop: call log dispositions, callback queue and attempts (issue #4).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "call_wrapups",
        sa.Column("call_id", sa.String(length=36), nullable=False),
        sa.Column("disposition", sa.String(length=20), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_call_wrapups_call_id_calls")),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_call_wrapups")),
    )
    op.create_table(
        "callbacks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("call_id", sa.String(length=36), nullable=True),
        sa.Column("ticket_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_at", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_outcome", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_callbacks_call_id_calls")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_callbacks_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callbacks")),
    )
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.create_index("ix_callbacks_status_due", ["status", "due_at"], unique=False)
        batch_op.create_index("ix_callbacks_ticket_kind", ["ticket_id", "kind"], unique=True)
        batch_op.create_index("ix_callbacks_phone", ["phone"], unique=False)
    op.create_table(
        "callback_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("callback_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("call_id", sa.String(length=36), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["callback_id"], ["callbacks.id"], name=op.f("fk_callback_attempts_callback_id_callbacks")
        ),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_callback_attempts_call_id_calls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_attempts")),
    )
    with op.batch_alter_table("callback_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_callback_attempts_callback_id", ["callback_id"], unique=False)
    op.create_table(
        "call_recordings",
        sa.Column("call_id", sa.String(length=36), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_call_recordings_call_id_calls")),
        sa.PrimaryKeyConstraint("call_id", name=op.f("pk_call_recordings")),
    )
    with op.batch_alter_table("call_recordings", schema=None) as batch_op:
        batch_op.create_index("ix_call_recordings_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("call_recordings")
    op.drop_table("callback_attempts")
    op.drop_table("callbacks")
    op.drop_table("call_wrapups")
