"""Published answers (issue #17 point 5): a ticket's publication choice and its texts rewritten for the
public page, their folded search text, and the citizens' look-ups that the throttle counts.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLISHED = "publication = 'cong_khai'"


def upgrade() -> None:
    # The server defaults fill the rows already there (and stay: SQLite trials cannot drop them).
    op.add_column(
        "tickets", sa.Column("publication", sa.String(20), nullable=False, server_default="chua_hoi")
    )
    op.add_column("tickets", sa.Column("public_question", sa.Text(), nullable=False, server_default=""))
    op.add_column("tickets", sa.Column("public_answer", sa.Text(), nullable=False, server_default=""))
    op.add_column("tickets", sa.Column("public_search", sa.Text(), nullable=False, server_default=""))
    op.create_index(
        "ix_tickets_published",
        "tickets",
        ["resolved_at", "pk"],
        postgresql_where=sa.text(PUBLISHED),
        sqlite_where=sa.text(PUBLISHED),
    )
    op.create_table(
        "lookup_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lookup_attempts")),
    )
    op.create_index("ix_lookup_attempts_address_at", "lookup_attempts", ["address", "at"])
    op.create_index("ix_lookup_attempts_code_at", "lookup_attempts", ["code", "at"])
    op.create_index("ix_lookup_attempts_at", "lookup_attempts", ["at"])


def downgrade() -> None:
    op.drop_table("lookup_attempts")
    op.drop_index("ix_tickets_published", table_name="tickets")
    for column in ("public_search", "public_answer", "public_question", "publication"):
        op.drop_column("tickets", column)
