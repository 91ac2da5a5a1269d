"""0019 and 0020 corrected tickets' step fields in place (`unit_answered_at` set for the answered tickets,
emptied for those forwarded again), but a desk learns a ticket's state only from the change feed, which
still held the ticket as it was last published: a desk saw the correction at the ticket's next edit on the
server, maybe never. The tickets whose published step fields differ from their columns are listed in
`feed_stale`; the server publishes each again when it starts, after the migrations
(server.services.feed_refresh), with a new version and a new feed position.

Why the listing and not the publishing here: a ticket is published as server.services.tickets.ticket_data
serialises it, through the ORM model, and both follow the newest schema, not this revision's (a later
revision adding a ticket column would make an import of them here fail on a database upgraded from 0020).
Copying the serialiser here would freeze a second one beside the live one. So this revision holds only SQL
that is true at 0021 (the feed row and the two columns it compares) and the one serialiser runs once the
schema and the code agree. `feed_stale` is kept for any later correction made the same way.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 05:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STEP_FIELDS = ("unit_answered_at", "called_back_at")
# A feed row written before 0019 has no such key: NULL, the same as a ticket 0019 did not mark.
_DIFFERS = {
    "postgresql": "CAST(f.data ->> '{name}' AS timestamptz) IS DISTINCT FROM t.{name}",
    "sqlite": "datetime(json_extract(f.data, '$.{name}')) IS NOT datetime(t.{name})",
}


def upgrade() -> None:
    op.create_table(
        "feed_stale",
        sa.Column("entity", sa.String(30), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("entity", "entity_id", name="pk_feed_stale"),
    )
    differs = " OR ".join(_DIFFERS[op.get_bind().dialect.name].format(name=name) for name in STEP_FIELDS)
    op.execute(
        "INSERT INTO feed_stale (entity, entity_id) SELECT 'ticket', t.id FROM tickets t"
        " JOIN feed f ON f.entity = 'ticket' AND f.entity_id = t.id AND NOT f.tombstone"
        f" WHERE {differs}"
    )


def downgrade() -> None:
    op.drop_table("feed_stale")
