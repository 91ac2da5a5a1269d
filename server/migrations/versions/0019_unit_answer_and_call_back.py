"""When a unit's answer reached a ticket and when an operator called the citizen back with it (issue #17
points 1-2): synced ticket fields, so every desk shows the same step and queues the "answer ready" call once.
Tickets a unit already answered get the moment of their last answer.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("tickets") as table:
        table.add_column(sa.Column("unit_answered_at", WHEN, nullable=True))
        table.add_column(sa.Column("called_back_at", WHEN, nullable=True))
    op.execute(
        "UPDATE tickets SET unit_answered_at = (SELECT max(f.answered_at) FROM forwardings AS f "
        "WHERE f.ticket_id = tickets.id AND f.state = 'answered') "
        "WHERE id IN (SELECT ticket_id FROM forwardings WHERE state = 'answered')"
    )


def downgrade() -> None:
    with op.batch_alter_table("tickets") as table:
        table.drop_column("called_back_at")
        table.drop_column("unit_answered_at")
