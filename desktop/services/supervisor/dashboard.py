"""The supervisor's dashboard counts: calls, tickets, overdue work, satisfaction, trends; no Qt."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from time import monotonic
from typing import Any, Protocol

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desktop.domain.agent_state import AgentState
from desktop.domain.clock import VN_TZ, now_vn
from desktop.domain.codes import (
    CallDirection,
    CallOutcome,
    Channel,
    RequestType,
    Satisfaction,
    TicketStatus,
)
from desktop.domain.operator import Operator
from desktop.domain.workdays import WorkCalendar
from desktop.services.catalogs import CatalogService
from desktop.services.supervisor.reports import NoServerTables, ReportService, ServerTablesSource
from desktop.services.supervisor.surveys import NO_ANSWER, SurveyService
from desktop.store import models
from desktop.store.local import LocalStore
from desktop.store.survey_models import SurveyAttempt

TREND_DAYS = 30
TREND_MONTHS = 12
CLOSED_MONTHS_TTL_S = 600.0


# ---- operators' presence (from the central server) -------------------------------------------------


class OperatorState(StrEnum):
    """The states the server's presence endpoint reports (`GET /api/v1/presence`), and LOST: a desk
    whose last report is older than the heartbeat window (it died or lost its network)."""

    REGISTERED = "registered"
    IDLE = "idle"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    OFFLINE = "offline"
    LOST = "lost"


@dataclass(frozen=True)
class OperatorPresence:
    operator: str
    full_name: str
    state: OperatorState
    since: datetime | None = None
    detail: str = ""
    agent_state: str = AgentState.READY.value  # what the operator chose (a vocabulary code)
    agent_state_since: datetime | None = None
    after_call_seconds_today: float = 0.0
    read_at: datetime | None = None  # the server's clock when read: durations never mix two clocks

    @property
    def not_ready(self) -> AgentState | None:
        """The not-ready reason shown instead of the desk's state: a desk that is up and not on a call."""
        chosen = AgentState(self.agent_state)
        waiting = self.state in (OperatorState.REGISTERED, OperatorState.IDLE)
        return chosen if waiting and not chosen.ready else None

    @property
    def shown_since(self) -> datetime | None:
        return self.agent_state_since if self.not_ready is not None else self.since

    @property
    def seconds_in_state(self) -> float | None:
        since = self.shown_since
        if since is None or self.read_at is None or self.state is OperatorState.LOST:
            return None
        return max(0.0, (self.read_at - since).total_seconds())


class PresenceUnavailable(RuntimeError):
    """The server cannot say who is doing what (not configured, unreachable, refused)."""


class PresenceSource(Protocol):
    """Who is doing what right now; runs on a worker thread, raises PresenceUnavailable."""

    def operators(self) -> list[OperatorPresence]: ...


class NoPresenceServer:
    """The source of a desk with no central server configured."""

    def operators(self) -> list[OperatorPresence]:
        raise PresenceUnavailable("Chưa kết nối máy chủ.")


# ---- the counts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallCounts:
    inbound: int = 0
    outbound: int = 0
    inbound_answered: int = 0
    missed: int = 0
    abandoned: int = 0
    talk_seconds: float = 0.0  # answered → ended, answered calls of both directions
    answered_with_end: int = 0

    @property
    def answer_rate(self) -> float | None:
        """Answered inbound calls per inbound call (ringing ones are not counted yet)."""
        return self.inbound_answered / self.inbound if self.inbound else None

    @property
    def average_handle_seconds(self) -> float | None:
        return self.talk_seconds / self.answered_with_end if self.answered_with_end else None


@dataclass(frozen=True)
class TicketCounts:
    total: int = 0
    resolved: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    by_level: dict[int, int] = field(default_factory=dict)
    by_satisfaction: dict[str, int] = field(default_factory=dict)

    @property
    def in_progress(self) -> int:
        return self.total - self.resolved

    @property
    def satisfaction_pct(self) -> float | None:
        """Satisfied / rated, rated = satisfied + dissatisfied (DOMAIN.md report 5), in percent."""
        satisfied = self.by_satisfaction.get(Satisfaction.SATISFIED.value, 0)
        rated = satisfied + self.by_satisfaction.get(Satisfaction.DISSATISFIED.value, 0)
        return round(100.0 * satisfied / rated, 2) if rated else None


@dataclass(frozen=True)
class PeriodCounts:
    """One period, inclusive of both days: tickets by reception, calls by start, surveys by attempt."""

    first_day: date
    last_day: date
    calls: CallCounts
    tickets: TicketCounts
    survey_attempts: int
    survey_answers: int


@dataclass(frozen=True)
class OverdueUnit:
    unit_code: str | None
    unit_name: str
    overdue: int
    oldest_deadline: date
    working_days_late: int  # of the oldest


