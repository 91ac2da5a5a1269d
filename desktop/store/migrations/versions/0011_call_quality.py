"""A call's audio quality and protection in the call log (issue #12 point 7, #18 point 5): packets lost, loss
per cent and jitter from RTCP, and whether the audio was encrypted (SRTP). Desk-only: not synced.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("packets_lost", "loss_percent", "jitter_ms", "encrypted")


def upgrade() -> None:
    # Nullable ADD COLUMNs: SQLite rewrites nothing; calls logged before stay "not measured".
    op.add_column("calls", sa.Column("packets_lost", sa.Integer(), nullable=True))
    op.add_column("calls", sa.Column("loss_percent", sa.Float(), nullable=True))
    op.add_column("calls", sa.Column("jitter_ms", sa.Float(), nullable=True))
    op.add_column("calls", sa.Column("encrypted", sa.Boolean(), nullable=True))


def downgrade() -> None:
    # SQLite's own DROP COLUMN (3.35+), as 0010 does: no batch copy of the table.
    for column in reversed(COLUMNS):
        op.execute(f"ALTER TABLE calls DROP COLUMN {column}")
