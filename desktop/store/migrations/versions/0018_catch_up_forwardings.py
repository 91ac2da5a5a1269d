"""A desk that ran an older release while the server already published forwardings (server 0022) skipped
them in the feed and moved its cursor past them: its history of tickets (0016) would lack every unit's step
taken before its upgrade. The forwardings are listed for a catch-up (desktop.sync.catch_up): the next sync
pulls that entity alone up to the desk's cursor, not the whole feed again.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 07:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # from the feed's start: cheap for a desk that has pulled nothing (its cursor is 0, nothing to catch up)
    op.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('catch_up:forwarding', '0')")


def downgrade() -> None:
    op.execute("DELETE FROM meta WHERE key = 'catch_up:forwarding'")
