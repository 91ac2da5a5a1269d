"""The report as an Excel workbook laid out like the province's appendix: one sheet per table.

Counts are numbers, so supervisors can add them up, drawn with literal dots (`42.778` on an English
Excel too). A rate is written as the province prints it, `99,73%` (`100%` when whole, as in the Word
file): no number format can draw a decimal comma whatever the viewer's locale (the decimal point of a
format is always the viewer's separator), so the rate is text, right-aligned like a number, and the
sheet tells Excel not to flag it as a "number stored as text".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.safe_text import printable
from reports.shape import Report
from reports.tables import Measure, Percent, Table, all_tables
from reports.vn_numbers import vn_percent

# Dots as literal characters, not the viewer's thousands separator: 42.778 on an English Excel too.
COUNT_FORMAT = r"[>=1000000]#\.###\.##0;[>=1000]#\.##0;0"
FONT = "Times New Roman"  # as the province's documents (Decree 30/2020/NĐ-CP)
TITLE = "TÌNH HÌNH TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ QUA TỔNG ĐÀI THÔNG TIN DỊCH VỤ CÔNG 1022"
FIRST_HEADER_ROW = 4  # rows 1-3: the appendix's title, the period, the table's title
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LIKE_A_NUMBER = Alignment(horizontal="right")
# Excel's green "number stored as text" corner on every rate of a Vietnamese machine, silenced.
_TEXT_RATES_ARE_MEANT = (
    '<ignoredErrors><ignoredError sqref="A1:XFD1048576" numberStoredAsText="1"/></ignoredErrors>'
)
_AFTER_IGNORED_ERRORS = (
    "<smartTags",
    "<drawing",
    "<legacyDrawing",
    "<picture",
    "<oleObjects",
    "<tableParts",
    "<extLst",
    "</worksheet>",
)


def period_line(report: Report) -> str:
    first, last = (date.fromisoformat(report["period"][end]) for end in ("from", "to"))
    return f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"


def write_xlsx(report: Report, path: Path, step: Callable[[str], None] = lambda _title: None) -> None:
    """Write the workbook; `step` is told each table's sheet name once drawn (for a progress bar)."""
    book = Workbook()
    book.remove(book.active)
    for table in all_tables(report):
        _draw(book.create_sheet(table.sheet), table, report)
        step(table.sheet)
    book.save(path)
    _declare_text_rates(path)


def _draw(sheet: Worksheet, table: Table, report: Report) -> None:
    sheet.cell(1, 1, TITLE).font = Font(bold=True)
    sheet.cell(2, 1, period_line(report)).font = Font(italic=True)
    title = sheet.cell(3, 1)
    _put_text(title, table.title)
    title.font = Font(bold=True)
    _draw_header(sheet, table)
    row = FIRST_HEADER_ROW + len(table.header)
    for cells in [*table.body, table.totals]:
        for column, value in enumerate(cells, 1):
            cell = sheet.cell(row, column)
            if isinstance(value, Percent):
                _put_text(cell, vn_percent(value.value))
                cell.alignment = _LIKE_A_NUMBER
            elif isinstance(value, Measure):
                _put_text(cell, value.text)
                cell.alignment = _LIKE_A_NUMBER
            elif isinstance(value, str):
                _put_text(cell, value)
            else:
                cell.value = value
                if isinstance(value, int):
                    cell.number_format = COUNT_FORMAT
            cell.border = _BOX
        row += 1
    for column in range(1, table.width + 1):
        sheet.cell(row - 1, column).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 58
    for column in range(3, table.width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 12
    sheet.freeze_panes = sheet.cell(FIRST_HEADER_ROW + len(table.header), 3)
    for offset in range(len(table.header)):  # room for the wrapped labels: readers do not grow rows
        sheet.row_dimensions[FIRST_HEADER_ROW + offset].height = 60 if offset == len(table.header) - 1 else 30
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0  # one page wide, as long as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{FIRST_HEADER_ROW}:{FIRST_HEADER_ROW + len(table.header) - 1}"
    for line in sheet.iter_rows():
        for cell in line:
            cell.font = Font(name=FONT, size=12, bold=cell.font.bold, italic=cell.font.italic)


def _declare_text_rates(path: Path) -> None:
    """Adds `<ignoredErrors>` to every sheet (openpyxl cannot write it) where the schema puts it."""
    with ZipFile(path) as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    with ZipFile(path, "w", ZIP_DEFLATED) as book:
        for name, data in parts.items():
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml"):
                xml = data.decode("utf-8")
                at = min(xml.find(tag) for tag in _AFTER_IGNORED_ERRORS if tag in xml)
                data = (xml[:at] + _TEXT_RATES_ARE_MEANT + xml[at:]).encode("utf-8")
            book.writestr(name, data)


def _put_text(cell: Any, text: str) -> None:
    """A text as text: openpyxl would store `=...` as a formula that Excel runs when the file opens."""
    cell.value = printable(text)
    cell.data_type = "s"


def _draw_header(sheet: Worksheet, table: Table) -> None:
    taken: set[tuple[int, int]] = set()  # cells covered by a merge from the row above
    for offset, heads in enumerate(table.header):
        row, column = FIRST_HEADER_ROW + offset, 1
        for head in heads:
            while (row, column) in taken:
                column += 1
            cell = sheet.cell(row, column, head.text)
            cell.font, cell.alignment = Font(bold=True), _CENTRED
            last_row, last_column = row + head.rows - 1, column + head.columns - 1
            for r in range(row, last_row + 1):
                for c in range(column, last_column + 1):
                    taken.add((r, c))
                    sheet.cell(r, c).border = _BOX
            if (last_row, last_column) != (row, column):
                sheet.merge_cells(
                    start_row=row, start_column=column, end_row=last_row, end_column=last_column
                )
            column = last_column + 1
