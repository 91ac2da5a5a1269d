"""The report's numbers: three queries in one snapshot (tickets by unit, calls, the unit catalog).

Every per-unit figure, the channels, TTHC and satisfaction come from ONE grouped pass over the
period's tickets, by every value the tables split on; the groups are added up here, so a report
costs one scan (of a covering index on the desktop) however many tables it shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from reports.period import Period
from reports.shape import (
    AttitudeLateRow,
    Calls,
    Report,
    SatisfactionRow,
    UnitRow,
    percent,
)
from reports.source import ReportSource

Counts = dict[str, int]


@dataclass(frozen=True)
class _CatalogUnit:
    code: str
    name: str
    active: bool
    sort_order: int


def build_report(connection: Connection, source: ReportSource, period: Period) -> Report:
    """The report of `period`; run the caller's connection in one transaction for one snapshot."""
    by_unit = _ticket_counts(connection, source, period)
    calls = _call_counts(connection, source, period)
    catalog = _catalog(connection, source)
    rows = _unit_rows(by_unit, catalog, source)
    codes = source.codes
    totals = _sum(counts for _, counts in rows)
    return {
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
        "totals": {
            "tickets": totals["total"],
            "resolved": totals["resolved"],
            "in_progress": totals["total"] - totals["resolved"],
            "resolved_pct": percent(totals["resolved"], totals["total"]),
            "tthc": totals["tthc"],
            "tthc_resolved": totals["tthc_resolved"],
        },
        "calls": calls,
        "channels": {channel: totals[f"channel:{channel}"] for channel in codes.channels},
        "units": [_unit_row(name, counts, source) for name, counts in rows],
        "attitude_late": [
            _attitude_late_row(name, counts, source)
            for name, counts in rows
            if counts[f"type:{codes.attitude}"] or counts[f"type:{codes.late}"]
        ],
        "satisfaction": [_satisfaction_row(name, counts, source) for name, counts in rows],
    }


def _condition_keys(source: ReportSource) -> list[str]:
    """Each filtered count the tables need, by key, in a fixed order."""
    codes = source.codes
    return [
        "total",
        "resolved",
        *(f"level:{level}" for level in codes.levels),
        *(f"type:{code}" for code in codes.request_types),
        *(f"channel:{code}" for code in codes.channels),
        "tthc",
        "tthc_resolved",
        "hai_long",
        "khong_hai_long",
        "khong_phan_hoi",
        "unresolved_unrated",
        *(f"reason:{code}" for code in codes.dissatisfaction_reasons),
    ]


def _keys_of(
    source: ReportSource,
    status: str,
    level: int,
    request_type: str,
    channel: str,
    is_tthc: bool,
    satisfaction: str,
    reason: str | None,
) -> list[str]:
    """The counts a ticket with these values adds one to."""
    codes = source.codes
    resolved = status == codes.resolved
    keys = ["total", f"level:{level}", f"type:{request_type}", f"channel:{channel}"]
    if resolved:
        keys.append("resolved")
    if is_tthc:
        keys += ["tthc", "tthc_resolved"] if resolved else ["tthc"]
    if satisfaction == codes.satisfied:
        keys.append("hai_long")
    elif satisfaction == codes.dissatisfied:
        keys += ["khong_hai_long", f"reason:{reason}"]
    elif satisfaction == codes.no_response:
        keys.append("khong_phan_hoi")
    elif satisfaction == codes.not_rated and status == codes.in_progress:
        keys.append("unresolved_unrated")
    return keys


def _ticket_counts(connection: Connection, source: ReportSource, period: Period) -> dict[str | None, Counts]:
    """One GROUP BY over every value the tables split on (a few thousand groups for a million
    tickets); the groups are then added up per unit. A covering index led by these columns
    (`ix_tickets_report` on the desktop) answers it without reading a ticket row."""
    t = source.tickets
    dimensions = (
        t.unit,
        t.status,
        t.level,
        t.request_type,
        t.channel,
        t.is_tthc,
        t.satisfaction,
        t.dissatisfaction_reason,
    )
    query = (
        select(*dimensions, func.count())
        .where(t.received_at >= period.starts_at, t.received_at < period.ends_before)
        .group_by(*dimensions)
    )
    keys = _condition_keys(source)
    by_unit: dict[str | None, Counts] = {}
    for (
        unit,
        status,
        level,
        request_type,
        channel,
        is_tthc,
        satisfaction,
        reason,
        count,
    ) in connection.execute(query):
        counts = by_unit.get(unit)
        if counts is None:
            counts = by_unit[unit] = dict.fromkeys(keys, 0)
        for key in _keys_of(
            source, status, int(level), request_type, channel, bool(is_tthc), satisfaction, reason
        ):
            if key in counts:  # a code outside the vocabulary counts in the total only
                counts[key] += count
    return by_unit


