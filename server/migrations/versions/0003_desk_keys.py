"""Desk keys: a client id belongs to the desk that first logged in with it (issue #13, point 3).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 15:50:00
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
        "desk_keys",
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("bound_by", sa.String(length=64), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_desk_keys")),
    )


def downgrade() -> None:
    op.drop_table("desk_keys")
