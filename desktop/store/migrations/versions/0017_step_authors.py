"""Who called the citizen back and who resolved the ticket (issue #17 point 1), as the server stamped them
from the authenticated account (protocol.STAMPED_TICKET_FIELDS): filled by the pull, and by this desk for
its own operator's step until the server's stamp comes back. Never pushed. Old tickets get them from the
server, which lists the ones it knows for the desks (server migration 0023); until then the desk's history
names its own operators' steps, and a step of another desk's nobody knows stays unnamed.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("called_back_by", "resolved_by")


def upgrade() -> None:
    # ADD COLUMN with no default: SQLite rewrites nothing, a million-ticket store upgrades at once.
    for name in COLUMNS:
        op.add_column("tickets", sa.Column(name, sa.String(length=64), nullable=True))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+): a batch copy would drop the tickets table under its history's keys.
    for name in reversed(COLUMNS):
        op.execute(f"ALTER TABLE tickets DROP COLUMN {name}")
