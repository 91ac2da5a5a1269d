"""0014's backfill of `unit_answered_at`, corrected with what else the desk knew (issue #17 points 1-2).
A ticket a unit returned (its last edit the unit's, an operator's note in the answer field) got the
return's moment as if the unit had answered: a returned ticket has no unit's answer. A ticket a unit
answered and an operator edited afterwards got none: the "answer ready" item the desk queued for it (only
ever for a unit's answer) gives the moment the answer came.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 03:25:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE tickets SET unit_answered_at = NULL WHERE return_reason != ''")
    # A ticket forwarded again since is shown answered until the server's next edit of it (every edit
    # carries the whole ticket, the server's emptied field too): the desk kept no record of forwards.
    op.execute(
        "UPDATE tickets SET unit_answered_at = (SELECT min(c.created_at) FROM callbacks AS c "
        "WHERE c.ticket_id = tickets.id AND c.kind = 'tra_loi') "
        "WHERE unit_answered_at IS NULL AND return_reason = '' AND answer != '' AND level > 1 "
        "AND id IN (SELECT ticket_id FROM callbacks WHERE kind = 'tra_loi')"
    )


def downgrade() -> None:
    pass  # 0014's downgrade drops the column; the corrected moments are no other state to undo
