"""The report with the on-time tables over 1M tickets in ≤ 2 s (issue #17 point 8):

- each forwarding carries its ticket's area code (forwardings.area_code), kept equal to tickets.area_code by
  triggers, so the per-area tally counts the year's forwardings without joining the 1M tickets (a ticket's
  address read only for a forwarding whose ticket is not stamped);
- the planner is told how few groups the report's GROUP BY makes (extended ndistinct statistics on its
  eight columns): it multiplied their distinct counts, expected ~80k groups for ~150 and sorted 1M rows
  on disk instead of hashing them;
- the tickets per area are counted by their stored code (a parallel hash of two short columns) apart from
  the few not stamped yet, found by a partial index, whose addresses are read.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATISTICS = "st_tickets_report_groups"
UNSTAMPED = "ix_tickets_area_unstamped"
# The columns of reports.engine's GROUP BY (at most 8 for one statistics object).
_REPORT_COLUMNS = (
    "unit_code, status, level, request_type, channel, is_tthc, satisfaction, dissatisfaction_reason"
)
# A new or re-pointed forwarding takes its ticket's area; a ticket's area, set or forgotten (0016's trigger
# empties it when the address changes), is copied to its forwardings in one statement per UPDATE.
_FOLLOW = """
CREATE FUNCTION forwardings_take_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.area_code := (SELECT t.area_code FROM tickets t WHERE t.id = NEW.ticket_id);
  RETURN NEW;
END $$;
CREATE TRIGGER forwardings_area_follows_ticket BEFORE INSERT OR UPDATE OF ticket_id ON forwardings
  FOR EACH ROW EXECUTE FUNCTION forwardings_take_area();
CREATE FUNCTION tickets_pass_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE forwardings f SET area_code = n.area_code
  FROM new_rows n JOIN old_rows o ON o.pk = n.pk
  WHERE f.ticket_id = n.id AND n.area_code IS DISTINCT FROM o.area_code;
  RETURN NULL;
END $$;
CREATE TRIGGER tickets_area_to_forwardings AFTER UPDATE ON tickets
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tickets_pass_area();
"""


def upgrade() -> None:
    op.add_column("forwardings", sa.Column("area_code", sa.String(64), nullable=True))
    where = sa.text("area_code IS NULL")
    op.create_index(UNSTAMPED, "tickets", ["received_at"], postgresql_where=where, sqlite_where=where)
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite's report reads the addresses: nothing would keep the column true there
    op.execute(_FOLLOW)
    op.execute(
        "UPDATE forwardings f SET area_code = t.area_code FROM tickets t"
        " WHERE t.id = f.ticket_id AND t.area_code IS NOT NULL"
    )
    op.execute(f"CREATE STATISTICS {STATISTICS} (ndistinct) ON {_REPORT_COLUMNS} FROM tickets")
    op.execute("ANALYZE tickets")  # the statistics exist from the next ANALYZE (autovacuum's, or this one)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")
        op.execute("DROP TRIGGER IF EXISTS tickets_area_to_forwardings ON tickets")
        op.execute("DROP FUNCTION IF EXISTS tickets_pass_area()")
        op.execute("DROP TRIGGER IF EXISTS forwardings_area_follows_ticket ON forwardings")
        op.execute("DROP FUNCTION IF EXISTS forwardings_take_area()")
    op.drop_index(UNSTAMPED, "tickets")
    op.drop_column("forwardings", "area_code")
