"""The province's own appendix (seeds/000_f4e7a0da42808e27.txt) rebuilt: tickets whose counts equal a few
rows of its tables 1, 4 and 6, imported through the desk's importer, must give those rows back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from report_builders import REASONS, TYPES, Row, import_rows, seed_number, spread
from store_keys import open_test_store

from desktop.services.supervisor.reports import ReportService
from desktop.store.local import LocalStore

# Table 1 (2020-2021), copied from the seed as it is printed: unit, total, resolved, in progress, levels 1-4,
# the 8 request types, resolved %, in-progress % (an empty last cell written "-").
TABLE_1 = """\
Bưu điện tỉnh Đồng Tháp	195	193	2	30	151	14		61	98	30	2		2		2	98.97%	1.03%
Sở Thông tin và Truyền thông	54	53	1	24	28	2		23	22	1			1		7	98.15%	1.85%
Sở Tư pháp	148	148		134	12	2		134	12				1		1	100%	-
UBND huyện Châu Thành	455	454	1	97	229	129		224	182	19	10	3	4	6	7	99.78%	0.22%
"""
# Table 4 rows of the same units (unit, total, attitude, late, attitude %, late %).
TABLE_4 = """\
Bưu điện tỉnh Đồng Tháp	2		2		100%
UBND huyện Châu Thành	13	3	10	23.08%	76.92%
"""
# Table 6 (2021): unit, tickets, rated, in progress unrated, satisfied, 6 reasons, no response.
TABLE_6 = """\
Bưu điện tỉnh Đồng Tháp	139	132	2	131			1				5
Công an Tỉnh	762	667	77	664				2		1	18
UBND Thành phố Cao Lãnh	1.011	956	6	933	7	3	4	5		4	49
"""


def cells(table: str) -> list[list[str]]:
    return [line.split("\t") for line in table.splitlines()]


def day_of(i: int, year: int) -> str:
    return f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}T{8 + i % 9:02d}:15:00+07:00"


def table_1_rows() -> list[Row]:
    rows: list[Row] = []
    for unit, total, resolved, _, *rest in cells(TABLE_1):
        levels = spread([seed_number(c) for c in rest[:4]], ["1", "2", "3", "4"])
        types = spread([seed_number(c) for c in rest[4:12]], TYPES)
        statuses = ["da_xu_ly"] * seed_number(resolved)
        statuses += ["dang_xu_ly"] * (seed_number(total) - len(statuses))
        for i, (level, kind, status) in enumerate(zip(levels, types, statuses, strict=True)):
            code = f"T1-{unit[:12]}-{i}"
            rows.append(
                Row(code, day_of(i, 2020), unit=unit, request_type=kind, level=int(level), status=status)
            )
    return rows


def table_6_rows() -> list[Row]:
    rows: list[Row] = []
    for unit, total, _, unrated, happy, *rest in cells(TABLE_6):
        answers = [("dang_xu_ly", "chua_danh_gia", "")] * seed_number(unrated)
        answers += [("da_xu_ly", "hai_long", "")] * seed_number(happy)
        answers += [
            ("da_xu_ly", "khong_hai_long", r) for r in spread([seed_number(c) for c in rest[:6]], REASONS)
        ]
        answers += [("da_xu_ly", "khong_phan_hoi", "")] * seed_number(rest[6])
        assert len(answers) == seed_number(total)
        for i, (status, rating, reason) in enumerate(answers):
            code = f"T6-{unit[:12]}-{i}"
            rows.append(
                Row(
                    code,
                    day_of(i, 2021),
                    unit=unit,
                    level=2,
                    status=status,
                    satisfaction=rating,
                    reason=reason,
                )
            )
    return rows


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStore]:
    """One store for the module: the tests only read it."""
    folder = tmp_path_factory.mktemp("seed-tables")
    store = open_test_store(folder / "data")
    import_rows(store, table_1_rows(), folder)
    import_rows(store, table_6_rows(), folder)
    yield store
    store.close()


def test_table_1_rows_come_back_with_the_provinces_percentages(seeded: LocalStore) -> None:
    report = ReportService(seeded).report(date(2020, 1, 1), date(2020, 12, 31))
    rows = {row["unit"]: row for row in report["units"]}
    for unit, total, resolved, in_progress, *rest in cells(TABLE_1):
        row = rows[unit]
        assert row["total"] == seed_number(total)
        assert row["resolved"] == seed_number(resolved)
        assert row["in_progress"] == seed_number(in_progress)
        assert list(row["levels"].values()) == [seed_number(c) for c in rest[:4]]
        assert list(row["types"].values()) == [seed_number(c) for c in rest[4:12]]
        assert row["resolved_pct"] == float(rest[12].rstrip("%"))
    assert report["totals"]["tickets"] == 195 + 54 + 148 + 455
    assert report["totals"]["resolved"] == 193 + 53 + 148 + 454


def test_table_4_rows_come_back(seeded: LocalStore) -> None:
    report = ReportService(seeded).report(date(2020, 1, 1), date(2020, 12, 31))
    expected = [
        {"unit": unit, "attitude": seed_number(attitude), "late": seed_number(late)}
        for unit, _, attitude, late, *_ in cells(TABLE_4)
    ]
    assert report["attitude_late"] == expected
    for (_, total, *_), row in zip(cells(TABLE_4), report["attitude_late"], strict=True):
        assert row["attitude"] + row["late"] == seed_number(total)


def test_table_6_rows_come_back(seeded: LocalStore) -> None:
    report = ReportService(seeded).report(date(2021, 1, 1), date(2021, 12, 31))
    rows = {row["unit"]: row for row in report["satisfaction"]}
    for unit, total, rated, unrated, happy, *rest in cells(TABLE_6):
        assert rows[unit] == {
            "unit": unit,
            "tickets": seed_number(total),
            "rated": seed_number(rated),
            "unresolved_unrated": seed_number(unrated),
            "hai_long": seed_number(happy),
            "khong_hai_long": dict(zip(REASONS, (seed_number(c) for c in rest[:6]), strict=True)),
            "khong_phan_hoi": seed_number(rest[6]),
        }
    # the 2020 tickets of table 1 are not in 2021
    assert report["totals"]["tickets"] == 139 + 762 + 1011
