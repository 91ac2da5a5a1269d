"""The free-text index of tickets: folded words (no diacritics) of code, caller, content, answer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from desktop.domain.text import fold

_WORD = re.compile(r"\w+")


# Every statement on the index lives here; the ORM services, the bulk importer and the sync apply
# (raw sqlite3 cursors, qmark style) all use these.
FTS_INSERT_SQL = "INSERT INTO ticket_fts(rowid, body) VALUES (?, ?)"
FTS_DELETE_SQL = "INSERT INTO ticket_fts(ticket_fts, rowid, body) VALUES ('delete', ?, ?)"
FTS_OPTIMIZE_SQL = "INSERT INTO ticket_fts(ticket_fts) VALUES ('optimize')"  # merges away deleted rows' words
FTS_MATCH = text("SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH :match")
_INSERT = text("INSERT INTO ticket_fts(rowid, body) VALUES (:pk, :body)")
_DELETE = text("INSERT INTO ticket_fts(ticket_fts, rowid, body) VALUES ('delete', :pk, :body)")


# The index's tokenizer folds case and removes every diacritic (remove_diacritics 2 handles the
# stacked marks of ệ, ở...), but đ is a letter of its own to Unicode: we turn it into d first.
FTS_TOKENIZE = "unicode61 remove_diacritics 2"


def searchable_text(*parts: str) -> str:
    """The text the index is given: the parts with đ as d; the tokenizer does the rest of `fold`."""
    joined = " ".join(part for part in parts if part)
    # str.replace, not str.translate: translate is ~50 times slower on non-ASCII text.
    return joined.replace("đ", "d").replace("Đ", "D")


# The ticket columns whose words the index keeps, in this order (code and phone have indexes of their own).
SEARCHED_COLUMNS = ("citizen_name", "tthc_code", "content", "answer")
# searchable_text of those columns computed by SQLite from a stored row, for a bulk import: the same
# words (the tokenizer skips the extra spaces of an empty part).
_SEARCHED_SQL = " || ' ' || ".join(SEARCHED_COLUMNS)
TICKET_BODY_SQL = f"replace(replace({_SEARCHED_SQL}, 'đ', 'd'), 'Đ', 'D')"
# A bulk import's rows index themselves from the stored columns: their words never cross processes.
FTS_FILL_RANGE_SQL = (
    f"INSERT INTO ticket_fts(rowid, body) SELECT pk, {TICKET_BODY_SQL} FROM tickets WHERE pk BETWEEN ? AND ?"
)


def index_ticket(session: Session, pk: int, body: str, *, old_body: str | None = None) -> None:
    """(Re)index one ticket. The index keeps no copy of the text (contentless, half the size),
    so replacing an entry needs the words it was indexed with: `old_body`."""
    if old_body is not None:
        session.execute(_DELETE, {"pk": pk, "body": old_body})
    session.execute(_INSERT, {"pk": pk, "body": body})


def index_new_tickets(connection: Connection, rows: Sequence[tuple[int, str]]) -> None:
    """Index many new tickets at once ((pk, body) pairs), in the caller's transaction."""
    if rows:
        connection.exec_driver_sql(FTS_INSERT_SQL, rows)


def match_expression(query: str) -> str | None:
    """An FTS5 query where every typed word must start a word of the ticket: `cap lai cccd`."""
    words = _WORD.findall(fold(query))
    if not words:
        return None
    return " AND ".join(f'"{word}"*' for word in words)
