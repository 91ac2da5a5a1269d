"""Finding tickets: filters, a count, and pages in keyset order for a list of a million rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cache, partial
from time import monotonic
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, case, func, not_, or_, select, text, type_coerce
from sqlalchemy.engine import Row

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import (
    Channel,
    Level,
    RequestType,
    Satisfaction,
    TicketStatus,
)
from desktop.domain.phone import phone_search_prefixes
from desktop.domain.ticket import TicketRow
from desktop.domain.ticket_step import TicketStep
from desktop.domain.workdays import WorkCalendar
from desktop.services.access_log import AccessLog
from desktop.services.tickets.pending_forwards import PendingForwards
from desktop.services.tickets.search_index import FTS_MATCH, match_expression
from desktop.store.local import LocalStore
from desktop.store.models import Holiday, Ticket, Unit


@dataclass(frozen=True)
class TicketFilter:
    """What the operator narrowed the list to; empty means everything."""

    statuses: frozenset[TicketStatus] = field(default_factory=frozenset)
    unit_codes: frozenset[str] = field(default_factory=frozenset)
    request_types: frozenset[RequestType] = field(default_factory=frozenset)
    levels: frozenset[Level] = field(default_factory=frozenset)
    channels: frozenset[Channel] = field(default_factory=frozenset)
    received_from: date | None = None
    received_to: date | None = None
    text: str = ""
    steps: frozenset[TicketStep] = field(default_factory=frozenset)


class TicketOrder(StrEnum):
    """The list's order: newest first (the day's work), or by a forwarded ticket's days left."""

    NEWEST = "newest"
    MOST_URGENT = "most_urgent"  # overdue first, then the fewest working days left; the others after
    LEAST_URGENT = "least_urgent"  # the most days left first; the others after


@dataclass(frozen=True)
class PageKey:
    """Where the next page starts: after this (received_at, pk) in newest-first order, or after this
    (urgency, pk) in an order by days left."""

    received_at: str
    pk: int
    urgency: str = ""


@dataclass(frozen=True)
class Page:
    rows: list[TicketRow]
    next_key: PageKey | None


# The step conditions (TicketStep's rule): plain synced columns, never the answer's text (an operator's note
# there is no unit's answer). `IN` and not `!=`: SQLite walks ix_tickets_status_received for the open
# tickets only, newest first.
_OPEN = Ticket.status.in_([status.value for status in TicketStatus if status is not TicketStatus.RESOLVED])
_WITH_A_UNIT = and_(_OPEN, Ticket.level > 1, Ticket.unit_code.is_not(None))
# Answered: the server stamped the unit's answer on the ticket, and empties the stamp when the ticket is
# forwarded again, so a second unit's ticket is "forwarded" until that unit answers.
_ANSWERED = Ticket.unit_answered_at.is_not(None)
# Called back: an operator (on any desk: a synced field) reached the citizen with the unit's latest answer.
_CALLED_BACK = and_(Ticket.called_back_at.is_not(None), Ticket.called_back_at >= Ticket.unit_answered_at)
# Surveyed: the citizen's satisfaction is recorded (the survey's answer, or its "no response").
_SURVEYED = Ticket.satisfaction != Satisfaction.NOT_RATED.value
_STILL_WITH_IT = and_(_WITH_A_UNIT, Ticket.return_reason == "")  # the unit has not returned it
STEP_CONDITIONS: dict[TicketStep, ColumnElement[bool]] = {
    TicketStep.RECEIVED: and_(_OPEN, or_(Ticket.level <= 1, Ticket.unit_code.is_(None))),
    TicketStep.FORWARDED: and_(_STILL_WITH_IT, not_(_ANSWERED)),
    TicketStep.RETURNED: and_(_WITH_A_UNIT, Ticket.return_reason != ""),
    TicketStep.UNIT_ANSWERED: and_(_STILL_WITH_IT, _ANSWERED, not_(_CALLED_BACK)),
    TicketStep.CALLED_BACK: and_(_STILL_WITH_IT, _ANSWERED, _CALLED_BACK),
    TicketStep.DONE: and_(Ticket.status == TicketStatus.RESOLVED.value, not_(_SURVEYED)),
    TicketStep.SURVEYED: and_(Ticket.status == TicketStatus.RESOLVED.value, _SURVEYED),
}
_STEP = case(
    (and_(Ticket.status == TicketStatus.RESOLVED.value, _SURVEYED), TicketStep.SURVEYED.value),
    (Ticket.status == TicketStatus.RESOLVED.value, TicketStep.DONE.value),
    (or_(Ticket.level <= 1, Ticket.unit_code.is_(None)), TicketStep.RECEIVED.value),
    (Ticket.return_reason != "", TicketStep.RETURNED.value),
    (not_(_ANSWERED), TicketStep.FORWARDED.value),
    (_CALLED_BACK, TicketStep.CALLED_BACK.value),
    else_=TicketStep.UNIT_ANSWERED.value,
)

