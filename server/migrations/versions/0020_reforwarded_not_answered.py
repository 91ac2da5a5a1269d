"""A ticket forwarded again after a unit answered it waits for the new unit's answer (issue #17 points 1-2):
0019 gave every ticket with an answered forwarding that answer's moment as `unit_answered_at`, also when
the ticket went to another unit afterwards; those lose it, as a new forward empties it from now on.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 03:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The desks get the emptied field with the ticket's next edit (every edit carries the whole ticket).
    op.execute(
        "UPDATE tickets SET unit_answered_at = NULL WHERE unit_answered_at IS NOT NULL AND EXISTS "
        "(SELECT 1 FROM forwardings AS f WHERE f.ticket_id = tickets.id "
        "AND f.forwarded_at > tickets.unit_answered_at)"
    )


def downgrade() -> None:
    pass  # 0019's downgrade drops the column; the moment a re-forward emptied is not the ticket's step
