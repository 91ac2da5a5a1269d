"""Forwardings reach the desks (issue #17 point 1): each one is a server-owned record in the change feed,
with a version that grows at every step, the deadline it was given when forwarded, and the requests for
more time a unit made before its latest one. Every forwarding made before this revision is listed in
`feed_stale` (0021's list), so the server publishes each through its one serialiser
(server.services.forwarding.forwarding_data) when it starts, after everything already in the feed: a desk
gets them all at its next pull, from whatever cursor it stands at, with no full re-pull and nothing special
on the desk's side (its cursor cannot tell a first pull from a resumed one).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 05:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("forwardings") as table:
        table.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))
        table.add_column(sa.Column("first_deadline", sa.Date(), nullable=True))
        table.add_column(
            sa.Column("earlier_extensions", JSON, nullable=False, server_default=sa.text("'[]'"))
        )
    # A deadline no supervisor moved is the one the forward gave; a moved one's first is not known any more.
    op.execute("UPDATE forwardings SET first_deadline = deadline WHERE extension_state != 'granted'")
    op.execute("INSERT INTO feed_stale (entity, entity_id) SELECT 'forwarding', id FROM forwardings")


def downgrade() -> None:
    op.execute("DELETE FROM feed_stale WHERE entity = 'forwarding'")
    op.execute("DELETE FROM feed WHERE entity = 'forwarding'")  # a release before this one publishes none
    with op.batch_alter_table("forwardings") as table:
        table.drop_column("earlier_extensions")
        table.drop_column("first_deadline")
        table.drop_column("version")
