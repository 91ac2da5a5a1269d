"""Agent states on the presence row (issue #12 point 9): the operator's chosen state (ready, a break, a
meeting, …: the vocabulary's agent_state codes) with the server time it began, and the day's after-call
work (wrap-up) seconds, counted by the server from the wrap-up states it was told of.

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
    op.add_column(
        "presence", sa.Column("agent_state", sa.String(40), nullable=False, server_default="san_sang")
    )
    op.add_column("presence", sa.Column("agent_state_since", sa.DateTime(timezone=True), nullable=True))
    op.add_column("presence", sa.Column("after_call_day", sa.Date(), nullable=True))
    op.add_column("presence", sa.Column("after_call_seconds", sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    for column in ("after_call_seconds", "after_call_day", "agent_state_since", "agent_state"):
        op.drop_column("presence", column)
