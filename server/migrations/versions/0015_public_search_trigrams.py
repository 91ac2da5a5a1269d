"""A trigram index (pg_trgm) for the public answers' search (issue #17 point 5): `/cong-khai/?q=` looks for
words anywhere in the folded texts (`LIKE '% word%'`), which no B-tree can answer; GIN trigrams over the
published rows' `public_search` let PostgreSQL read only the rows holding the word's trigrams.

pg_trgm ships with PostgreSQL (Debian's postgresql-15) and is a trusted extension (PostgreSQL 13+): the
database's owner may create it. Where it is missing or not allowed, the search stays a scan, as before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 22:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_tickets_public_search_trgm"
PUBLISHED = "publication = 'cong_khai'"
_MAY_HAVE_TRIGRAMS = """
SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')
    OR (EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm')
        AND has_database_privilege(current_database(), 'CREATE'))
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not bind.execute(sa.text(_MAY_HAVE_TRIGRAMS)).scalar():
        return  # SQLite trials, or a PostgreSQL without pg_trgm: the search scans the published rows
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        INDEX,
        "tickets",
        ["public_search"],
        postgresql_using="gin",
        postgresql_ops={"public_search": "gin_trgm_ops"},
        postgresql_where=sa.text(PUBLISHED),
    )


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")  # the extension stays: other databases' objects may use it