@dataclass(frozen=True)
class Trends:
    days: list[date]
    tickets_by_day: list[int]
    calls_by_day: list[int]
    months: list[date]  # first day of each month
    tickets_by_month: list[int]
    calls_by_month: list[int]
    channels_by_month: dict[str, list[int]]  # every channel code, one count per month


@dataclass(frozen=True)
class DashboardCounts:
    taken_at: datetime
    today: PeriodCounts
    month: PeriodCounts
    overdue: list[OverdueUnit]
    trends: Trends | None = None


def working_days_late(calendar: WorkCalendar, deadline: date, today: date) -> int:
    """`calendar.working_days_between(deadline, today)` in O(holidays), not O(days): years-old deadlines."""
    if today <= deadline:
        return -calendar.working_days_between(today, deadline) if today < deadline else 0
    first = deadline + timedelta(days=1)
    weeks, rest = divmod((today - first).days + 1, 7)
    count = weeks * 5 + sum(1 for n in range(rest) if (first.weekday() + n) % 7 < 5)
    worked = calendar.extra_working_days
    count -= sum(
        1 for day in calendar.holidays if first <= day <= today and day.weekday() < 5 and day not in worked
    )
    count += sum(1 for day in worked if first <= day <= today and day.weekday() >= 5)
    return count


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _bound(day: date) -> datetime:
    return datetime.combine(day, time(0), VN_TZ)


class DashboardService:
    """Indexed counts over the local store; every method runs on a worker thread."""

    def __init__(self, store: LocalStore, clock: Callable[[], datetime] = now_vn) -> None:
        self._store = store
        self._clock = clock
        self._calendar: WorkCalendar | None = None
        self._closed: tuple[tuple[date, date], float, Counter[tuple[str, str]]] | None = None

    def counts(self, *, with_trends: bool = False) -> DashboardCounts:
        now = self._clock()
        today = now.date()
        with self._store.sessions() as session:
            return DashboardCounts(
                taken_at=now,
                today=self._period(session, today, today),
                month=self._period(session, month_start(today), today),
                overdue=self._overdue(session, today),
                trends=self._trends(session, today) if with_trends else None,
            )

    def period(self, first_day: date, last_day: date) -> PeriodCounts:
        with self._store.sessions() as session:
            return self._period(session, first_day, last_day)

    # -- parts ---------------------------------------------------------------------------------
    def _period(self, session: Session, first_day: date, last_day: date) -> PeriodCounts:
        start, end = _bound(first_day), _bound(last_day + timedelta(days=1))
        return PeriodCounts(
            first_day,
            last_day,
            _calls(session, start, end),
            _tickets(session, start, end),
            *_surveys(session, start, end),
        )

    def _overdue(self, session: Session, today: date) -> list[OverdueUnit]:
        """Open tickets past their deadline (counted in working days when the ticket was saved)."""
        calendar = self._work_calendar()
        units = [
            OverdueUnit(
                code,
                name or "Tổng đài 1022",
                int(count),
                date.fromisoformat(oldest),
                working_days_late(calendar, date.fromisoformat(oldest), today),
            )
            for code, name, count, oldest in session.execute(_OVERDUE, {"today": today.isoformat()})
        ]
        return sorted(units, key=lambda unit: (-unit.overdue, unit.oldest_deadline, unit.unit_name))

    def _work_calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = CatalogService(self._store).work_calendar()
        return self._calendar

    def _closed_months(self, session: Session, first: date, end: date) -> Counter[tuple[str, str]]:
        """Tickets per month and channel before this month: read again every CLOSED_MONTHS_TTL_S only
        (a year of tickets costs ~1 s on a million-ticket store; late syncs and imports still show)."""
        cached = self._closed
        if cached is None or cached[0] != (first, end) or monotonic() - cached[1] > CLOSED_MONTHS_TTL_S:
            counts = _month_channel_counts(session, first, end)
            cached = self._closed = ((first, end), monotonic(), counts)
        return Counter(cached[2])

    def _trends(self, session: Session, today: date) -> Trends:
        first_day = today - timedelta(days=TREND_DAYS - 1)
        days = [first_day + timedelta(days=n) for n in range(TREND_DAYS)]
        first_month = add_months(month_start(today), -(TREND_MONTHS - 1))
        months = [add_months(first_month, n) for n in range(TREND_MONTHS)]
        day_key = func.substr(models.Ticket.received_at, 1, 10)
        tickets_by_day = _grouped(session, day_key, models.Ticket.received_at, first_day, today)
        call_day = func.substr(models.Call.started_at, 1, 10)
        calls_by_day = _grouped(session, call_day, models.Call.started_at, first_day, today)
        this_month = month_start(today)
        by_month_channel = self._closed_months(session, first_month, this_month)
        by_month_channel += _month_channel_counts(session, this_month, today + timedelta(days=1))
        call_month = func.substr(models.Call.started_at, 1, 7)
        calls_by_month = _grouped(session, call_month, models.Call.started_at, first_month, today)
        month_keys = [m.isoformat()[:7] for m in months]
        channels = {
            channel.value: [by_month_channel[(key, channel.value)] for key in month_keys]
            for channel in Channel
        }
        return Trends(
            days=days,
            tickets_by_day=[tickets_by_day.get(d.isoformat(), 0) for d in days],
            calls_by_day=[calls_by_day.get(d.isoformat(), 0) for d in days],
            months=months,
            tickets_by_month=[
                sum(n for (m, _), n in by_month_channel.items() if m == key) for key in month_keys
            ],
            calls_by_month=[calls_by_month.get(key, 0) for key in month_keys],
            channels_by_month=channels,
        )


