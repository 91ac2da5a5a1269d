"""Where a call was transferred (issue #12 point 9): the extension or number that took the citizen over,
desk-only like the call's audio quality (the server's call record has no such field).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 22:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("calls", sa.Column("transferred_to", sa.String(200), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE calls DROP COLUMN transferred_to")
