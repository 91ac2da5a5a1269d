"""Checks of the business catalogs shipped as data in resources/catalogs/.

The catalogs are edited by hand (and later by administrators), so these tests guard their
shape and the facts they must keep: the 52 units of the 2020-2021 Đồng Tháp report, unambiguous
aliases, the four levels, and the public holidays used to count working-day deadlines.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

CATALOGS = Path(__file__).resolve().parents[2] / "resources" / "catalogs"

# Table 1 of seeds/000_f4e7a0da42808e27.txt, STT 1..52, spelled exactly as in the report
# (including its misspellings; rows split over two lines are joined with one space).
TABLE1_UNITS = [
    "Ban ATGT Tỉnh",
    "Ban Quản lý Khu kinh tế",
    "Ban Tiếp Dân",
    "Bảo hiểm xã hội tỉnh Đồng Tháp",
    "BQL Dự án ĐTXD công trình giao thông",
    "BQL Dự án ĐTXD công trình nông nghiệp",
    "Bưu điện tỉnh Đồng Tháp",
    "Công an Tỉnh",
    "Công ty Cổ phần cấp nước và Môi trường Đô thị Đồng Tháp",
    "Công ty Điện lực Đồng Tháp",
    "Cục Hải quan Đồng Tháp",
    "Cục Quản lý thị trường Đồng Tháp",
    "Cục THADS tỉnh Đồng Tháp",
    "Cục Thuế Đồng Tháp",
    "Đài Phát thanh và Truyền hình Đồng Tháp",
    "Đơn Vị Khác",
    "Kho bạc Nhà nước Việt Nam chi nhánh tỉnh Đồng Tháp",
    "Ngân hàng Nhà nước Việt Nam chi nhánh Đồng Tháp",
    "Phòng Thống kê Tổng hợp",
    "Quỹ Đầu tư Phát triển",
    "Sở Công thương",
    "Sở Giáo dục và Đào tạo",
    "Sở Giao thông vận tải",
    "Sở Kế hoạch và Đầu tư",
    "Sở Khoa học và Công nghệ",
    "Sở LĐTB&XH",
    "Sở NN và PTNT",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Tài nguyên và Môi trường",
    "Sở Thông tin và Truyền thông",
    "Sở Tư pháp",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Xây dựng",
    "Sở Y tế",
    "Thanh Tra",
    "Tổng đài 1022",
    "Trung tâm Kiểm soát thủ tục hành chính và Phục vụ Hành chính công",
    "UBND huyện Cao Lãnh",
    "UBND huyện Châu Thành",
    "UBND huyện Hong Ngự",
    "UBND huyện Lai Vung",
    "UBND huyện Lập Vò",
    "UBND huyện Tam Nông",
    "UBND huyện Tân Hong",
    "UBND huyện Thanh Bình",
    "UBND huyện Tháp Mười",
    "UBND Thành phố Cao Lãnh",
    "UBND thành phố Hồng Ngự",
    "UBND Thành phố Sa Đéc",
    "Văn phòng UBND Tỉnh",
    "Viễn thông Đồng Tháp",
]

# Spellings used in tables 4 and 6 of the same report, and usual short forms, that must resolve
# to the given unit code.
OTHER_SPELLINGS = {
    "Sở LĐT&XH": "so-lao-dong-tbxh",
    "BQL Dự án ĐT XD công trình giao thông": "bql-du-an-giao-thong",
    "BQL Dự án ĐT XD công trình nông nghiệp": "bql-du-an-nong-nghiep",
    "UBND huyện Hồng Ngự": "ubnd-huyen-hong-ngu",
    "UBND huyện Lấp Vò": "ubnd-huyen-lap-vo",
    "UBND huyện Tân Hồng": "ubnd-huyen-tan-hong",
    "Sở Lao động - Thương binh và Xã hội": "so-lao-dong-tbxh",
    "Sở Nông nghiệp và Phát triển nông thôn": "so-nong-nghiep-ptnt",
    "Ban An toàn giao thông tỉnh": "ban-atgt-tinh",
    "BHXH tỉnh Đồng Tháp": "bhxh-tinh",
    "Điện lực Đồng Tháp": "dien-luc-dong-thap",
    "VNPT Đồng Tháp": "vien-thong-dong-thap",
    "Trung tâm KSTTHC&PVHCC": "trung-tam-kstthc-pvhcc",
    "Văn phòng UBND tỉnh Đồng Tháp": "van-phong-ubnd-tinh",
    "Sở GD&ĐT": "so-giao-duc-dao-tao",
    "Sở GTVT": "so-giao-thong-van-tai",
    "Sở KH&ĐT": "so-ke-hoach-dau-tu",
    "Sở TN&MT": "so-tai-nguyen-moi-truong",
    "Sở TT&TT": "so-thong-tin-truyen-thong",
    "Sở VHTT&DL": "so-van-hoa-the-thao-du-lich",
    "Tổng đài 1022 tỉnh Đồng Tháp": "tong-dai-1022",
    "Tổng đài": "tong-dai-1022",
}

UNIT_GROUPS = {"tinh", "so_nganh", "huyen", "doanh_nghiep", "tong_dai", "khac"}

# Mùng 1 Tết (lunar new year) and Giỗ Tổ Hùng Vương (10/3 lunar) per year, Vietnamese calendar.
LUNAR_NEW_YEAR = {
    2020: "2020-01-25",
    2021: "2021-02-12",
    2022: "2022-02-01",
    2023: "2023-01-22",
    2024: "2024-02-10",
    2025: "2025-01-29",
    2026: "2026-02-17",
    2027: "2027-02-06",
}
HUNG_KINGS = {
    2020: "2020-04-02",
    2021: "2021-04-21",
    2022: "2022-04-10",
    2023: "2023-04-29",
    2024: "2024-04-18",
    2025: "2025-04-07",
    2026: "2026-04-26",
    2027: "2027-04-16",
}
YEARS = range(2020, 2028)


def fold(text: str) -> str:
    """Case- and diacritic-insensitive key: NFD, drop combining marks, đ->d, lowercase, one space."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.lower().split())


