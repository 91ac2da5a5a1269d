"""Login events: the login log and the memory of the login throttle (issue #18, point 6).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_events",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_events")),
    )
    op.create_index("ix_login_events_username_at", "login_events", ["username", "at"])
    op.create_index("ix_login_events_address_at", "login_events", ["address", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_events_address_at", table_name="login_events")
    op.drop_index("ix_login_events_username_at", table_name="login_events")
    op.drop_table("login_events")
