"""The access log: every display of a citizen's data on this desk (issue #18, point 3).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 16:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("subject_kind", sa.String(10), nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("screen", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_index("ix_access_log_subject", "access_log", ["subject"])


def downgrade() -> None:
    op.drop_index("ix_access_log_subject", table_name="access_log")
    op.drop_table("access_log")
