"""Who called the citizen back and who resolved the ticket (issue #17 point 1: every step attributed, on
every desk): called_back_by / resolved_by, stamped by the server from the authenticated account whose edit
set called_back_at / resolved_at (protocol.STAMPED_TICKET_FIELDS) and carried by the feed.

Old rows get the author the server's own revisions name: the account of the latest revision that touched
the moment, when it set it (not emptied it) and was not the server's own correction. A ticket created
already resolved has no such revision (its creator, or an import nobody can name): left empty, and the
desks then say nothing rather than guess. The tickets given an author are listed in feed_stale (0021), so
the server publishes them again at its start and every desk gets the names at its next pull.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAMPS = {"called_back_at": "called_back_by", "resolved_at": "resolved_by"}
SERVER = "may-chu"  # server.services.feed_refresh.CORRECTOR: a migration's correction, no one's step
# Whether a revision touched the moment, and the value it left ({field: [old, new]}).
_TOUCHED = {
    "postgresql": "r.changes -> '{name}' IS NOT NULL",
    "sqlite": "json_extract(r.changes, '$.{name}') IS NOT NULL",
}
_SET_TO = {
    "postgresql": "r.changes -> '{name}' ->> 1",
    "sqlite": "json_extract(r.changes, '$.{name}[1]')",
}


def upgrade() -> None:
    with op.batch_alter_table("tickets") as table:
        for stamp in STAMPS.values():
            table.add_column(sa.Column(stamp, sa.String(64), nullable=True))
    dialect = op.get_bind().dialect.name
    for moment, stamp in STAMPS.items():
        touched, set_to = _TOUCHED[dialect].format(name=moment), _SET_TO[dialect].format(name=moment)
        op.execute(
            f"UPDATE tickets SET {stamp} = (SELECT CASE WHEN {set_to} IS NULL OR r.username = '{SERVER}' "
            "THEN NULL ELSE r.username END FROM ticket_revisions r "
            f"WHERE r.ticket_id = tickets.id AND {touched} ORDER BY r.version DESC, r.id DESC LIMIT 1) "
            f"WHERE {moment} IS NOT NULL"
        )
    op.execute(
        "INSERT INTO feed_stale (entity, entity_id) SELECT 'ticket', t.id FROM tickets t "
        "WHERE (t.called_back_by IS NOT NULL OR t.resolved_by IS NOT NULL) "
        "AND EXISTS (SELECT 1 FROM feed f "
        "WHERE f.entity = 'ticket' AND f.entity_id = t.id AND NOT f.tombstone) "
        "AND NOT EXISTS (SELECT 1 FROM feed_stale s WHERE s.entity = 'ticket' AND s.entity_id = t.id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("tickets") as table:
        for stamp in reversed(STAMPS.values()):
            table.drop_column(stamp)
