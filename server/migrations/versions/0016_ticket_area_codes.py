"""The area of each ticket's citizen address, stored (issue #17 point 8: the report by area over 1M tickets):
read once by the catalog's matcher (reports.areas) instead of at every report. On PostgreSQL a trigger
empties it when the address changes, so a stale area is never counted: the report reads the address of a
ticket with none. The tickets already held are stamped here, one UPDATE per distinct address.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FORGET = """
CREATE FUNCTION tickets_forget_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.area_code := NULL;
  RETURN NEW;
END $$;
CREATE TRIGGER tickets_area_follows_address BEFORE UPDATE OF citizen_address ON tickets
  FOR EACH ROW WHEN (OLD.citizen_address IS DISTINCT FROM NEW.citizen_address)
  EXECUTE FUNCTION tickets_forget_area();
"""


def upgrade() -> None:
    op.add_column("tickets", sa.Column("area_code", sa.String(64), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite's report reads the addresses: nothing would keep the column true there
    op.execute(_FORGET)
    from server.services.ticket_areas import stamp_all

    stamp_all(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS tickets_area_follows_address ON tickets")
        op.execute("DROP FUNCTION IF EXISTS tickets_forget_area()")
    op.drop_column("tickets", "area_code")
