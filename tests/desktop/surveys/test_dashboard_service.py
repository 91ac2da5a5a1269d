"""Dashboard counts over a constructed store, checked against counts worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import (
    CallDirection,
    CallOutcome,
    Channel,
    DissatisfactionReason,
    Level,
    RequestType,
    Satisfaction,
    TicketStatus,
)
from desktop.services.phone.calls import CallLog
from desktop.services.supervisor.dashboard import (
    DashboardService,
    NoPresenceServer,
    OverdueUnit,
    PresenceUnavailable,
    add_months,
)
from desktop.services.supervisor.surveys import SurveyAnswer, SurveyService
from desktop.store.local import LocalStore


def at(day: str, hhmm: str = "08:00", seconds: int = 0) -> datetime:
    moment = datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=VN_TZ)
    return moment + timedelta(seconds=seconds)


TODAY = "2024-03-20"  # a Wednesday; the clock fixture's day


@pytest.fixture
def dataset(store: LocalStore, resolve_at, clock) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Eight tickets, seven calls, two survey attempts (see each line for why it counts where)."""
    in_progress = {"status": TicketStatus.IN_PROGRESS, "answer": ""}
    ids = {
        # today: phone, level 1, resolved and rated satisfied
        "t1": resolve_at(at(TODAY, "08:00"), satisfaction=Satisfaction.SATISFIED).id,
        # today: zalo, level 2 to Sở Tư pháp, open; deadline 2024-03-25, not overdue
        "t2": resolve_at(
            at(TODAY, "08:30"),
            channel=Channel.ZALO,
            request_type=RequestType.FEEDBACK,
            level=Level.TWO,
            unit_code="so-tu-phap",
            **in_progress,
        ).id,
        # today: phone, resolved, not rated yet (due for a survey)
        "t7": resolve_at(at(TODAY, "07:00")).id,
        # this month: email, level 3, resolved, dissatisfied (resources)
        "t3": resolve_at(
            at("2024-03-05"),
            channel=Channel.EMAIL,
            request_type=RequestType.LATE_HANDLING,
            level=Level.THREE,
            unit_code="so-tu-phap",
            satisfaction=Satisfaction.DISSATISFIED,
            dissatisfaction_reason=DissatisfactionReason.RESOURCES,
        ).id,
        # this month (Fri 1 March): facebook, level 2, open; deadline Wed 6 March: overdue
        "t4": resolve_at(
            at("2024-03-01"),
            channel=Channel.FACEBOOK,
            request_type=RequestType.SUGGESTION,
            level=Level.TWO,
            unit_code="so-tu-phap",
            **in_progress,
        ).id,
        # this month: phone, resolved, surveyed satisfied on 10 March (below)
        "t8": resolve_at(at("2024-03-08")).id,
        # last month (Wed 28 Feb): level 4 to BHXH, open; deadline Wed 13 March: overdue
        "t5": resolve_at(
            at("2024-02-28"),
            request_type=RequestType.COMPLAINT,
            level=Level.FOUR,
            unit_code="bhxh-tinh",
            **in_progress,
        ).id,
        # last month, outside the 30-day trend too: no response
        "t6": resolve_at(at("2024-02-10"), satisfaction=Satisfaction.NO_RESPONSE).id,
    }
    calls = CallLog(store, "dtv-lan", clock=clock)

    def call(direction: CallDirection, start: datetime, outcome: CallOutcome | None, talk: int = 0) -> None:
        call_id = calls.started("0912 345 678", direction, at=start)
        if outcome is CallOutcome.ANSWERED:
            answered = start + timedelta(seconds=10)
            ended = answered + timedelta(seconds=talk)
            calls.finished(call_id, outcome, answered_at=answered, ended_at=ended)
        elif outcome is not None:
            calls.finished(call_id, outcome, ended_at=start + timedelta(seconds=20))

    inbound, outbound = CallDirection.INBOUND, CallDirection.OUTBOUND
    call(inbound, at(TODAY, "08:00"), CallOutcome.ANSWERED, talk=300)
    call(inbound, at(TODAY, "08:10"), CallOutcome.MISSED)
    call(inbound, at(TODAY, "08:20"), CallOutcome.ABANDONED)
    call(outbound, at(TODAY, "08:30"), CallOutcome.ANSWERED, talk=120)
    call(inbound, at(TODAY, "08:50"), None)  # still ringing
    call(inbound, at("2024-03-02", "10:00"), CallOutcome.ANSWERED, talk=60)
    call(inbound, at("2024-02-29", "10:00"), CallOutcome.ANSWERED, talk=999)

    surveys = SurveyService(store, "dtv-hoa", clock=clock)
    saved = clock.now
    clock.now = at("2024-03-10", "09:00")
    surveys.record(ids["t8"], SurveyAnswer.satisfied())
    clock.now = saved
    surveys.record(ids["t7"], SurveyAnswer.no_answer())
    return ids


