"""The report as JSON (issue #7's exact shape), and the one rounding rule for its percentages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

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


class Report(TypedDict):
    period: PeriodJson
    totals: Totals
    calls: Calls
    channels: dict[str, int]
    units: list[UnitRow]
    attitude_late: list[AttitudeLateRow]
    satisfaction: list[SatisfactionRow]


def percent(part: int, whole: int) -> float:
    """part/whole in percent, rounded half up to 2 decimals as a person would by hand; 0 of 0 is 0."""
    if whole == 0:
        return 0.0
    exact = Decimal(part * 100) / Decimal(whole)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
