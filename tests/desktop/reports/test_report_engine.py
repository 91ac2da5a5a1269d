"""The report engine over a hand-counted November: every table, the period's edges, merged/renamed units."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from desktop.services.supervisor.reports import ReportService, desktop_source, is_short
from desktop.store.local import LocalStore
from reports import Period, build_report
from reports.period import parse_day

ZERO_LEVELS = {"1": 0, "2": 0, "3": 0, "4": 0}
ZERO_TYPES = dict.fromkeys(
    [
        "hoi_thong_tin",
        "phan_anh",
        "dang_ky",
        "phan_anh_cham_tre",
        "phan_anh_thai_do",
        "gop_y",
        "khieu_nai",
        "khac",
    ],
    0,
)
ZERO_REASONS = dict.fromkeys(
    ["co_che_chinh_sach", "nguon_luc", "yeu_cau_khong_phu_hop", "don_vi_tra_loi", "tong_dai_vien", "khac"], 0
)


def unit_row(
    unit: str, total: int, resolved: int, levels: dict[str, int], types: dict[str, int], pct: float
) -> dict:  # type: ignore[type-arg]
    return {
        "unit": unit,
        "total": total,
        "resolved": resolved,
        "in_progress": total - resolved,
        "levels": {**ZERO_LEVELS, **levels},
        "types": {**ZERO_TYPES, **types},
        "resolved_pct": pct,
    }


def satisfaction_row(unit: str, tickets: int, rated: int, unrated: int, happy: int, reasons: dict[str, int],
                     silent: int) -> dict:  # type: ignore[type-arg]  # fmt: skip
    return {
        "unit": unit,
        "tickets": tickets,
        "rated": rated,
        "unresolved_unrated": unrated,
        "hai_long": happy,
        "khong_hai_long": {**ZERO_REASONS, **reasons},
        "khong_phan_hoi": silent,
    }


def test_every_table_of_november_matches_the_hand_count(november: LocalStore) -> None:
    report = ReportService(november).report(date(2021, 11, 1), date(2021, 11, 30))

    assert report["period"] == {"from": "2021-11-01", "to": "2021-11-30"}
    assert report["totals"] == {
        "tickets": 8, "resolved": 6, "in_progress": 2, "resolved_pct": 75.0, "tthc": 3, "tthc_resolved": 2,
    }  # fmt: skip
    assert report["calls"] == {"inbound": 5, "outbound": 2, "missed": 3}
    assert report["channels"] == {
        "dien_thoai": 3, "email": 1, "zalo": 1, "website": 1, "facebook": 1, "app_mobile": 1,
        "he_thong_tthc_tinh": 0,
    }  # fmt: skip
    rows = {row["unit"]: row for row in report["units"]}
    # the 51 active units of the catalog, plus the merged one because it has tickets in the period
    assert len(report["units"]) == 52
    assert rows["Công an Tỉnh"] == unit_row(
        "Công an Tỉnh", 2, 1, {"2": 2}, {"phan_anh": 1, "phan_anh_cham_tre": 1}, 50.0
    )
    assert rows["Tổng đài 1022"] == unit_row("Tổng đài 1022", 2, 2, {"1": 2}, {"hoi_thong_tin": 2}, 100.0)
    assert rows["UBND huyện Cao Lãnh"] == unit_row(
        "UBND huyện Cao Lãnh", 2, 1, {"3": 1, "2": 1}, {"phan_anh_thai_do": 1, "khieu_nai": 1}, 50.0
    )
    assert rows["UBND Thành phố Cao Lãnh"] == unit_row(
        "UBND Thành phố Cao Lãnh", 1, 1, {"4": 1}, {"gop_y": 1}, 100.0
    )
    assert rows["Sở Y tế tỉnh Đồng Tháp"] == unit_row(
        "Sở Y tế tỉnh Đồng Tháp", 1, 1, {"2": 1}, {"khac": 1}, 100.0
    )
    assert "Sở Y tế" not in rows
    assert rows["Cục Hải quan Đồng Tháp"] == unit_row("Cục Hải quan Đồng Tháp", 0, 0, {}, {}, 0.0)
    assert [row["unit"] for row in report["units"]][:3] == [
        "Ban ATGT Tỉnh",
        "Ban Quản lý Khu kinh tế",
        "Ban Tiếp Dân",
    ]

    assert report["attitude_late"] == [
        {"unit": "Công an Tỉnh", "attitude": 0, "late": 1},
        {"unit": "UBND huyện Cao Lãnh", "attitude": 1, "late": 0},
    ]
    happy = {row["unit"]: row for row in report["satisfaction"]}
    assert len(report["satisfaction"]) == 52
    assert happy["Công an Tỉnh"] == satisfaction_row("Công an Tỉnh", 2, 1, 1, 0, {"don_vi_tra_loi": 1}, 0)
    assert happy["Tổng đài 1022"] == satisfaction_row("Tổng đài 1022", 2, 1, 0, 1, {}, 1)
    assert happy["UBND huyện Cao Lãnh"] == satisfaction_row("UBND huyện Cao Lãnh", 2, 1, 1, 1, {}, 0)
    assert happy["UBND Thành phố Cao Lãnh"] == satisfaction_row(
        "UBND Thành phố Cao Lãnh", 1, 1, 0, 0, {"co_che_chinh_sach": 1}, 0
    )
    assert happy["Sở Y tế tỉnh Đồng Tháp"] == satisfaction_row("Sở Y tế tỉnh Đồng Tháp", 1, 0, 0, 0, {}, 0)
    assert json.loads(json.dumps(report)) == report  # plain JSON, nothing else


def test_the_json_has_exactly_the_issues_keys(november: LocalStore) -> None:
    report = ReportService(november).report(date(2021, 11, 1), date(2021, 11, 30))
    assert list(report) == ["period", "totals", "calls", "channels", "units", "attitude_late", "satisfaction"]
    assert list(report["period"]) == ["from", "to"]
    assert list(report["totals"]) == [
        "tickets",
        "resolved",
        "in_progress",
        "resolved_pct",
        "tthc",
        "tthc_resolved",
    ]
    assert list(report["calls"]) == ["inbound", "outbound", "missed"]
    assert list(report["units"][0]) == [
        "unit",
        "total",
        "resolved",
        "in_progress",
        "levels",
        "types",
        "resolved_pct",
    ]
    assert list(report["attitude_late"][0]) == ["unit", "attitude", "late"]
    assert list(report["satisfaction"][0]) == [
        "unit", "tickets", "rated", "unresolved_unrated", "hai_long", "khong_hai_long", "khong_phan_hoi",
    ]  # fmt: skip


def test_the_period_edges_are_vietnam_days_both_inclusive(november: LocalStore) -> None:
    service = ReportService(november)
    first_day = service.report(date(2021, 11, 1), date(2021, 11, 1))
    # 00:00:00 in Vietnam, given once as +07:00 and once as 17:00 UTC the day before
    assert first_day["totals"]["tickets"] == 2
    last_day = service.report(date(2021, 11, 30), date(2021, 11, 30))
    assert last_day["totals"]["tickets"] == 1  # 23:59:59; the ticket at 17:00 UTC is already 1 December
    assert last_day["calls"] == {"inbound": 1, "outbound": 0, "missed": 1}
    december = service.report(date(2021, 12, 1), date(2021, 12, 31))
    assert december["totals"]["tickets"] == 1
    assert december["calls"]["inbound"] == 1
    october = service.report(date(2021, 10, 31), date(2021, 10, 31))
    assert october["totals"]["tickets"] == 1
    assert october["calls"] == {"inbound": 1, "outbound": 0, "missed": 1}


def test_a_merged_unit_without_tickets_in_the_period_has_no_row(november: LocalStore) -> None:
    december = ReportService(november).report(date(2021, 12, 1), date(2021, 12, 31))
    names = [row["unit"] for row in december["units"]]
    assert "UBND huyện Cao Lãnh" not in names
    assert len(names) == 51
    assert december["attitude_late"] == [{"unit": "Công an Tỉnh", "attitude": 0, "late": 1}]


def test_an_empty_period_still_lists_every_code(store: LocalStore) -> None:
    report = ReportService(store).report(date(2030, 1, 1), date(2030, 1, 31))
    assert report["totals"] == {
        "tickets": 0, "resolved": 0, "in_progress": 0, "resolved_pct": 0.0, "tthc": 0, "tthc_resolved": 0,
    }  # fmt: skip
    assert report["channels"] == dict.fromkeys(
        ["dien_thoai", "email", "zalo", "website", "facebook", "app_mobile", "he_thong_tthc_tinh"], 0
    )
    assert report["attitude_late"] == []
    assert all(row["types"] == ZERO_TYPES and row["levels"] == ZERO_LEVELS for row in report["units"])
    assert all(row["khong_hai_long"] == ZERO_REASONS for row in report["satisfaction"])


def test_without_a_hotline_unit_tickets_without_unit_get_their_own_row(november: LocalStore) -> None:
    source = desktop_source()
    unbound = replace(source, codes=replace(source.codes, hotline_unit=None))
    with november.engine.connect() as connection:
        report = build_report(connection, unbound, Period(date(2021, 11, 1), date(2021, 11, 30)))
    rows = {row["unit"]: row for row in report["units"]}
    assert report["units"][-1]["unit"] == "Chưa giao đơn vị"
    assert rows["Chưa giao đơn vị"]["total"] == 2
    assert rows["Tổng đài 1022"]["total"] == 0
    assert report["totals"]["tickets"] == 8


def test_a_period_that_ends_before_it_starts_is_refused_in_vietnamese() -> None:
    with pytest.raises(ValueError, match="đứng trước ngày bắt đầu"):
        Period(date(2021, 11, 30), date(2021, 11, 1))


@pytest.mark.parametrize("text", ["2021-11-01", " 01/11/2021 ", "1/11/2021"])
def test_a_day_is_read_as_iso_or_as_vietnamese_write_it(text: str) -> None:
    assert parse_day(text) == date(2021, 11, 1)


@pytest.mark.parametrize("text", ["2021-11-31", "31/11/2021", "11/2021", "hôm qua"])
def test_a_day_that_is_not_one_is_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(ValueError, match="không phải ngày"):
        parse_day(text)


def _ticket_count_plan(connection: Any, short_period: bool, period: Period) -> str:
    t = desktop_source(short_period=short_period).tickets
    dimensions = (t.unit, t.status, t.level, t.request_type, t.channel, t.is_tthc, t.satisfaction)
    query = (
        select(*dimensions, func.count())
        .where(t.received_at >= period.starts_at, t.received_at < period.ends_before)
        .group_by(*dimensions)
    )
    compiled = query.compile(connection)
    bounds = (period.starts_at.isoformat(), period.ends_before.isoformat())  # its two ?, in order
    plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), bounds).all()
    return " ".join(str(row[-1]) for row in plan)


def test_a_month_is_read_through_the_reception_date_and_a_year_through_the_report_index(
    november: LocalStore,
) -> None:
    month, year = Period(date(2021, 11, 1), date(2021, 11, 30)), Period(date(2021, 1, 1), date(2021, 12, 31))
    assert is_short(month) and not is_short(year)
    with november.engine.connect() as connection:
        assert "ix_tickets_received" in _ticket_count_plan(connection, True, month)
        assert "ix_tickets_report" in _ticket_count_plan(connection, False, year)
        by_date = build_report(connection, desktop_source(short_period=True), month)
        by_report_index = build_report(connection, desktop_source(), month)
    assert by_date == by_report_index == ReportService(november).report_for(month)
