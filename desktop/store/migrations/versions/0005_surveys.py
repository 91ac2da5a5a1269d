"""Supervisors: satisfaction survey attempts and answers (issue #7).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_attempts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("call_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_survey_attempts_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_attempts")),
    )
    op.create_index("ix_survey_attempts_ticket_at", "survey_attempts", ["ticket_id", "at"])
    op.create_index("ix_survey_attempts_at", "survey_attempts", ["at"])
    op.create_index(
        "ix_tickets_survey_due",
        "tickets",
        ["resolved_at"],
        sqlite_where=sa.text("status = 'da_xu_ly' AND satisfaction = 'chua_danh_gia'"),
    )
    op.create_index(
        "ix_tickets_open_deadline",
        "tickets",
        ["deadline", "unit_code"],
        sqlite_where=sa.text("status = 'dang_xu_ly'"),
    )
    op.create_index("ix_calls_started", "calls", ["started_at", "direction", "outcome"])


def downgrade() -> None:
    op.drop_index("ix_calls_started", table_name="calls")
    op.drop_index("ix_tickets_open_deadline", table_name="tickets")
    op.drop_index("ix_tickets_survey_due", table_name="tickets")
    op.drop_index("ix_survey_attempts_at", table_name="survey_attempts")
    op.drop_index("ix_survey_attempts_ticket_at", table_name="survey_attempts")
    op.drop_table("survey_attempts")