def _call_counts(connection: Connection, source: ReportSource, period: Period) -> Calls:
    c, codes = source.calls, source.codes
    query = (
        select(c.direction, c.outcome, func.count())
        .where(c.started_at >= period.starts_at, c.started_at < period.ends_before)
        .group_by(c.direction, c.outcome)
    )
    inbound = outbound = missed = 0
    for direction, outcome, count in connection.execute(query):
        if direction == codes.inbound:
            inbound += count
            if outcome in codes.missed_outcomes:
                missed += count
        elif direction == codes.outbound:
            outbound += count
    return {"inbound": inbound, "outbound": outbound, "missed": missed}


def _catalog(connection: Connection, source: ReportSource) -> dict[str, _CatalogUnit]:
    u = source.units
    query = select(u.code, u.name, u.active, u.sort_order)
    return {
        code: _CatalogUnit(code, name, bool(active), sort_order or 0)
        for code, name, active, sort_order in connection.execute(query)
    }


def _unit_rows(
    by_unit: dict[str | None, Counts], catalog: dict[str, _CatalogUnit], source: ReportSource
) -> list[tuple[str, Counts]]:
    """(catalog name, counts) per unit: every active unit, and any other unit that has tickets.

    A renamed unit shows its current name; a merged or retired unit keeps its own row, under its
    own name, for the tickets it handled (they were never moved to the unit that absorbed it).
    Tickets without a unit are the hotline's own and join its row.
    """
    keys = _condition_keys(source)
    unassigned = by_unit.get(None)
    counts = {code: values for code, values in by_unit.items() if code is not None}
    hotline = source.codes.hotline_unit
    if unassigned is not None and hotline is not None and hotline in catalog:
        counts[hotline] = _sum([counts.get(hotline, dict.fromkeys(keys, 0)), unassigned])
    ordered = sorted(catalog.values(), key=lambda unit: (unit.sort_order, unit.name))
    rows = [
        (unit.name, counts.get(unit.code, dict.fromkeys(keys, 0)))
        for unit in ordered
        if unit.active or unit.code in counts
    ]
    rows += [(code, counts[code]) for code in sorted(code for code in counts if code not in catalog)]
    if unassigned is not None and (hotline is None or hotline not in catalog):
        rows.append((source.codes.unassigned_name, unassigned))
    return rows


def _sum(many: Iterable[Counts]) -> Counts:
    """Every count added up; a key no row has counts 0 (no units, no tickets: a report of zeros)."""
    total: Counts = defaultdict(int)
    for counts in many:
        for key, value in counts.items():
            total[key] += value
    return total


def _unit_row(name: str, counts: Counts, source: ReportSource) -> UnitRow:
    codes = source.codes
    return {
        "unit": name,
        "total": counts["total"],
        "resolved": counts["resolved"],
        "in_progress": counts["total"] - counts["resolved"],
        "levels": {str(level): counts[f"level:{level}"] for level in codes.levels},
        "types": {code: counts[f"type:{code}"] for code in codes.request_types},
        "resolved_pct": percent(counts["resolved"], counts["total"]),
    }


def _attitude_late_row(name: str, counts: Counts, source: ReportSource) -> AttitudeLateRow:
    codes = source.codes
    return {"unit": name, "attitude": counts[f"type:{codes.attitude}"], "late": counts[f"type:{codes.late}"]}


def _satisfaction_row(name: str, counts: Counts, source: ReportSource) -> SatisfactionRow:
    return {
        "unit": name,
        "tickets": counts["total"],
        "rated": counts["hai_long"] + counts["khong_hai_long"],
        "unresolved_unrated": counts["unresolved_unrated"],
        "hai_long": counts["hai_long"],
        "khong_hai_long": {code: counts[f"reason:{code}"] for code in source.codes.dissatisfaction_reasons},
        "khong_phan_hoi": counts["khong_phan_hoi"],
    }
