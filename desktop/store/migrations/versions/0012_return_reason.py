"""A ticket a unit returned (issue #17: "không thuộc thẩm quyền"): the unit's reason, synced from the server,
which makes the ticket's step "returned" on the desk until it is forwarded again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN with a constant default: SQLite rewrites nothing, a million-ticket store upgrades at once.
    op.add_column("tickets", sa.Column("return_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+): a batch copy would drop the tickets table under its history's keys.
    op.execute("ALTER TABLE tickets DROP COLUMN return_reason")
