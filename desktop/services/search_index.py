"""The free-text index of tickets: folded words (no diacritics) of code, caller, content, answer."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from desktop.domain.text import fold

_WORD = re.compile(r"\w+")


_INSERT = text("INSERT INTO ticket_fts(rowid, body) VALUES (:pk, :body)")
_DELETE = text("INSERT INTO ticket_fts(ticket_fts, rowid, body) VALUES ('delete', :pk, :body)")


class _FoldedWords(dict[str, str]):
    """`fold` of single words, remembered: the words of tickets repeat, `fold` costs ~0.1 µs a character.

    `fold` works character by character (đ, NFD, drop combining marks, casefold) and then splits on
    white space, so folding word by word gives the same text; a word that folds to nothing (only
    combining marks) is dropped. Bounded: forgotten wholesale past `LIMIT` words.
    """

    LIMIT = 200_000

    def __missing__(self, word: str) -> str:
        if word.isascii():
            # Codes and phone numbers are new words on every ticket: not worth remembering.
            folded = word.lower()
            if not word.isalpha():
                return folded
        else:
            folded = fold(word)
        if len(self) >= self.LIMIT:
            self.clear()
        self[word] = folded
        return folded


_folded_words = _FoldedWords()


def searchable_text(*parts: str) -> str:
    """`fold` of the parts joined by spaces (what the index and `match_expression` compare)."""
    joined = " ".join(part for part in parts if part)
    if joined.isascii():
        return " ".join(joined.lower().split())
    return " ".join(filter(None, map(_folded_words.__getitem__, joined.split())))


def index_ticket(session: Session, pk: int, body: str, *, old_body: str | None = None) -> None:
    """(Re)index one ticket. The index keeps no copy of the text (contentless, half the size),
    so replacing an entry needs the words it was indexed with: `old_body`."""
    if old_body is not None:
        session.execute(_DELETE, {"pk": pk, "body": old_body})
    session.execute(_INSERT, {"pk": pk, "body": body})


def index_new_tickets(connection: Connection, rows: Sequence[tuple[int, str]]) -> None:
    """Index many new tickets at once ((pk, body) pairs), in the caller's transaction."""
    if rows:
        connection.exec_driver_sql("INSERT INTO ticket_fts(rowid, body) VALUES (?, ?)", rows)


def match_expression(query: str) -> str | None:
    """An FTS5 query where every typed word must start a word of the ticket: `cap lai cccd`."""
    words = _WORD.findall(fold(query))
    if not words:
        return None
    return " AND ".join(f'"{word}"*' for word in words)
