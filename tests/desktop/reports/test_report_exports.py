"""The XLSX and DOCX of the hand-counted November, reopened with openpyxl and python-docx, cell by cell."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any
from zipfile import ZipFile

import docx
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from desktop.services.supervisor.reports import ReportService
from desktop.store.local import LocalStore
from reports import Report
from reports.export_docx import write_docx
from reports.export_xlsx import COUNT_FORMAT, write_xlsx

SHEETS = [
    "1. Theo đơn vị", "2. Kênh tiếp nhận", "3. Thủ tục hành chính", "4. Thái độ, chậm trễ", "5. Hài lòng",
    "6. Cuộc gọi",
]  # fmt: skip
FIRST_ROW = 6  # title, period, table title, then header rows from row 4


@pytest.fixture
def report(november: LocalStore) -> Report:
    return ReportService(november).report(date(2021, 11, 1), date(2021, 11, 30))


def values(sheet: Worksheet, row: int) -> list[Any]:
    return [cell.value for cell in sheet[row]]


def row_of(sheet: Worksheet, unit: str) -> int:
    return next(cell.row for cell in sheet["B"] if cell.value == unit)


def test_the_workbook_has_the_appendix_tables_cell_by_cell(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "bao-cao.xlsx"
    titles: list[str] = []
    write_xlsx(report, path, titles.append)
    book = load_workbook(path)
    assert book.sheetnames == SHEETS
    assert len(titles) == 6

    units = book["1. Theo đơn vị"]
    assert units["A2"].value == "Từ ngày 01/11/2021 đến ngày 30/11/2021"
    assert values(units, 4) == [
        "STT", "Đơn vị", "Tổng", "Tình hình giải quyết", None, "Cấp độ", None, None, None, "Loại yêu cầu",
        None, None, None, None, None, None, None, "Tỷ lệ xử lý", None, "Ghi chú",
    ]  # fmt: skip
    assert values(units, 5)[3:19] == [
        "Đã xử lý", "Đang xử lý", "Cấp 1", "Cấp 2", "Cấp 3", "Cấp 4", "Hỏi thông tin", "Phản ánh", "Đăng ký",
        "Phản ánh chậm trễ", "Phản ánh thái độ công chức", "Góp ý", "Khiếu nại", "Khác", "Tỷ lệ đã xử lý",
        "Tỷ lệ đang xử lý",
    ]  # fmt: skip
    assert sorted(str(merged) for merged in units.merged_cells.ranges) == sorted(
        ["A4:A5", "B4:B5", "C4:C5", "D4:E4", "F4:I4", "J4:Q4", "R4:S4", "T4:T5"]
    )
    assert values(units, FIRST_ROW)[:3] == [1, "Ban ATGT Tỉnh", 0]
    police = row_of(units, "Công an Tỉnh")
    assert values(units, police) == [
        8,
        "Công an Tỉnh",
        2,
        1,
        1,
        0,
        2,
        0,
        0,
        0,
        1,
        0,
        1,
        0,
        0,
        0,
        0,
        "50%",
        "50%",
        None,
    ]
    assert [cell.number_format for cell in units[police]][2:17] == [COUNT_FORMAT] * 15
    assert [cell.alignment.horizontal for cell in units[police]][17:19] == ["right", "right"]
    totals = units.max_row
    assert totals == FIRST_ROW + 52
    assert values(units, totals) == [
        None, "Tổng số", 8, 6, 2, 2, 4, 1, 1, 2, 1, 0, 1, 1, 1, 1, 1, "75%", "25%", None,
    ]  # fmt: skip
    assert units.cell(totals, 2).font.bold

    channels = book["2. Kênh tiếp nhận"]
    assert [values(channels, row) for row in range(4, 13)] == [
        ["STT", "Kênh tiếp nhận", "Số lượng", "Tỷ lệ"],
        [1, "Điện thoại", 3, "37,50%"],
        [2, "Email", 1, "12,50%"],
        [3, "Zalo", 1, "12,50%"],
        [4, "Website 1022", 1, "12,50%"],
        [5, "Facebook", 1, "12,50%"],
        [6, "App mobile", 1, "12,50%"],
        [7, "Hệ thống thông tin giải quyết TTHC tỉnh", 0, "0%"],
        [None, "Tổng", 8, "100%"],
    ]

    tthc = book["3. Thủ tục hành chính"]
    assert [values(tthc, row) for row in range(5, 8)] == [
        [1, "Thủ tục hành chính", 3, "37,50%", 2, "33,33%"],
        [2, "Khác TTHC", 5, "62,50%", 4, "66,67%"],
        [None, "Tổng", 8, "100%", 6, "100%"],
    ]

    late = book["4. Thái độ, chậm trễ"]
    assert [values(late, row) for row in range(6, 9)] == [
        [1, "Công an Tỉnh", 1, 0, 1, "0%", "100%", None],
        [2, "UBND huyện Cao Lãnh", 1, 1, 0, "100%", "0%", None],
        [None, "Tổng số", 2, 1, 1, "50%", "50%", None],
    ]

    happy = book["5. Hài lòng"]
    assert values(happy, 5)[6:12] == [
        "Vướng mắc về cơ chế, chính sách, quy định", "Nguồn lực giải quyết vấn đề chưa đủ",
        "Yêu cầu của phản ánh không phù hợp", "Cơ quan, đơn vị trả lời chưa thỏa đáng",
        "Tổng đài viên trả lời chưa thỏa đáng", "Khác",
    ]  # fmt: skip
    assert values(happy, row_of(happy, "Công an Tỉnh")) == [
        8, "Công an Tỉnh", 2, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, "0%", None,
    ]  # fmt: skip
    assert values(happy, happy.max_row) == [None, "Tổng cộng", 8, 4, 2, 2, 1, 0, 0, 1, 0, 0, 1, "50%", None]

    calls = book["6. Cuộc gọi"]
    assert [values(calls, row) for row in range(5, 9)] == [
        [1, "Cuộc gọi vào", 5],
        [2, "Trong đó: cuộc gọi vào nhỡ, không được trả lời", 3],
        [3, "Cuộc gọi ra", 2],
        [None, "Tổng số cuộc gọi (vào và ra)", 7],
    ]


NOVEMBER_ACTIVITY = (
    "Từ ngày 01/11/2021 đến ngày 30/11/2021, Tổng đài 1022 đã tiếp nhận và thực hiện 7 cuộc gọi (gồm: 5 cuộc "
    "gọi vào, 2 cuộc gọi ra), 5 lượt tương tác qua các kênh 1022: Email, Zalo, Facebook, Website, App Mobile "
    "của người dân, doanh nghiệp. Theo đó, Điện thoại viên tổ chức tiếp nhận và lập 8 phiếu xử lý ý kiến, "
    "phản ánh, kiến nghị của tổ chức, cá nhân. Trong đó, có 3 phản ánh, kiến nghị, hỏi đáp thông tin liên "
    "quan đến TTHC. Các phản ánh, kiến nghị tiếp nhận qua điện thoại: 3 ý kiến, email: 1 ý kiến, zalo: 1 ý "
    "kiến, website 1022: 1 ý kiến, facebook: 1 ý kiến, app mobile: 1 ý kiến."
)
NOVEMBER_SATISFACTION = (
    "Kết quả xử lý ghi nhận, có 2/5 phiếu trả lời ý kiến, giải quyết phản ánh, kiến nghị (không tính 2 phiếu "
    "đang giải quyết) được tổ chức, cá nhân đánh giá hài lòng về kết quả giải quyết hoặc thông tin "
    "phản hồi là "
    "hữu ích (đạt 40%), 2 phiếu đánh giá chưa hài lòng hoặc thông tin phản hồi là chưa hữu ích "
    "đối với người "
    "hỏi (chiếm 40%), 1 phiếu người phản ánh không phản hồi về thông tin được cung cấp (chiếm 20%)."
)


def test_the_document_has_the_bulletins_paragraphs_then_the_tables(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "bao-cao.docx"
    write_docx(report, path)
    document = docx.Document(str(path))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts[1] == "Từ ngày 01/11/2021 đến ngày 30/11/2021"
    assert texts[2] == NOVEMBER_ACTIVITY
    assert texts[3] == NOVEMBER_SATISFACTION
    assert len(document.tables) == 6

    units = document.tables[0]
    assert units.cell(0, 3)._tc is units.cell(0, 4)._tc  # "Tình hình giải quyết" spans two columns
    assert units.cell(0, 0)._tc is units.cell(1, 0)._tc  # "STT" spans two rows
    assert units.cell(1, 9).text == "Hỏi thông tin"
    police = next(row for row in units.rows if row.cells[1].text == "Công an Tỉnh")
    assert [cell.text for cell in police.cells] == [
        "8", "Công an Tỉnh", "2", "1", "1", "0", "2", "0", "0", "0", "1", "0", "1", "0", "0", "0", "0",
        "50%", "50%", "",
    ]  # fmt: skip
    assert [cell.text for cell in units.rows[-1].cells] == [
        "", "Tổng số", "8", "6", "2", "2", "4", "1", "1", "2", "1", "0", "1", "1", "1", "1", "1", "75%",
        "25%", "",
    ]  # fmt: skip
    assert len(units.rows) == 2 + 52 + 1
    channels = document.tables[1]
    assert [cell.text for cell in channels.rows[1].cells] == ["1", "Điện thoại", "3", "37,50%"]
    assert [cell.text for cell in channels.rows[-1].cells] == ["", "Tổng", "8", "100%"]
    happy = document.tables[4]
    assert [cell.text for cell in happy.rows[-1].cells] == [
        "", "Tổng cộng", "8", "4", "2", "2", "1", "0", "0", "1", "0", "0", "1", "50%", "",
    ]  # fmt: skip


def test_big_numbers_are_written_the_vietnamese_way(report: Report, tmp_path: Path) -> None:
    big: Report = {**report, "calls": {"inbound": 2475, "outbound": 1721, "missed": 12}}
    path = tmp_path / "lon.docx"
    write_docx(big, path)
    document = docx.Document(str(path))
    assert "4.196 cuộc gọi (gồm: 2.475 cuộc gọi vào, 1.721 cuộc gọi ra)" in document.paragraphs[2].text
    assert [cell.text for cell in document.tables[5].rows[-1].cells] == [
        "",
        "Tổng số cuộc gọi (vào và ra)",
        "4.196",
    ]


HOSTILE_NAME = '=HYPERLINK("http://evil.example/x","Xem")'


def test_a_unit_named_like_a_formula_or_with_a_nul_is_written_as_plain_text(
    november: LocalStore, tmp_path: Path
) -> None:
    # What reached the desk from the server: a unit renamed by a careless admin, a code with a NUL.
    with november.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE units SET name = ? WHERE code = (SELECT min(code) FROM units WHERE active)",
            (HOSTILE_NAME,),
        )
        connection.exec_driver_sql(
            "UPDATE units SET name = ? WHERE code = (SELECT max(code) FROM units WHERE active)",
            ("Xã\x00 Mỹ",),
        )
    report = ReportService(november).report(date(2021, 11, 1), date(2021, 11, 30))
    workbook_path, document_path = tmp_path / "bao_cao.xlsx", tmp_path / "bao_cao.docx"

    write_xlsx(report, workbook_path)
    write_docx(report, document_path)

    texts = [cell for row in load_workbook(workbook_path).worksheets[0].iter_rows() for cell in row]
    hostile = [cell for cell in texts if cell.value == HOSTILE_NAME]
    assert hostile and all(cell.data_type == "s" for cell in hostile)  # a string, never a formula
    assert not [cell for cell in texts if cell.data_type == "f"]
    assert any(cell.value == "Xã  Mỹ" for cell in texts)
    words = "\n".join(
        cell.text for table in docx.Document(str(document_path)).tables for cell in table._cells
    )
    assert HOSTILE_NAME in words and "Xã  Mỹ" in words


def test_a_period_without_a_call_log_says_so_rather_than_zero_calls(report: Report) -> None:
    from reports.narrative import activity

    silent: Report = {**report, "calls": {"inbound": 0, "outbound": 0, "missed": 0}}
    assert "chưa có nhật ký cuộc gọi" in activity(silent)
    assert "0 cuộc gọi" not in activity(silent)
    assert "chưa có nhật ký" not in activity(report)


def test_documents_follow_decree_30_and_show_vietnamese_numbers_in_any_locale(
    report: Report, tmp_path: Path
) -> None:
    from docx.oxml.ns import qn

    docx_path, xlsx_path = tmp_path / "r.docx", tmp_path / "r.xlsx"
    write_docx(report, docx_path)
    document = docx.Document(str(docx_path))
    section = document.sections[0]
    assert (round(section.left_margin.cm, 2), round(section.right_margin.cm, 2)) == (3.0, 1.5)
    assert document.styles["Normal"].font.name == "Times New Roman"
    table = document.tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert any(tc.tcPr.find(qn("w:noWrap")) is not None for tc in table.rows[-1]._tr.tc_lst)

    write_xlsx(report, xlsx_path)
    sheet = load_workbook(xlsx_path).worksheets[0]
    assert {cell.font.name for row in sheet.iter_rows() for cell in row if cell.value is not None} == {
        "Times New Roman"
    }
    assert "\\." in COUNT_FORMAT and "," not in COUNT_FORMAT  # literal dots: 42.778 on an English Excel


def unescaped(number_format: str) -> str:
    """The format's characters that Excel interprets (quoted text and backslash escapes dropped)."""
    return re.sub(r'"[^"]*"|\\.', "", number_format)


def test_every_figure_in_the_workbook_reads_the_same_in_any_locale(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_xlsx({**report, "calls": {"inbound": 42778, "outbound": 1721, "missed": 12}}, path)
    book = load_workbook(path)
    numbers = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.data_type == "n"]
    assert numbers and {cell.value for cell in numbers if cell.value is not None} >= {42778}
    # '.' and ',' in a format are the viewer's decimal and thousands separators: none may be left.
    assert {
        cell.number_format
        for cell in numbers
        if cell.value is not None and set(unescaped(cell.number_format)) & {".", ","}
    } == set()
    rates = [
        cell.value
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if str(cell.value).endswith("%")
    ]
    assert (
        "37,50%" in rates
        and "100%" in rates
        and all(re.fullmatch(r"\d{1,3}(,\d\d)?%", rate) for rate in rates)
    )
    with ZipFile(path) as parts:
        sheets = [name for name in parts.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 6
        for name in sheets:  # no green "number stored as text" corner on a Vietnamese Excel
            assert 'numberStoredAsText="1"' in parts.read(name).decode()
