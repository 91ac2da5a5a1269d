"""The free-text index of tickets: folded words (no diacritics) of code, caller, content, answer."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop.domain.text import fold

_WORD = re.compile(r"\w+")


def searchable_text(*parts: str) -> str:
    return fold(" ".join(part for part in parts if part))


def index_ticket(session: Session, pk: int, body: str, *, replace: bool) -> None:
    if replace:
        session.execute(text("DELETE FROM ticket_fts WHERE rowid = :pk"), {"pk": pk})
    session.execute(text("INSERT INTO ticket_fts(rowid, body) VALUES (:pk, :body)"), {"pk": pk, "body": body})


def match_expression(query: str) -> str | None:
    """An FTS5 query where every typed word must start a word of the ticket: `cap lai cccd`."""
    words = _WORD.findall(fold(query))
    if not words:
        return None
    return " AND ".join(f'"{word}"*' for word in words)