# A forwarded ticket's days left grow with its deadline: ordering by the deadline is ordering by days left.
# The tickets no unit has (no days left) come after the forwarded ones in either direction.
_DEADLINE_TEXT = type_coerce(Ticket.deadline, String)  # ISO dates: their text sorts as the days do
_URGENCY = {
    TicketOrder.MOST_URGENT: type_coerce(
        case(
            (STEP_CONDITIONS[TicketStep.FORWARDED], func.coalesce(_DEADLINE_TEXT, "9999-12-31")),
            else_="9999-12-31",
        ),
        String,
    ),
    TicketOrder.LEAST_URGENT: type_coerce(
        case(
            (STEP_CONDITIONS[TicketStep.FORWARDED], func.coalesce(_DEADLINE_TEXT, "0000-01-01")),
            else_="0000-01-01",
        ),
        String,
    ),
}

TICKET_ROW_COLUMNS = (
    Ticket.pk,
    Ticket.id,
    Ticket.code,
    Ticket.received_at,
    Ticket.phone,
    Ticket.citizen_name,
    Ticket.channel,
    Ticket.request_type,
    Ticket.level,
    Unit.name,
    Ticket.status,
    Ticket.deadline,
    Ticket.satisfaction,
    func.substr(Ticket.content, 1, 200),
    _STEP,
)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, VN_TZ)


def _where(query: Select[Any], spec: TicketFilter) -> Select[Any]:
    if spec.statuses:
        query = query.where(Ticket.status.in_([s.value for s in spec.statuses]))
    if spec.unit_codes:
        query = query.where(Ticket.unit_code.in_(sorted(spec.unit_codes)))
    if spec.request_types:
        query = query.where(Ticket.request_type.in_([t.value for t in spec.request_types]))
    if spec.levels:
        query = query.where(Ticket.level.in_([int(level) for level in spec.levels]))
    if spec.channels:
        query = query.where(Ticket.channel.in_([c.value for c in spec.channels]))
    if spec.steps:
        query = query.where(or_(*(STEP_CONDITIONS[step] for step in sorted(spec.steps))))
    if spec.received_from:
        query = query.where(Ticket.received_at >= _day_start(spec.received_from))
    if spec.received_to:
        query = query.where(Ticket.received_at < _day_start(spec.received_to + timedelta(days=1)))
    condition = text_condition(spec.text)
    if condition is not None:
        query = query.where(condition)
    return query


def _indexed(typed: str) -> ColumnElement[bool] | None:
    expression = match_expression(typed)
    if expression is None:
        return None
    return Ticket.pk.in_(FTS_MATCH.bindparams(match=expression))


def _starts_with(column: Any, prefix: str) -> ColumnElement[bool]:
    """A prefix as an index range (SQLite compares text as UTF-8 bytes; U+10FFFF sorts last)."""
    return and_(column >= prefix, column < prefix + "\U0010ffff")


# A number typed or pasted in groups, as the desk shows it: `0912 345 678`, `0912.345.678`.
_SPACED_NUMBER = re.compile(r"(?<!\S)\+?\d+(?:[ .]\d+)+(?!\S)")


def text_condition(typed: str) -> ColumnElement[bool] | None:
    """Every typed token must match. A word starts a word of the caller's name, the TTHC code, the
    content or the answer (the free-text index); a token with a digit may instead start the ticket's
    code (`DT2001`) or its phone number in any form (`0912 345`, `+84912`)."""
    words: list[str] = []
    conditions: list[ColumnElement[bool]] = []
    typed = _SPACED_NUMBER.sub(lambda number: re.sub(r"[ .]", "", number.group()), typed)
    for token in typed.split():
        if not any(character.isdigit() for character in token):
            words.append(token)
            continue
        alternatives = [_starts_with(Ticket.code, code) for code in dict.fromkeys((token, token.upper()))]
        alternatives.extend(_starts_with(Ticket.phone, prefix) for prefix in phone_search_prefixes(token))
        indexed = _indexed(token)
        if indexed is not None:
            alternatives.append(indexed)
        conditions.append(or_(*alternatives))
    indexed_words = _indexed(" ".join(words))
    if indexed_words is not None:
        conditions.insert(0, indexed_words)
    if not conditions:
        return None
    return and_(*conditions)


def row_to_ticket_row(
    row: Row[Any] | Sequence[Any], days_left_to: Callable[[date], int] | None = None
) -> TicketRow:
    """A listed ticket; with `days_left_to` (deadline -> working days left), a forwarded one gets them."""
    (
        _pk,
        id_,
        code,
        received,
        phone,
        name,
        channel,
        rtype,
        level,
        unit,
        status,
        deadline,
        satisfaction,
        content,
        step_code,
    ) = tuple(row)
    step = TicketStep(step_code)
    days_left = None
    if step is TicketStep.FORWARDED and deadline is not None and days_left_to is not None:
        days_left = days_left_to(deadline)
    return TicketRow(
        id=id_,
        code=code,
        received_at=received,
        phone=phone,
        citizen_name=name,
        channel=Channel(channel),
        request_type=RequestType(rtype),
        level=Level(level),
        unit_name=unit or "",
        status=TicketStatus(status),
        deadline=deadline,
        satisfaction=Satisfaction(satisfaction),
        content=content or "",
        step=step,
        days_left=days_left,
    )


