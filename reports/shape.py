"""The report as JSON (issue #7's exact shape), and the one rounding rule for its percentages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import NotRequired, TypedDict

PeriodJson = TypedDict("PeriodJson", {"from": str, "to": str})


class Totals(TypedDict):
    tickets: int
    resolved: int
    in_progress: int
    resolved_pct: float
    tthc: int
    tthc_resolved: int


class Calls(TypedDict):
    inbound: int
    outbound: int
    missed: int


class UnitRow(TypedDict):
    unit: str
    total: int
    resolved: int
    in_progress: int
    levels: dict[str, int]
    types: dict[str, int]
    resolved_pct: float


class AttitudeLateRow(TypedDict):
    unit: str
    attitude: int
    late: int


class SatisfactionRow(TypedDict):
    unit: str
    tickets: int
    rated: int
    unresolved_unrated: int
    hai_long: int
    khong_hai_long: dict[str, int]
    khong_phan_hoi: int


class OnTimeFigures(TypedDict):
    """Forwarded tickets against their deadlines (reports.unit_timeliness): "xử lý đúng hạn"."""

    forwarded: int
    answered_on_time: int
    answered_late: int
    overdue_now: int
    waiting: int
    returned: int
    on_time_rate: float | None  # answered on time / answered, in percent; None when nothing was answered
    median_working_days: float | None
    # Forwarded before the period, still with the unit (overdue among them): not in the figures above;
    # absent from a report of a server before them.
    carried_over: NotRequired[int]
    carried_over_overdue: NotRequired[int]


class OnTimeRow(OnTimeFigures):
    unit_code: str
    unit: str


class OnTime(TypedDict):
    today: str
    units: list[OnTimeRow]
    total: OnTimeFigures
    # The tickets forwarded in the period: fewer than the forwardings when one went to a second unit.
    tickets_forwarded: NotRequired[int]


class AreaRow(OnTimeFigures):
    """ "Tiến độ xử lý phản ánh, kiến nghị theo địa bàn hành chính": tickets of the citizens of one area
    received in the period, and the forwardings made in the period of tickets from that area."""

    area_code: str | None
    area: str
    tickets: int
    resolved: int
    in_progress: int


class Report(TypedDict):
    period: PeriodJson
    totals: Totals
    calls: Calls
    channels: dict[str, int]
    units: list[UnitRow]
    attitude_late: list[AttitudeLateRow]
    satisfaction: list[SatisfactionRow]
    # Only where forwardings are recorded (the server): the desk holds no forwarding record.
    on_time: NotRequired[OnTime]
    areas: NotRequired[list[AreaRow]]


def percent(part: int, whole: int) -> float:
    """part/whole in percent, rounded half up to 2 decimals as a person would by hand; 0 of 0 is 0."""
    if whole == 0:
        return 0.0
    exact = Decimal(part * 100) / Decimal(whole)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
