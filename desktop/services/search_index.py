"""The free-text index of tickets: folded words (no diacritics) of code, caller, content, answer."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from desktop.domain.text import fold

_WORD = re.compile(r"\w+")


_INSERT = text("INSERT INTO ticket_fts(rowid, body) VALUES (:pk, :body)")


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


def index_ticket(session: Session, pk: int, body: str, *, replace: bool) -> None:
    if replace:
        session.execute(text("DELETE FROM ticket_fts WHERE rowid = :pk"), {"pk": pk})
    session.execute(_INSERT, {"pk": pk, "body": body})


def index_new_tickets(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Index many new tickets at once (rows of `pk` and `body`), in the caller's transaction."""
    if rows:
        connection.execute(_INSERT, rows)


def match_expression(query: str) -> str | None:
    """An FTS5 query where every typed word must start a word of the ticket: `cap lai cccd`."""
    words = _WORD.findall(fold(query))
    if not words:
        return None
    return " AND ".join(f'"{word}"*' for word in words)