# A search's page of rows shows each citizen's number and name: each distinct one is recorded, this many
# at most a page (the list shows 200 rows; a search that finds more is narrowed before anyone reads them all).
SEARCH_RECORDS_PER_PAGE = 50
# The list refetches its page after every save and pull: the same search still on screen is not a new look.
SAME_LOOK_S = 300.0


class TicketQuery:
    """Read-only queries of the ticket list; safe to call from a worker thread. With an access log, a
    searched list records the search and the citizens it showed (an unsearched list is the day's work)."""

    def __init__(self, store: LocalStore, access: AccessLog | None = None) -> None:
        self._store = store
        self._access = access
        self._recorded: dict[tuple[str, str], float] = {}

    def count(self, spec: TicketFilter) -> int:
        query = _where(select(func.count()).select_from(Ticket), spec)
        with self._store.sessions() as session:
            return session.scalar(query) or 0

    def page(
        self,
        spec: TicketFilter,
        after: PageKey | None = None,
        limit: int = 200,
        order: TicketOrder = TicketOrder.NEWEST,
    ) -> Page:
        query = _where(select(*TICKET_ROW_COLUMNS).outerjoin(Unit, Unit.code == Ticket.unit_code), spec)
        if order is TicketOrder.NEWEST:
            query = self._newest_first(query, after)
        else:
            query = self._by_days_left(query, after, order)
        with self._store.sessions() as session:
            rows = session.execute(query.limit(limit)).all()
        next_key = None
        if len(rows) == limit:
            last = rows[-1]
            urgency = str(last[-1]) if order is not TicketOrder.NEWEST else ""
            next_key = PageKey(received_at=_iso(last[3]), pk=last[0], urgency=urgency)
        calendar, today = self._calendar(), datetime.now(VN_TZ).date()
        days_left_to = cache(partial(calendar.working_days_between, today))  # deadlines repeat on a page
        width = len(TICKET_ROW_COLUMNS)  # an order by days left reads its key too
        listed = [row_to_ticket_row(tuple(row)[:width], days_left_to) for row in rows]
        kept = {pending.ticket_id: pending.state for pending in PendingForwards(self._store).all()}
        if kept:  # a forward kept on this desk: the operator sees the ticket waits to go to its unit
            listed = [replace(row, kept_forward=kept.get(row.id)) for row in listed]
        page = Page(listed, next_key)
        if self._access is not None and spec.text.strip():
            self._record_search(spec.text.strip(), page.rows, first_page=after is None)
        return page

    @staticmethod
    def _newest_first(query: Select[Any], after: PageKey | None) -> Select[Any]:
        if after is not None:
            query = query.where(
                or_(
                    Ticket.received_at < text(":after_at").bindparams(after_at=after.received_at),
                    and_(
                        Ticket.received_at == text(":after_at2").bindparams(after_at2=after.received_at),
                        Ticket.pk < after.pk,
                    ),
                )
            )
        return query.order_by(Ticket.received_at.desc(), Ticket.pk.desc())

    @staticmethod
    def _by_days_left(query: Select[Any], after: PageKey | None, order: TicketOrder) -> Select[Any]:
        urgency = _URGENCY[order]
        ascending = order is TicketOrder.MOST_URGENT
        query = query.add_columns(urgency)
        if after is not None:
            later = urgency > after.urgency if ascending else urgency < after.urgency
            same = and_(urgency == after.urgency, Ticket.pk > after.pk)
            query = query.where(or_(later, same))
        return query.order_by(urgency.asc() if ascending else urgency.desc(), Ticket.pk.asc())

    def _calendar(self) -> WorkCalendar:
        """The holiday catalog as it is now (a pull may have changed it; a few dozen rows)."""
        with self._store.sessions() as session:
            rows = session.execute(select(Holiday.day, Holiday.is_working_day)).all()
        return WorkCalendar.of(
            (day for day, working in rows if not working), (day for day, working in rows if working)
        )

    def _record_search(self, typed: str, rows: list[TicketRow], *, first_page: bool) -> None:
        assert self._access is not None
        now = monotonic()
        shown = list(dict.fromkeys(row.phone for row in rows if row.phone.startswith("+")))
        looks = [("search", typed)] if first_page else []
        looks += [("phone", phone) for phone in shown[:SEARCH_RECORDS_PER_PAGE]]
        for kind, subject in looks:
            if now - self._recorded.get((kind, subject), -SAME_LOOK_S) >= SAME_LOOK_S:
                self._recorded[(kind, subject)] = now
                self._access.record(kind, subject, "ticket_list", "search")
        if len(self._recorded) > 10_000:  # a long shift: forget looks older than the window
            self._recorded = {look: at for look, at in self._recorded.items() if now - at < SAME_LOOK_S}


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")
