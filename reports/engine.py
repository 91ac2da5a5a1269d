"""The report's numbers: three queries in one snapshot (tickets by unit, calls, the unit catalog).

Every per-unit figure, the channels, TTHC and satisfaction come from ONE grouped pass over the
period's tickets (filtered counts, `count(*) FILTER (WHERE ...)`, which SQLite >= 3.30 and PostgreSQL
both run), so a report costs one scan of the period however many tables it shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, and_, func, select

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


def _conditions(source: ReportSource) -> list[tuple[str, ColumnElement[bool]]]:
    """Each filtered count the tables need, by key."""
    t, codes = source.tickets, source.codes
    resolved = t.status == codes.resolved
    conditions: list[tuple[str, ColumnElement[bool]]] = [("resolved", resolved)]
    conditions += [(f"level:{level}", t.level == level) for level in codes.levels]
    conditions += [(f"type:{code}", t.request_type == code) for code in codes.request_types]
    conditions += [(f"channel:{code}", t.channel == code) for code in codes.channels]
    conditions += [
        ("tthc", t.is_tthc.is_(True)),
        ("tthc_resolved", and_(t.is_tthc.is_(True), resolved)),
        ("hai_long", t.satisfaction == codes.satisfied),
        ("khong_hai_long", t.satisfaction == codes.dissatisfied),
        ("khong_phan_hoi", t.satisfaction == codes.no_response),
        ("unresolved_unrated", and_(t.status == codes.in_progress, t.satisfaction == codes.not_rated)),
    ]
    conditions += [
        (f"reason:{code}", and_(t.satisfaction == codes.dissatisfied, t.dissatisfaction_reason == code))
        for code in codes.dissatisfaction_reasons
    ]
    return conditions


def _ticket_counts(connection: Connection, source: ReportSource, period: Period) -> dict[str | None, Counts]:
    t = source.tickets
    conditions = _conditions(source)
    query = (
        select(
            t.unit,
            func.count().label("total"),
            *(func.count().filter(condition).label(f"c{i}") for i, (_, condition) in enumerate(conditions)),
        )
        .where(t.received_at >= period.starts_at, t.received_at < period.ends_before)
        .group_by(t.unit)
    )
    keys = ["total", *(key for key, _ in conditions)]
    return {
        row[0]: dict(zip(keys, (int(n) for n in row[1:]), strict=True)) for row in connection.execute(query)
    }


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
    keys = _conditions_keys(source)
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


def _conditions_keys(source: ReportSource) -> list[str]:
    return ["total", *(key for key, _ in _conditions(source))]


def _sum(many: Iterable[Counts]) -> Counts:
    total: Counts = {}
    for counts in many:
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
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
