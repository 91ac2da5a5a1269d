"""Published answers (Decision 31/2021/QĐ-TTg, Art. 43 and 46): which tickets the public page lists, their
folded search text, and the listing itself. Only the texts rewritten for publication leave this module,
with the unit, the field and the day: never a name, a number, an address or the ticket's own texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from protocol.folding import words
from protocol.vocabulary import vocabulary
from server.models import Field, Ticket, Unit

PUBLIC = vocabulary()["publication"].one_with_role("public")
RESOLVED = vocabulary()["status"].one_with_role("resolved")
MAX_QUERY_WORDS = 12
VN = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class PublishedAnswer:
    question: str
    answer: str
    answered_on: date | None
    unit: str
    field: str


def search_text(question: str, answer: str) -> str:
    """The texts' folded words between spaces, so ` word` finds a word starting with it, marks or not."""
    folded = words(f"{question} {answer}")
    return f" {' '.join(folded)} " if folded else ""


def query_words(query: str) -> list[str]:
    """What the citizen typed, folded the knowledge base's way; at most MAX_QUERY_WORDS words."""
    return words(query[:500])[:MAX_QUERY_WORDS]


def _published(session: Session, typed: list[str]) -> ColumnElement[bool]:
    """Public by the citizen's choice, resolved, both texts written; and every typed word starts a word of
    the texts, of the unit's name or of the field's ("so tai nguyen" finds Sở Tài nguyên's answers)."""
    conditions = [
        Ticket.publication == PUBLIC,
        Ticket.status == RESOLVED,
        Ticket.public_question != "",
        Ticket.public_answer != "",
    ]
    units = _catalog_words(session, Unit.code, Unit.name) if typed else {}
    fields = _catalog_words(session, Field.code, Field.name) if typed else {}
    for word in typed:
        # words() keeps letters and digits only: no LIKE wildcard can come through
        either = [Ticket.public_search.contains(f" {word}", autoescape=True)]
        if named := _starting(units, word):
            either.append(Ticket.unit_code.in_(named))
        if named := _starting(fields, word):
            either.append(Ticket.field_code.in_(named))
        conditions.append(or_(*either))
    return and_(*conditions)


def _catalog_words(session: Session, code: Any, name: Any) -> dict[str, list[str]]:
    """A catalog's names as folded words, by code: a province's units and fields, some hundreds."""
    return {row_code: words(row_name) for row_code, row_name in session.execute(select(code, name))}


def _starting(catalog: dict[str, list[str]], word: str) -> list[str]:
    return [code for code, named in catalog.items() if any(w.startswith(word) for w in named)]


def count(session: Session, query: str = "") -> int:
    where = _published(session, query_words(query))
    return session.scalar(select(func.count()).select_from(Ticket).where(where)) or 0


def page(session: Session, query: str, limit: int, offset: int) -> list[PublishedAnswer]:
    """The published answers matching `query`, the most recently resolved first."""
    rows = session.execute(
        select(
            Ticket.public_question,
            Ticket.public_answer,
            Ticket.resolved_at,
            Unit.name,
            Field.name,
        )
        .outerjoin(Unit, Unit.code == Ticket.unit_code)
        .outerjoin(Field, Field.code == Ticket.field_code)
        .where(_published(session, query_words(query)))
        .order_by(Ticket.resolved_at.desc(), Ticket.pk.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        PublishedAnswer(
            question=question,
            answer=answer,
            answered_on=resolved_at.astimezone(VN).date() if resolved_at else None,
            unit=unit or "",
            field=field or "",
        )
        for question, answer, resolved_at, unit, field in rows
    ]