# Literal status and INDEXED BY: the partial index holds open tickets only, by deadline and unit.
_OVERDUE = text(
    f"""SELECT t.unit_code, u.name, count(*), min(t.deadline)
    FROM tickets AS t INDEXED BY ix_tickets_open_deadline
    LEFT JOIN units AS u ON u.code = t.unit_code
    WHERE t.status = '{TicketStatus.IN_PROGRESS.value}' AND t.deadline < :today
    GROUP BY t.unit_code"""
)


def _month_channel_counts(session: Session, first: date, end: date) -> Counter[tuple[str, str]]:
    """(YYYY-MM, channel) → tickets received from `first` up to, not including, `end`."""
    month_key = func.substr(models.Ticket.received_at, 1, 7)
    query = (
        select(month_key, models.Ticket.channel, func.count())
        .where(models.Ticket.received_at >= _bound(first), models.Ticket.received_at < _bound(end))
        .group_by(month_key, models.Ticket.channel)
    )
    counts: Counter[tuple[str, str]] = Counter()
    for month, channel, count in session.execute(query):
        counts[(str(month), str(channel))] += int(count)
    return counts


def _grouped(session: Session, key: Any, column: Any, first_day: date, last_day: date) -> dict[str, int]:
    query = (
        select(key, func.count())
        .where(column >= _bound(first_day), column < _bound(last_day + timedelta(days=1)))
        .group_by(key)
    )
    return {str(k): int(n) for k, n in session.execute(query)}


def _calls(session: Session, start: datetime, end: datetime) -> CallCounts:
    call = models.Call
    # NULL unless the call was answered and has ended: count() and total() skip NULLs
    seconds = (func.julianday(call.ended_at) - func.julianday(call.answered_at)) * 86400.0
    query = (
        select(call.direction, call.outcome, func.count(), func.count(seconds), func.total(seconds))
        .where(call.started_at >= start, call.started_at < end)
        .group_by(call.direction, call.outcome)
    )
    totals: Counter[str] = Counter()
    talk = 0.0
    for direction, outcome, count, timed, talk_seconds in session.execute(query):
        n = int(count)
        if direction == CallDirection.INBOUND.value:
            totals["inbound"] += n
            if outcome == CallOutcome.ANSWERED.value:
                totals["inbound_answered"] += n
        elif direction == CallDirection.OUTBOUND.value:
            totals["outbound"] += n
        if outcome == CallOutcome.MISSED.value:
            totals["missed"] += n
        elif outcome == CallOutcome.ABANDONED.value:
            totals["abandoned"] += n
        totals["timed"] += int(timed)
        talk += float(talk_seconds or 0.0)
    return CallCounts(
        inbound=totals["inbound"],
        outbound=totals["outbound"],
        inbound_answered=totals["inbound_answered"],
        missed=totals["missed"],
        abandoned=totals["abandoned"],
        talk_seconds=talk,
        answered_with_end=totals["timed"],
    )


_TICKET_KEYS = (
    models.Ticket.channel,
    models.Ticket.request_type,
    models.Ticket.level,
    models.Ticket.status,
    models.Ticket.satisfaction,
)


