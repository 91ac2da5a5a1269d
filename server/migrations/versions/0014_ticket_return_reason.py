"""A ticket a unit returned (issue #17: "không thuộc thẩm quyền"): the unit's reason on the ticket, so it
reaches the desks through the feed; a new forward empties it.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A constant default: PostgreSQL 11+ adds the column without rewriting the table.
    op.add_column("tickets", sa.Column("return_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("tickets", "return_reason")
