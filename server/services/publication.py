"""Published answers (Decision 31/2021/QĐ-TTg, Art. 43 and 46): which tickets the public page lists, their
folded search text, and the listing itself. Only the texts rewritten for publication leave this module,
with the unit, the field and the day: never a name, a number, an address or the ticket's own texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, timezone

from sqlalchemy import ColumnElement, and_, func, select
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


def _published(typed: list[str]) -> ColumnElement[bool]:
    """Public by the citizen's choice, resolved, both texts written; and every typed word starts a word."""
    conditions = [
        Ticket.publication == PUBLIC,
        Ticket.status == RESOLVED,
        Ticket.public_question != "",
        Ticket.public_answer != "",
    ]
    # words() keeps letters and digits only: no LIKE wildcard can come through
    conditions += [Ticket.public_search.contains(f" {word}", autoescape=True) for word in typed]
    return and_(*conditions)


def count(session: Session, query: str = "") -> int:
    return session.scalar(select(func.count()).select_from(Ticket).where(_published(query_words(query)))) or 0


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
        .where(_published(query_words(query)))
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
