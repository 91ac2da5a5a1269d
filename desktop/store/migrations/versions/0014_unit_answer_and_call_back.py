"""When a unit's answer reached a ticket and when an operator called the citizen back with it (issue #17
points 1-2): synced ticket fields, so every desk shows the same step and queues the "answer ready" call once.
The desk's own record of both is copied in: a reached answer-ready callback, a unit's last edit.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("unit_answered_at", "called_back_at")


def upgrade() -> None:
    # ADD COLUMN with no default: SQLite rewrites nothing, a million-ticket store upgrades at once.
    for name in COLUMNS:
        op.add_column("tickets", sa.Column(name, sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE tickets SET unit_answered_at = updated_at "
        "WHERE updated_by LIKE 'don-vi:%' AND answer != '' AND level > 1"
    )
    op.execute(
        "UPDATE tickets SET called_back_at = (SELECT max(c.updated_at) FROM callbacks AS c "
        "WHERE c.ticket_id = tickets.id AND c.kind = 'tra_loi' AND c.status = 'xong' "
        "AND c.last_outcome = 'gap_duoc') "
        "WHERE id IN (SELECT ticket_id FROM callbacks WHERE kind = 'tra_loi' AND status = 'xong' "
        "AND last_outcome = 'gap_duoc')"
    )


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+): a batch copy would drop the tickets table under its history's keys.
    for name in COLUMNS:
        op.execute(f"ALTER TABLE tickets DROP COLUMN {name}")
