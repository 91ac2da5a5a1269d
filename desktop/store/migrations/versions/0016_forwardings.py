"""The server's forwardings of tickets to units (issue #17 point 1): every step of a ticket with its units
(forwarded, more time asked and granted or refused, answered, returned) with its moment and author, for
the ticket's history on the desk. Filled by the sync's pull only: the server's migration 0022 put every
forwarding made before it in the feed, so a desk upgraded from here gets them at its next pull.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 05:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.String(length=32)
DAY = sa.String(length=10)


def upgrade() -> None:
    op.create_table(
        "forwardings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("ticket_id", sa.String(length=36), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("forwarded_at", WHEN, nullable=False),
        sa.Column("forwarded_by", sa.String(length=64), nullable=False),
        sa.Column("deadline", DAY, nullable=True),
        sa.Column("first_deadline", DAY, nullable=True),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("has_attachment", sa.Boolean(), nullable=False),
        sa.Column("returned_at", WHEN, nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("extension_state", sa.String(length=20), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("extension_days", sa.Integer(), nullable=False),
        sa.Column("extension_asked_at", WHEN, nullable=True),
        sa.Column("extension_asked_by", sa.String(length=64), nullable=False),
        sa.Column("extension_decided_at", WHEN, nullable=True),
        sa.Column("extension_decided_by", sa.String(length=64), nullable=False),
        sa.Column("earlier_extensions", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forwardings")),
    )
    op.create_index(op.f("ix_forwardings_ticket_id"), "forwardings", ["ticket_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_forwardings_ticket_id"), table_name="forwardings")
    op.drop_table("forwardings")
