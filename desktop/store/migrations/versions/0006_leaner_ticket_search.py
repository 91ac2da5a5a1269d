"""A leaner free-text index of tickets: no codes or phone numbers in it.

Codes and phone numbers are found through their own indexes: their million unique tokens made the
index twice as costly to write during an import. The entries are rebuilt from the tickets with the words
`desktop.services.tickets.ticket_search_body` gives (name, TTHC code, content, answer; đ as d).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 18:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TOKENIZE = "unicode61 remove_diacritics 2"


_OPTIONS = "detail='none', prefix='2 3'"


def _rebuild(body_sql: str) -> None:
    op.execute("DROP TABLE IF EXISTS ticket_fts")
    op.execute(
        f"CREATE VIRTUAL TABLE ticket_fts USING fts5(body, content='', tokenize='{_TOKENIZE}', {_OPTIONS})"
    )
    op.execute(
        "INSERT INTO ticket_fts(rowid, body) "
        f"SELECT pk, replace(replace({body_sql}, 'đ', 'd'), 'Đ', 'D') FROM tickets"
    )


def upgrade() -> None:
    _rebuild(
        "coalesce(citizen_name, '') || ' ' || coalesce(tthc_code, '') || ' ' "
        "|| coalesce(content, '') || ' ' || coalesce(answer, '')",
    )


def downgrade() -> None:
    _rebuild(
        "code || ' ' || coalesce(phone, '') || ' 0' || substr(coalesce(phone, ''), 4) || ' ' "
        "|| coalesce(citizen_name, '') || ' ' || coalesce(tthc_code, '') || ' ' "
        "|| coalesce(content, '') || ' ' || coalesce(answer, '')",
    )
