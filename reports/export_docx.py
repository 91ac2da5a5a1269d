"""The report as a Word document: the bulletin's paragraphs, then the appendix's tables (landscape)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell

from reports import narrative
from reports.export_xlsx import TITLE, period_line
from reports.safe_text import printable
from reports.shape import Report
from reports.tables import Cell, Head, Measure, Percent, Table, all_tables
from reports.vn_numbers import vn_int, vn_percent

HEADING = "KẾT QUẢ HOẠT ĐỘNG CỦA TỔNG ĐÀI THÔNG TIN DỊCH VỤ CÔNG 1022"
# Decree 30/2020/NĐ-CP, appendix I: top and bottom 2-2.5 cm, left (binding side) 3-3.5 cm, right 1.5-2 cm;
# Times New Roman 13-14 pt for the text.
MARGINS_CM = {"top_margin": 2.0, "bottom_margin": 2.0, "left_margin": 3.0, "right_margin": 1.5}
PAGE_WIDTH_CM = 29.7 - MARGINS_CM["left_margin"] - MARGINS_CM["right_margin"]  # A4 landscape
WIDE = 12  # tables with more columns than this get a smaller font


def _widths(table: Table, page_cm: float) -> list[float]:
    """Column widths in cm: a narrow STT, the unit's name wide enough to read, the counts sharing the rest."""
    if table.width <= 6:
        return [1.2, 10.0] + [3.0] * (table.width - 2)
    rest = (page_cm - 1.0 - 5.6) / (table.width - 2)
    return [1.0, 5.6] + [rest] * (table.width - 2)


def cell_text(value: Cell) -> str:
    """What a table cell shows: `42.778`, `99,73%`, or the text."""
    if isinstance(value, Percent):
        return vn_percent(value.value)
    if isinstance(value, Measure):
        return printable(value.text)
    if isinstance(value, int):
        return vn_int(value)
    return printable(value)


def write_docx(report: Report, path: Path, step: Callable[[str], None] = lambda _title: None) -> None:
    """Write the document; `step` is told each table's sheet name once drawn (for a progress bar)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side, centimetres in MARGINS_CM.items():
        setattr(section, side, Cm(centimetres))
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    style.font.size = Pt(13)

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(HEADING).bold = True
    subtitle = document.add_paragraph(period_line(report))
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in (narrative.activity(report), narrative.satisfaction(report), *narrative.on_time(report)):
        paragraph = document.add_paragraph(printable(text))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    appendix = document.add_paragraph()
    appendix.alignment = WD_ALIGN_PARAGRAPH.CENTER
    appendix.add_run(f"PHỤ LỤC\n{TITLE}").bold = True
    for table in all_tables(report):
        document.add_paragraph().add_run(printable(table.title)).bold = True
        rows = len(table.header) + len(table.body) + 1
        _draw(document.add_table(rows=rows, cols=table.width), table, _widths(table, PAGE_WIDTH_CM))
        step(table.sheet)
    document.save(str(path))


def _draw(grid: DocxTable, table: Table, widths: list[float]) -> None:
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Cm(width)  # <w:gridCol>, which LibreOffice follows; Word follows each cell's own
    size = Pt(7) if table.width > WIDE else Pt(9)
    placed: list[tuple[int, int, Head]] = []
    taken: set[tuple[int, int]] = set()
    for row, heads in enumerate(table.header):
        column = 0
        for head in heads:
            while (row, column) in taken:
                column += 1
            taken.update(
                (r, c) for r in range(row, row + head.rows) for c in range(column, column + head.columns)
            )
            placed.append((row, column, head))
            column += head.columns
    # Right to left, bottom to top: a merge never moves a cell still to be merged. grid.cell() is avoided
    # because it lays out the whole table on every call (a 52-unit table took a minute that way).
    for row, column, head in reversed(placed):
        cell = _Cell(_tc_at(grid, row, column), grid)
        if head.rows > 1 or head.columns > 1:
            corner = _Cell(_tc_at(grid, row + head.rows - 1, column + head.columns - 1), grid)
            cell = cell.merge(corner)
        cell.width = Cm(sum(widths[column : column + head.columns]))
        _write(cell, head.text, size, bold=True, centred=True)
    rows = grid.rows
    for header_row in rows[: len(table.header)]:  # repeated at the top of every page the table runs over
        header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    # Body rows have no merged cells: their <w:tc> are the columns.
    for offset, cells in enumerate([*table.body, table.totals]):
        bold = offset == len(table.body)
        line = rows[len(table.header) + offset]
        for tc, value, width in zip(line._tr.tc_lst, cells, widths, strict=True):
            cell = _Cell(tc, grid)
            cell.width = Cm(width)
            if not isinstance(value, str):  # "99,73%" never breaks over two lines
                tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
            _write(cell, cell_text(value), size, bold=bold, centred=False, right=not isinstance(value, str))


def _tc_at(grid: DocxTable, row: int, column: int) -> Any:
    """The <w:tc> that starts at grid column `column` of row `row`."""
    at = 0
    for tc in grid.rows[row]._tr.tc_lst:
        if at == column:
            return tc
        at += tc.grid_span
    raise IndexError(f"no cell starts at column {column} of row {row}")


def _write(cell: _Cell, text: str, size: Pt, *, bold: bool, centred: bool, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = size
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