def load(name: str) -> Any:
    path = CATALOGS / name
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{name} must be UTF-8 without BOM"
    return json.loads(raw.decode("utf-8"))


@pytest.fixture(scope="module")
def units() -> list[dict[str, Any]]:
    doc = load("units.json")
    assert doc["version"] == 1
    assert isinstance(doc["source"], str) and doc["source"].strip()
    return doc["units"]


@pytest.fixture(scope="module")
def unit_index(units: list[dict[str, Any]]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for unit in units:
        for label in [unit["name"], *unit["aliases"]]:
            index[fold(label)].add(unit["code"])
    return index


@pytest.fixture(scope="module")
def holidays_doc() -> dict[str, Any]:
    doc = load("holidays.json")
    assert doc["version"] == 1
    assert isinstance(doc["source"], str) and doc["source"].strip()
    return doc


def test_fold_helper() -> None:
    assert fold("UBND  Huyện  Tân Hồng") == "ubnd huyen tan hong"
    assert fold("Đài Phát thanh") == "dai phat thanh"
    assert fold(unicodedata.normalize("NFD", "Sở Y tế")) == fold("Sở Y tế") == "so y te"
    assert fold("Sở Giáo dục") != fold("Sở Giao thông")


def test_catalog_files_are_human_readable_utf8() -> None:
    for name in ("units.json", "fields.json", "levels.json", "holidays.json"):
        text = (CATALOGS / name).read_text(encoding="utf-8")
        assert "\\u" not in text, f"{name}: write Vietnamese as UTF-8, not \\u escapes"
        assert '\n  "version": 1' in text, f"{name}: expected 2-space indented JSON"


def test_fifty_two_units_in_table_order(units: list[dict[str, Any]]) -> None:
    assert len(TABLE1_UNITS) == 52
    assert len(units) == 52
    for position, (unit, table_name) in enumerate(zip(units, TABLE1_UNITS, strict=True), start=1):
        labels = {fold(label) for label in [unit["name"], *unit["aliases"]]}
        assert fold(table_name) in labels, f"STT {position}: {table_name!r} is not unit {unit['code']!r}"


def test_unit_fields(units: list[dict[str, Any]]) -> None:
    for unit in units:
        assert set(unit) >= {"code", "name", "group", "aliases", "active"}, unit
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", unit["code"]), unit["code"]
        assert unit["group"] in UNIT_GROUPS, unit
        assert unit["active"] is True
        assert isinstance(unit["aliases"], list)
        for label in [unit["name"], *unit["aliases"]]:
            assert isinstance(label, str) and label == label.strip() and label, (unit["code"], label)
            assert "  " not in label, (unit["code"], label)
            assert unicodedata.is_normalized("NFC", label), (unit["code"], label)
        exact = [unit["name"], *unit["aliases"]]
        assert len(exact) == len(set(exact)), f"{unit['code']}: repeated alias"


def test_unit_codes_unique(units: list[dict[str, Any]]) -> None:
    codes = Counter(unit["code"] for unit in units)
    assert [code for code, n in codes.items() if n > 1] == []


def test_every_table1_name_matches_exactly_one_unit(unit_index: dict[str, set[str]]) -> None:
    for name in TABLE1_UNITS:
        assert len(unit_index.get(fold(name), set())) == 1, name


def test_folded_labels_unique_across_units(unit_index: dict[str, set[str]]) -> None:
    clashes = {label: sorted(codes) for label, codes in unit_index.items() if len(codes) > 1}
    assert clashes == {}


@pytest.mark.parametrize(("spelling", "code"), sorted(OTHER_SPELLINGS.items()))
def test_other_spellings_resolve(unit_index: dict[str, set[str]], spelling: str, code: str) -> None:
    assert unit_index.get(fold(spelling)) == {code}


def test_misspelt_districts_have_correct_canonical_names(units: list[dict[str, Any]]) -> None:
    by_code = {unit["code"]: unit for unit in units}
    for code, correct, wrong in [
        ("ubnd-huyen-hong-ngu", "UBND huyện Hồng Ngự", "UBND huyện Hong Ngự"),
        ("ubnd-huyen-lap-vo", "UBND huyện Lấp Vò", "UBND huyện Lập Vò"),
        ("ubnd-huyen-tan-hong", "UBND huyện Tân Hồng", "UBND huyện Tân Hong"),
    ]:
        assert by_code[code]["name"] == correct
        assert wrong in by_code[code]["aliases"]


def test_unit_groups_are_plausible(units: list[dict[str, Any]]) -> None:
    by_code = {unit["code"]: unit["group"] for unit in units}
    assert by_code["tong-dai-1022"] == "tong_dai"
    assert by_code["don-vi-khac"] == "khac"
    assert by_code["cong-an-tinh"] == "so_nganh"
    assert by_code["dien-luc-dong-thap"] == "doanh_nghiep"
    groups = Counter(by_code.values())
    assert groups["huyen"] == 12  # 9 districts + 3 cities of Đồng Tháp in 2021
    assert groups["tong_dai"] == 1
    assert groups["khac"] == 1
    for unit in units:
        if unit["name"].startswith("Sở "):
            assert unit["group"] == "so_nganh", unit["code"]


def test_fields() -> None:
    doc = load("fields.json")
    assert doc["version"] == 1
    fields = doc["fields"]
    assert 20 <= len(fields) <= 40
    codes = [field["code"] for field in fields]
    assert len(codes) == len(set(codes))
    names = [fold(field["name"]) for field in fields]
    assert len(names) == len(set(names))
    for field in fields:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", field["code"]), field["code"]
        assert field["name"].strip() and field["active"] is True
    for required in ("dat_dai", "cong_an", "bao_hiem_xa_hoi", "giao_thong_van_tai", "y_te", "khac"):
        assert required in codes


def test_levels() -> None:
    doc = load("levels.json")
    assert doc["version"] == 1
    assert doc["source"].strip()
    levels = doc["levels"]
    assert [level["level"] for level in levels] == [1, 2, 3, 4]
    deadlines = [level["deadline_working_days"] for level in levels]
    assert all(isinstance(d, int) and d >= 0 for d in deadlines)
    assert deadlines == sorted(deadlines)
    assert deadlines[0] == 0  # level 1 is answered at once by the operator
    for level in levels:
        assert level["name"] == f"Cấp độ {level['level']}"
        assert len(level["description"]) > 20


def _dates(entries: list[dict[str, str]]) -> list[str]:
    return [entry["date"] for entry in entries]


def test_holidays_sorted_unique_iso(holidays_doc: dict[str, Any]) -> None:
    for key in ("holidays", "extra_working_days"):
        entries = holidays_doc[key]
        dates = _dates(entries)
        assert dates == sorted(dates), key
        assert len(dates) == len(set(dates)), key
        for entry in entries:
            assert dt.date.fromisoformat(entry["date"]).isoformat() == entry["date"]
            assert entry["name"].strip()


def test_holidays_cover_2020_to_2027(holidays_doc: dict[str, Any]) -> None:
    dates = set(_dates(holidays_doc["holidays"]))
    assert {int(d[:4]) for d in dates} == set(YEARS)
    for year in YEARS:
        for fixed in ("01-01", "04-30", "05-01", "09-02"):
            assert f"{year}-{fixed}" in dates, f"{year}-{fixed}"
        assert LUNAR_NEW_YEAR[year] in dates, f"Tết {year}"
        assert HUNG_KINGS[year] in dates, f"Giỗ Tổ {year}"
        tet = dt.date.fromisoformat(LUNAR_NEW_YEAR[year])
        # Five statutory Tết days: at least five days off within a week of mùng 1.
        near_tet = [d for d in dates if abs((dt.date.fromisoformat(d) - tet).days) <= 7]
        assert len(near_tet) >= 5, f"Tết {year}: {sorted(near_tet)}"


def test_national_day_has_two_days_from_2021(holidays_doc: dict[str, Any]) -> None:
    dates = set(_dates(holidays_doc["holidays"]))
    for year in range(2021, 2028):
        assert f"{year}-09-01" in dates or f"{year}-09-03" in dates, year


def test_holidays_falling_on_weekend_are_compensated(holidays_doc: dict[str, Any]) -> None:
    """A statutory day on Saturday/Sunday gives a day off (nghỉ bù) on a working day."""
    entries = holidays_doc["holidays"]
    weekday_off = {d for d in _dates(entries) if dt.date.fromisoformat(d).weekday() < 5}
    for year in YEARS:
        for statutory in (f"{year}-01-01", f"{year}-04-30", f"{year}-05-01", HUNG_KINGS[year]):
            day = dt.date.fromisoformat(statutory)
            if day.weekday() < 5:
                continue
            following = {(day + dt.timedelta(days=n)).isoformat() for n in range(1, 6)}
            assert following & weekday_off, f"no nghỉ bù after {statutory}"


def test_extra_working_days(holidays_doc: dict[str, Any]) -> None:
    holidays = set(_dates(holidays_doc["holidays"]))
    extra = _dates(holidays_doc["extra_working_days"])
    assert extra, "the swapped Saturdays (làm bù) must be listed"
    for date in extra:
        assert date not in holidays, date
        assert dt.date.fromisoformat(date).weekday() == 5, f"{date} is not a Saturday"
    for known in ("2024-05-04", "2025-02-08", "2025-04-26"):
        assert known in extra
