"""A unit's request for more time and the supervisor's answer, timestamped and attributed (issue #17
point 1: every step of a ticket says when and who), like the forward, the answer and the return already are.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Constant defaults: PostgreSQL 11+ adds the columns without rewriting the table.
    with op.batch_alter_table("forwardings") as table:
        table.add_column(sa.Column("extension_asked_at", WHEN, nullable=True))
        table.add_column(sa.Column("extension_asked_by", sa.String(64), nullable=False, server_default=""))
        table.add_column(sa.Column("extension_decided_at", WHEN, nullable=True))
        table.add_column(sa.Column("extension_decided_by", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("forwardings") as table:
        for name in (
            "extension_decided_by",
            "extension_decided_at",
            "extension_asked_by",
            "extension_asked_at",
        ):
            table.drop_column(name)
