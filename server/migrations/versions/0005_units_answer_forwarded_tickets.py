"""Forwarded tickets answered by units on the server's web page (issue #17).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "unit_accounts",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_unit_accounts")),
    )
    op.create_index("ix_unit_accounts_unit_code", "unit_accounts", ["unit_code"])
    op.create_table(
        "unit_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_unit_sessions")),
    )
    op.create_index("ix_unit_sessions_username", "unit_sessions", ["username"])
    op.create_table(
        "forwardings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("ticket_id", sa.String(36), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("forwarded_at", WHEN, nullable=False),
        sa.Column("forwarded_by", sa.String(64), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.Column("answered_by", sa.String(64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("attachment", sa.String(200), nullable=False),
        sa.Column("returned_at", WHEN, nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("extension_days", sa.Integer(), nullable=False),
        sa.Column("extension_state", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forwardings")),
    )
    op.create_index("ix_forwardings_ticket_id", "forwardings", ["ticket_id"])
    op.create_index("ix_forwardings_unit_state_deadline", "forwardings", ["unit_code", "state", "deadline"])


def downgrade() -> None:
    op.drop_table("forwardings")
    op.drop_table("unit_sessions")
    op.drop_table("unit_accounts")
