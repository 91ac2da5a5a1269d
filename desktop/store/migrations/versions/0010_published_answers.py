"""Published answers (issue #17 point 5): a ticket's publication choice and its question and answer
rewritten for the server's public page.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN with a constant default: SQLite rewrites nothing, a million-ticket store upgrades at once.
    op.add_column(
        "tickets", sa.Column("publication", sa.String(20), nullable=False, server_default="chua_hoi")
    )
    op.add_column("tickets", sa.Column("public_question", sa.Text(), nullable=False, server_default=""))
    op.add_column("tickets", sa.Column("public_answer", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+): a batch copy would drop the tickets table under its history's keys.
    for column in ("public_answer", "public_question", "publication"):
        op.execute(f"ALTER TABLE tickets DROP COLUMN {column}")