@pytest.fixture
def dashboard(store: LocalStore, clock) -> DashboardService:  # type: ignore[no-untyped-def]
    return DashboardService(store, clock=clock)


def test_today(dashboard: DashboardService, dataset) -> None:
    today = dashboard.counts().today
    assert (today.first_day, today.last_day) == (date(2024, 3, 20), date(2024, 3, 20))
    calls = today.calls
    assert (calls.inbound, calls.outbound, calls.missed, calls.abandoned) == (4, 1, 1, 1)
    assert calls.inbound_answered == 1
    assert calls.answer_rate == pytest.approx(0.25)
    assert calls.average_handle_seconds == pytest.approx((300 + 120) / 2, abs=0.01)
    tickets = today.tickets
    assert (tickets.total, tickets.resolved, tickets.in_progress) == (3, 2, 1)
    assert tickets.by_channel == {
        "dien_thoai": 2,
        "email": 0,
        "zalo": 1,
        "website": 0,
        "facebook": 0,
        "app_mobile": 0,
        "he_thong_tthc_tinh": 0,
    }
    assert tickets.by_level == {1: 2, 2: 1, 3: 0, 4: 0}
    assert tickets.by_type["hoi_thong_tin"] == 2 and tickets.by_type["phan_anh"] == 1
    assert sum(tickets.by_type.values()) == 3 and set(tickets.by_type) == {t.value for t in RequestType}
    assert tickets.satisfaction_pct == 100.0
    assert (today.survey_attempts, today.survey_answers) == (1, 0)


def test_this_month(dashboard: DashboardService, dataset) -> None:
    month = dashboard.counts().month
    assert (month.first_day, month.last_day) == (date(2024, 3, 1), date(2024, 3, 20))
    calls = month.calls
    assert (calls.inbound, calls.outbound, calls.missed, calls.abandoned) == (5, 1, 1, 1)
    assert calls.answer_rate == pytest.approx(2 / 5)
    assert calls.average_handle_seconds == pytest.approx((300 + 120 + 60) / 3, abs=0.01)
    tickets = month.tickets
    assert (tickets.total, tickets.resolved) == (6, 4)
    assert tickets.by_channel["dien_thoai"] == 3
    assert tickets.by_channel["email"] == tickets.by_channel["facebook"] == tickets.by_channel["zalo"] == 1
    assert tickets.by_level == {1: 3, 2: 2, 3: 1, 4: 0}
    assert tickets.by_satisfaction == {
        "hai_long": 2,
        "khong_hai_long": 1,
        "khong_phan_hoi": 0,
        "chua_danh_gia": 3,
    }
    assert tickets.satisfaction_pct == 66.67  # 2 satisfied / 3 rated
    assert (month.survey_attempts, month.survey_answers) == (2, 1)


def test_overdue_per_unit_in_working_days(dashboard: DashboardService, dataset) -> None:
    assert dashboard.counts().overdue == [
        # deadline Wed 6 March; late Thu 7 … Wed 20 = 10 working days
        OverdueUnit("so-tu-phap", "Sở Tư pháp", 1, date(2024, 3, 6), 10),
        # deadline Wed 13 March; late 14, 15, 18, 19, 20 = 5 working days
        OverdueUnit("bhxh-tinh", "Bảo hiểm xã hội tỉnh Đồng Tháp", 1, date(2024, 3, 13), 5),
    ]


