"""Survey attempts pushed by desktops (entity survey_attempt).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_attempts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("call_id", sa.String(length=36), nullable=True),
        sa.Column("origin_client", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_attempts")),
    )
    op.create_index("ix_survey_attempts_ticket_id", "survey_attempts", ["ticket_id"])
    op.create_index("ix_survey_attempts_at", "survey_attempts", ["at"])


def downgrade() -> None:
    op.drop_index("ix_survey_attempts_at", table_name="survey_attempts")
    op.drop_index("ix_survey_attempts_ticket_id", table_name="survey_attempts")
    op.drop_table("survey_attempts")
