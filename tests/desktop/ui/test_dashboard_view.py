"""The dashboard reads the real store on workers and shows new data at the next timer tick."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from uitest_support import draft

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import CallDirection, CallOutcome, Channel, Level, Satisfaction, TicketStatus
from desktop.services.phone.calls import CallLog
from desktop.services.supervisor.dashboard import (
    DashboardService,
    ExtensionRequest,
    NoPresenceServer,
    OperatorPresence,
    OperatorState,
    PresenceUnavailable,
    UnitOnTime,
)
from desktop.services.tickets.service import TicketService
from desktop.ui.supervisor.dashboard import (
    REFRESH_MS,
    DashboardView,
    _units_read,
    format_duration,
    format_pct,
)

NOW = datetime(2024, 3, 20, 9, 0, tzinfo=VN_TZ)


class FixedPresence:
    """A server that answers with a fixed list."""

    def __init__(self, operators: list[OperatorPresence]) -> None:
        self._operators = operators

    def operators(self) -> list[OperatorPresence]:
        return self._operators


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    return lambda: NOW


@pytest.fixture
def busy_store(store, clock):  # type: ignore[no-untyped-def]
    tickets = TicketService(store, "dtv-lan", clock=clock)
    for days, channel, level, unit in (
        (0, Channel.PHONE, Level.ONE, None),
        (0, Channel.ZALO, Level.TWO, "so-tu-phap"),
        (12, Channel.EMAIL, Level.TWO, "so-tu-phap"),
        (18, Channel.FACEBOOK, Level.THREE, "bhxh-tinh"),
        (40, Channel.PHONE, Level.ONE, None),
        (70, Channel.WEBSITE, Level.ONE, None),
    ):
        tickets.create(
            draft(received_at=NOW - timedelta(days=days), channel=channel, level=level, unit_code=unit)
        )
    tickets.create(
        draft(
            received_at=NOW - timedelta(hours=1),
            status=TicketStatus.RESOLVED,
            answer="Đã trả lời.",
            satisfaction=Satisfaction.SATISFIED,
        )
    )
    calls = CallLog(store, "dtv-lan", clock=clock)
    answered, missed = CallOutcome.ANSWERED, CallOutcome.MISSED
    for minutes, outcome in ((50, answered), (40, missed), (30, answered)):
        start = NOW - timedelta(minutes=minutes)
        call_id = calls.started("0912345678", CallDirection.INBOUND, at=start)
        picked_up = start + timedelta(seconds=5) if outcome is answered else None
        calls.finished(call_id, outcome, answered_at=picked_up, ended_at=start + timedelta(seconds=185))
    return store


def make_view(qtbot, store, runner, clock, presence, interval_ms=REFRESH_MS):  # type: ignore[no-untyped-def]
    view = DashboardView(DashboardService(store, clock=clock), presence, runner, interval_ms=interval_ms)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.refreshed, timeout=10000):
        view.show()
    return view


def test_figures_breakdown_overdue_and_trends_are_shown(qtbot, busy_store, runner, clock):
    operators = [
        OperatorPresence("lan", "Nguyễn Thị Lan", OperatorState.ON_CALL, NOW - timedelta(minutes=3)),
        OperatorPresence("hoa", "Trần Văn Hòa", OperatorState.WRAP_UP, NOW - timedelta(seconds=40)),
        OperatorPresence("minh", "Lê Minh", OperatorState.IDLE, NOW - timedelta(minutes=20)),
    ]
    view = make_view(qtbot, busy_store, runner, clock, FixedPresence(operators))
    figure = view.figures
    assert figure[("today", "tickets")].text() == "3"
    assert figure[("today", "calls_in")].text() == "3"
    assert figure[("today", "missed")].text() == "1"
    assert figure[("today", "answer_rate")].text() == "66,67%"
    assert figure[("today", "handle_time")].text() == "3:00"
    assert figure[("today", "satisfaction")].text() == "100,00%"
    assert figure[("month", "tickets")].text() == "5"  # 20 March: the 0, 12 and 18 days old
    channel_today = {
        view._breakdown_rows[("channel", c.value)].text(1) for c in (Channel.PHONE, Channel.ZALO)
    }
    assert channel_today == {"2", "1"}
    assert view._breakdown_rows[("level", "3")].text(2) == "1"
    overdue = view.overdue_table
    # level 1 is due the day it arrives: the two old open ones belong to the hotline itself
    rows = {overdue.item(row, 0).text(): overdue.item(row, 1).text() for row in range(overdue.rowCount())}
    assert rows == {"Tổng đài 1022": "2", "Sở Tư pháp": "1", "Bảo hiểm xã hội tỉnh Đồng Tháp": "1"}
    assert overdue.item(0, 0).text() == "Tổng đài 1022"
    assert view.operators_stack.currentWidget() is view.operators_table
    assert view.operators_table.rowCount() == 3
    assert view.counts is not None and view.counts.trends is not None
    assert sum(view.daily_chart.series[0].values) == 5
    assert sum(view.monthly_chart.series[0].values) == 7
    assert len(view.channel_chart.series) == len(Channel)
    qtbot.wait(50)  # let the layout take the new texts
    view.grab().save("/tmp/dashboard.png")


def test_new_data_shows_at_the_next_tick(qtbot, busy_store, runner, clock):
    view = make_view(qtbot, busy_store, runner, clock, NoPresenceServer(), interval_ms=300)
    assert view.figures[("today", "tickets")].text() == "3"
    TicketService(busy_store, "dtv-lan", clock=clock).create(draft(received_at=NOW))
    qtbot.waitUntil(lambda: view.figures[("today", "tickets")].text() == "4", timeout=3000)
    assert view.counts is not None and view.counts.trends is not None  # kept between trend reads


def test_the_default_refresh_is_within_five_seconds(qtbot, store, runner, clock):
    view = make_view(qtbot, store, runner, clock, NoPresenceServer())
    assert view.timer.isActive() and view.timer.interval() <= 5000
    view.hide()
    assert not view.timer.isActive()  # nothing read while nobody looks


def test_without_a_server_the_operators_panel_says_so(qtbot, store, runner, clock):
    view = make_view(qtbot, store, runner, clock, NoPresenceServer())
    assert view.operators_stack.currentWidget() is view.operators_message
    assert view.presence_error == "Chưa kết nối máy chủ."
    assert view.figures[("today", "answer_rate")].text() == "–"
    qtbot.wait(50)
    view.grab().save("/tmp/dashboard-empty.png")


def test_formats() -> None:
    assert format_pct(99.7312) == "99,73%"
    assert format_pct(None) == "–"
    assert format_duration(125.4) == "2:05"


def _request(forwarding_id: str, ticket_code: str) -> ExtensionRequest:
    return ExtensionRequest(
        forwarding_id, ticket_code, "Sở Y tế", 2, "Chờ kiểm tra thực địa.", date(2024, 3, 22)
    )


def highlighted(view: DashboardView) -> str | None:
    """The ticket of the row the supervisor sees chosen (the one Grant answers)."""
    rows = view.requests_table.selectionModel().selectedRows()
    return view.requests_table.item(rows[0].row(), 1).text() if rows else None


def test_a_refreshed_list_of_requests_keeps_the_chosen_request_not_its_row(qtbot, store, runner, clock):
    """The list is read again every few refreshes while the supervisor reads it: a request answered from
    another desk must not slide the next unit's ticket under the row they chose and then press Grant on."""
    view = DashboardView(DashboardService(store, clock=clock), NoPresenceServer(), runner)
    qtbot.addWidget(view)
    first, second, third = _request("f-1", "P-1"), _request("f-2", "P-2"), _request("f-3", "P-3")
    view._show_requests([first, second])
    assert highlighted(view) == "P-1"  # the oldest, when the list first shows
    view.requests_table.selectRow(1)
    assert highlighted(view) == "P-2"

    view._show_requests([second, third])  # the first one was answered elsewhere
    assert highlighted(view) == "P-2" and view.chosen_request() == second and view.grant_button.isEnabled()

    view._show_requests([third])  # the chosen one too: nothing is chosen, nothing can be granted by mistake
    assert highlighted(view) is None and view.chosen_request() is None
    assert not view.grant_button.isEnabled() and not view.refuse_button.isEnabled()
    view.requests_table.selectRow(0)
    assert view.chosen_request() == third and view.grant_button.isEnabled()


class RequestsRefused:
    """A server whose figures answer but whose list of requests fails (an older server, a 500)."""

    def units_on_time(self, first: date, last: date) -> list[UnitOnTime]:
        return [UnitOnTime("Sở Y tế", 3, 1, 0, 1, 1, 100.0)]

    def extension_requests(self) -> list[ExtensionRequest]:
        raise PresenceUnavailable("Máy chủ báo lỗi 404: không có trang này.")

    def decide_extension(self, forwarding_id: str, grant: bool) -> date:
        raise PresenceUnavailable("Máy chủ báo lỗi 404: không có trang này.")


def test_requests_that_could_not_be_read_are_said_not_shown_as_none_waiting(qtbot, store, runner, clock):
    view = DashboardView(DashboardService(store, clock=clock), NoPresenceServer(), runner)
    qtbot.addWidget(view)
    view._show_requests([_request("f-1", "P-1")])
    view._show_units(*_units_read(RequestsRefused(), NOW.date()))
    assert view.units is not None and view.units_error is None  # the figures still show
    assert "404" in view.requests_message.text()  # not a silent "(1)" that may be old, nor "(0)"

    view._show_units([], None, [])  # read again: the reason goes
    assert view.requests_message.text() == "" and view.requests_table.rowCount() == 0