def _tickets(session: Session, start: datetime, end: datetime) -> TicketCounts:
    ticket = models.Ticket
    query = (
        select(
            ticket.channel,
            ticket.request_type,
            ticket.level,
            ticket.status,
            ticket.satisfaction,
            func.count(),
        )
        .where(ticket.received_at >= start, ticket.received_at < end)
        .group_by(ticket.channel, ticket.request_type, ticket.level, ticket.status, ticket.satisfaction)
    )
    by_channel = _zeros(c.value for c in Channel)
    by_type = _zeros(t.value for t in RequestType)
    by_level = {level: 0 for level in (1, 2, 3, 4)}
    by_satisfaction = _zeros(s.value for s in Satisfaction)
    total = resolved = 0
    for channel, request_type, level, status, satisfaction, count in session.execute(query):
        n = int(count)
        total += n
        by_channel[channel] = by_channel.get(channel, 0) + n
        by_type[request_type] = by_type.get(request_type, 0) + n
        by_level[int(level)] = by_level.get(int(level), 0) + n
        by_satisfaction[satisfaction] = by_satisfaction.get(satisfaction, 0) + n
        if status == TicketStatus.RESOLVED.value:
            resolved += n
    return TicketCounts(total, resolved, by_channel, by_type, by_level, by_satisfaction)


def _surveys(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    query = (
        select(SurveyAttempt.outcome, func.count())
        .where(SurveyAttempt.at >= start, SurveyAttempt.at < end)
        .group_by(SurveyAttempt.outcome)
    )
    attempts = answers = 0
    for outcome, count in session.execute(query):
        attempts += int(count)
        if outcome != NO_ANSWER:
            answers += int(count)
    return attempts, answers


def _zeros(codes: Iterable[str]) -> dict[str, int]:
    return {code: 0 for code in codes}


@dataclass(frozen=True)
class UnitOnTime:
    """One unit's answers to the tickets forwarded to it in a period, as the server counts them (#17)."""

    unit: str
    forwarded: int
    answered_on_time: int
    answered_late: int
    overdue_now: int
    returned: int
    on_time_rate: float | None  # percent of the answered; None when nothing was answered


UNITS_WINDOW_DAYS = 90  # the dashboard's per-unit figures: tickets forwarded in these last days


@dataclass(frozen=True)
class ExtensionRequest:
    """A unit asking for more working days on a forwarded ticket, waiting for a supervisor's answer."""

    forwarding_id: str
    ticket_code: str
    unit: str
    days: int
    reason: str
    deadline: date


class UnitsOnTimeSource(Protocol):
    def units_on_time(self, first: date, last: date) -> list[UnitOnTime]:
        """Runs on a worker thread; raises PresenceUnavailable with a Vietnamese reason."""
        ...

    def extension_requests(self) -> list[ExtensionRequest]:
        """Runs on a worker thread; raises PresenceUnavailable with a Vietnamese reason."""
        ...

    def decide_extension(self, forwarding_id: str, grant: bool) -> date:
        """Runs on a worker thread: grants or refuses; returns the deadline after the decision."""
        ...


class NoUnitsServer:
    """A desk without a server: only the server holds the forwardings."""

    def units_on_time(self, first: date, last: date) -> list[UnitOnTime]:
        raise PresenceUnavailable(
            "Chưa kết nối máy chủ: số phiếu chuyển đơn vị, trả lời đúng hạn, trễ hạn, quá hạn và trả lại "
            "do máy chủ tính. Vào Máy chủ ▸ Đăng nhập máy chủ để kết nối."
        )

    def extension_requests(self) -> list[ExtensionRequest]:
        raise PresenceUnavailable("Chưa kết nối máy chủ: các đề nghị gia hạn của đơn vị nằm trên máy chủ.")

    def decide_extension(self, forwarding_id: str, grant: bool) -> date:
        raise PresenceUnavailable("Chưa kết nối máy chủ: chưa trả lời được đề nghị gia hạn.")


@dataclass
class SupervisorServices:
    """What the supervisor's screens read and write: counts, surveys, who is doing what."""

    dashboard: DashboardService
    surveys: SurveyService
    presence: PresenceSource
    reports: ReportService | None = None  # the province's report of a period (Báo cáo screen)
    units: UnitsOnTimeSource = field(default_factory=NoUnitsServer)  # per unit, from the server
    server_tables: ServerTablesSource = field(default_factory=NoServerTables)  # report tables 7-8

    @classmethod
    def for_store(
        cls, store: LocalStore, operator: str | Operator, presence: PresenceSource | None = None
    ) -> SupervisorServices:
        return cls(
            DashboardService(store),
            SurveyService(store, operator),
            presence or NoPresenceServer(),
            ReportService(store),
        )


__all__ = [
    "UNITS_WINDOW_DAYS",
    "CallCounts",
    "DashboardCounts",
    "DashboardService",
    "ExtensionRequest",
    "NoPresenceServer",
    "NoUnitsServer",
    "OperatorPresence",
    "OperatorState",
    "OverdueUnit",
    "PeriodCounts",
    "PresenceSource",
    "PresenceUnavailable",
    "SupervisorServices",
    "TicketCounts",
    "Trends",
    "UnitOnTime",
    "UnitsOnTimeSource",
]