def test_trends_by_day_month_and_channel(dashboard: DashboardService, dataset) -> None:
    trends = dashboard.counts(with_trends=True).trends
    assert trends is not None
    assert trends.days[0] == date(2024, 2, 20) and trends.days[-1] == date(2024, 3, 20)
    by_day = dict(zip(trends.days, trends.tickets_by_day, strict=True))
    assert by_day[date(2024, 3, 20)] == 3
    assert by_day[date(2024, 2, 28)] == by_day[date(2024, 3, 1)] == 1
    assert sum(trends.tickets_by_day) == 7  # all but the 10 February ticket
    calls_by_day = dict(zip(trends.days, trends.calls_by_day, strict=True))
    assert calls_by_day[date(2024, 3, 20)] == 5 and sum(trends.calls_by_day) == 7
    assert trends.months[0] == date(2023, 4, 1) and trends.months[-1] == date(2024, 3, 1)
    assert trends.tickets_by_month[-2:] == [2, 6] and sum(trends.tickets_by_month) == 8
    assert trends.calls_by_month[-2:] == [1, 6]
    assert trends.channels_by_month["facebook"][-1] == 1
    assert trends.channels_by_month["dien_thoai"][-2:] == [2, 3]
    assert sum(sum(counts) for counts in trends.channels_by_month.values()) == 8


def test_an_empty_store_counts_zero_without_dividing_by_zero(dashboard: DashboardService) -> None:
    counts = dashboard.counts(with_trends=True)
    assert counts.today.calls.answer_rate is None
    assert counts.today.calls.average_handle_seconds is None
    assert counts.month.tickets.satisfaction_pct is None
    assert counts.overdue == []
    assert counts.trends is not None and sum(counts.trends.tickets_by_month) == 0


def test_months_roll_over_years() -> None:
    assert add_months(date(2024, 1, 1), -1) == date(2023, 12, 1)
    assert add_months(date(2023, 12, 1), 1) == date(2024, 1, 1)
    assert add_months(date(2024, 3, 1), -11) == date(2023, 4, 1)


def test_without_a_server_presence_says_so() -> None:
    with pytest.raises(PresenceUnavailable, match="Chưa kết nối máy chủ"):
        NoPresenceServer().operators()


def test_working_days_late_agrees_with_the_calendar_day_by_day(store: LocalStore) -> None:
    from desktop.services.catalogs import CatalogService
    from desktop.services.supervisor.dashboard import working_days_late

    calendar = CatalogService(store).work_calendar()
    assert calendar.holidays and calendar.extra_working_days  # the catalog's own Tết, swapped Saturdays
    start = date(2019, 12, 20)
    for offset in range(0, 2400, 7):
        deadline = start + timedelta(days=offset)
        for gap in (0, 1, 2, 5, 6, 13, 40, 400):
            today = deadline + timedelta(days=gap + offset % 5)
            assert working_days_late(calendar, deadline, today) == calendar.working_days_between(
                deadline, today
            ), (deadline, today)


def test_trends_reread_this_month_while_closed_months_are_kept(
    dashboard: DashboardService, dataset, resolve_at
) -> None:
    first = dashboard.counts(with_trends=True).trends
    resolve_at(at(TODAY, "10:00"))  # this month: shows at once
    resolve_at(at("2024-02-15"))  # a closed month: shows when the cache expires
    second = dashboard.counts(with_trends=True).trends
    assert first is not None and second is not None
    assert second.tickets_by_month[-1] == first.tickets_by_month[-1] + 1
    assert second.tickets_by_month[-2] == first.tickets_by_month[-2]
    assert second.tickets_by_day[-1] == first.tickets_by_day[-1] + 1
    fresh = DashboardService(dashboard._store, clock=dashboard._clock).counts(with_trends=True).trends
    assert fresh is not None and fresh.tickets_by_month[-2] == first.tickets_by_month[-2] + 1
