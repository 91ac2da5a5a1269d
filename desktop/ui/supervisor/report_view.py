"""The supervisor's "Báo cáo" screen: a period, the province's tables, and the Excel or Word file.

Tables 1-6 are counted from the desk's store; tables 7-8 (on time per unit and per administrative area)
only the server can count, since only it holds the forwardings: they are read from its report at the same
time, on another worker, and join the tabs and the files when they arrive."""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.clock import now_vn
from desktop.services.supervisor.reports import (
    ON_TIME_FROM_SERVER,
    NoServerTables,
    ServerTables,
    ServerTablesSource,
    with_server_tables,
)
from desktop.ui.common.tasks import TaskRunner, default_runner
from reports import Report
from reports.export_docx import cell_text
from reports.files import write_report_file
from reports.tables import NOTE_HEADING, ON_TIME_SHEETS, Measure, Percent, Table, all_tables, builders_of

PRESET_MONTH = "month"
PRESET_LAST_MONTH = "last_month"
PRESET_REFORM = "reform"  # the TTHC reform report's period: the 21st to the 20th
PRESET_YEAR = "year"
PRESET_CUSTOM = "custom"
HEADING_CHARS = 14  # a column heading is wrapped at words to lines about this long


class ReportReader(Protocol):
    def report(self, first: date, last: date) -> Report: ...


def preset_range(preset: str, today: date) -> tuple[date, date] | None:
    """The first and last reception day of a preset period around `today`; None for a chosen range."""
    if preset == PRESET_MONTH:
        return today.replace(day=1), today
    if preset == PRESET_LAST_MONTH:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == PRESET_REFORM:
        if today.day >= 21:
            start = today.replace(day=21)
        else:
            start = (today.replace(day=1) - timedelta(days=1)).replace(day=21)
        end = (start.replace(day=1) + timedelta(days=32)).replace(day=20)
        return start, end
    if preset == PRESET_YEAR:
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    return None


def column_labels(table: Table, joiner: str = " · ") -> list[str]:
    """One label a column, from the table's header rows (merged cells spread over the columns below)."""
    width = table.width
    labels: list[list[str]] = [[] for _ in range(width)]
    taken: dict[tuple[int, int], bool] = {}
    for row_number, row in enumerate(table.header):
        column = 0
        for head in row:
            while taken.get((row_number, column)):
                column += 1
            for extra_row in range(head.rows):
                for extra_column in range(head.columns):
                    taken[(row_number + extra_row, column + extra_column)] = True
            for spanned in range(column, min(width, column + head.columns)):
                labels[spanned].append(head.text)
            column += head.columns
    return [joiner.join(parts) for parts in labels]


def heading_lines(label: str) -> str:
    """Each line of a column's heading wrapped at words to about HEADING_CHARS characters."""
    return "\n".join(
        line for part in label.split("\n") for line in textwrap.wrap(part, HEADING_CHARS) or [""]
    )


class ReportView(QWidget):
    """Reads the report on a worker thread; exports write beside the file's name, then rename."""

    report_shown = Signal(object)  # Report
    exported = Signal(str)  # the file written
    export_step = Signal(str)  # from the worker thread: queued onto the GUI thread

    def __init__(
        self,
        reader: ReportReader,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
        server: ServerTablesSource | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportView")
        self.setWindowTitle(self.tr("Report"))
        self._reader = reader
        self._server = server or NoServerTables()
        self._runner = runner or default_runner()
        self.report: Report | None = None  # what the files get: the desk's tables, and the server's once read
        self._desk_report: Report | None = None
        self.server_tables: ServerTables | None = None
        self.server_note: str | None = None  # why tables 7-8 are missing; None while they are being read
        self._asked = 0  # which Show the results in flight belong to
        self.preset_combo = QComboBox(self)
        self.preset_combo.setObjectName("reportPreset")
        self.preset_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for text, key in (
            (self.tr("This month"), PRESET_MONTH),
            (self.tr("Last month"), PRESET_LAST_MONTH),
            (self.tr("Reform period (21st to 20th)"), PRESET_REFORM),
            (self.tr("This year"), PRESET_YEAR),
            (self.tr("Chosen dates"), PRESET_CUSTOM),
        ):
            self.preset_combo.addItem(text, key)
        self.from_date = self._date_edit("reportFrom")
        self.to_date = self._date_edit("reportTo")
        self.show_button = QPushButton(self.tr("Show (F5)"), self)
        self.show_button.setObjectName("reportShow")
        self.excel_button = QPushButton(self.tr("Export &Excel…"), self)
        self.word_button = QPushButton(self.tr("Export &Word…"), self)
        self.status_label = QLabel(self.tr("Choose a period, then Show."), self)
        self.status_label.setObjectName("reportStatus")
        self.status_label.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("reportProgress")
        self.progress.hide()
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("reportTables")
        for button in (self.excel_button, self.word_button):
            button.setEnabled(False)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Period"), self))
        bar.addWidget(self.preset_combo)
        bar.addWidget(QLabel(self.tr("from"), self))
        bar.addWidget(self.from_date)
        bar.addWidget(QLabel(self.tr("to"), self))
        bar.addWidget(self.to_date)
        bar.addWidget(self.show_button)
        bar.addStretch(1)
        bar.addWidget(self.excel_button)
        bar.addWidget(self.word_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.tabs, 1)

        self.preset_combo.currentIndexChanged.connect(self.on_preset_combo_changed)
        self.from_date.dateChanged.connect(self.on_date_edited)
        self.to_date.dateChanged.connect(self.on_date_edited)
        self.show_button.clicked.connect(self.show_report)
        self.excel_button.clicked.connect(lambda: self.ask_export("xlsx"))
        self.word_button.clicked.connect(lambda: self.ask_export("docx"))
        self.export_step.connect(self.on_export_step)
        QShortcut(QKeySequence("F5"), self, self.show_report)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self.on_preset_combo_changed()
        self.resize(1100, 680)

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setObjectName(name)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setCalendarPopup(True)
        return edit

    # -- the period ----------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        return self.from_date.date().toPython(), self.to_date.date().toPython()  # type: ignore[return-value]

    def on_preset_combo_changed(self, _index: int = 0) -> None:
        found = preset_range(str(self.preset_combo.currentData()), now_vn().date())
        if found is None:
            return
        for edit, day in zip((self.from_date, self.to_date), found, strict=True):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def on_date_edited(self, _date: QDate) -> None:
        self.preset_combo.blockSignals(True)
        self.preset_combo.setCurrentIndex(self.preset_combo.findData(PRESET_CUSTOM))
        self.preset_combo.blockSignals(False)

    # -- reading -------------------------------------------------------------------------------
    def show_report(self) -> None:
        first, last = self.period()
        if last < first:
            self.status_label.setText(self.tr("The last day comes before the first: swap them."))
            return
        reader, server = self._reader, self._server
        self._asked += 1
        self._desk_report, self.server_tables, self.server_note = None, None, None
        self.status_label.setText(self.tr("Counting…"))
        self.show_button.setEnabled(False)
        for button in (self.excel_button, self.word_button):
            button.setEnabled(False)
        asked = self._asked
        self._runner.run(
            lambda: reader.report(first, last),
            partial(self.on_desk_report_loaded, asked),
            partial(self.on_desk_report_failed, asked),
        )
        self._runner.run(
            lambda: server.on_time_tables(first, last),
            partial(self.on_server_tables_loaded, asked),
            partial(self.on_server_tables_failed, asked),
        )

    def on_desk_report_loaded(self, asked: int, report: Report) -> None:
        if asked != self._asked:
            return
        self._desk_report = report
        self.show_button.setEnabled(True)
        first, last = self.period()
        self.status_label.setText(
            self.tr("%1 tickets received from %2 to %3 (Vietnam time).")
            .replace("%1", cell_text(report["totals"]["tickets"]))
            .replace("%2", f"{first:%d/%m/%Y}")
            .replace("%3", f"{last:%d/%m/%Y}")
        )
        self._show_tables()

    def on_desk_report_failed(self, asked: int, error: BaseException) -> None:
        if asked == self._asked:
            self.on_failed(error)

    def on_server_tables_loaded(self, asked: int, tables: ServerTables) -> None:
        if asked == self._asked:
            self.server_tables = tables
            self._show_tables()

    def on_server_tables_failed(self, asked: int, error: BaseException) -> None:
        if asked == self._asked:
            self.server_note = str(error)
            self._show_tables()

    def _show_tables(self) -> None:
        """The desk's tables, then 7-8: the server's, or a page saying where they come from and why not."""
        desk = self._desk_report
        if desk is None:
            return
        self.report = desk if self.server_tables is None else with_server_tables(desk, self.server_tables)
        current = self.tabs.currentIndex()
        self.tabs.clear()
        for table in all_tables(self.report):
            self.tabs.addTab(self._grid(table), table.sheet)
        if self.server_tables is None:
            waiting = self.server_note is None
            for sheet in ON_TIME_SHEETS:
                self.tabs.addTab(self._server_page(waiting), sheet)
        self.tabs.setCurrentIndex(max(0, current))
        settled = self.server_tables is not None or self.server_note is not None
        for button in (self.excel_button, self.word_button):
            button.setEnabled(settled)  # a file written before tables 7-8 are read would lack them
        if settled:
            self.report_shown.emit(self.report)

    def _server_page(self, waiting: bool) -> QLabel:
        reason = self.tr("Reading them from the server…") if waiting else self.server_note or ""
        page = QLabel(f"{ON_TIME_FROM_SERVER}\n\n{reason}", self)
        page.setObjectName("reportServerNote")
        page.setWordWrap(True)
        page.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        page.setMargin(16)
        page.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return page

    def _grid(self, table: Table) -> QTableWidget:
        rows = [*table.body, table.totals]
        grid = QTableWidget(len(rows), table.width, self)
        grid.setObjectName(f"reportTable_{table.sheet}")
        # A merged heading above its column's, long ones on a few lines: the figures fit the screen's width.
        labels = column_labels(table, "\n")
        grid.setHorizontalHeaderLabels([*labels[:2], *(heading_lines(label) for label in labels[2:])])
        grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        grid.verticalHeader().hide()
        grid.setWordWrap(False)
        for row_number, row in enumerate(rows):
            for column, value in enumerate(row[: table.width]):
                item = QTableWidgetItem(cell_text(value))
                if isinstance(value, int | Percent | Measure):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                else:
                    item.setToolTip(cell_text(value))
                if row_number == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                grid.setItem(row_number, column, item)
        header = grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if table.width > 2:  # STT, then the unit's (or the line's) name: wide enough, eliding beyond
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
            grid.setColumnWidth(1, 320)
        if labels[-1] == NOTE_HEADING:  # a long note is elided in what is left, read whole in its tip
            header.setSectionResizeMode(table.width - 1, QHeaderView.ResizeMode.Stretch)
        grid.verticalHeader().setDefaultSectionSize(grid.fontMetrics().height() + 8)
        return grid

    def on_failed(self, error: BaseException) -> None:
        self.show_button.setEnabled(True)
        self.progress.hide()
        self.status_label.setText(self.tr("Could not make the report: %1").replace("%1", str(error)))

    # -- exporting -----------------------------------------------------------------------------
    def ask_export(self, kind: str) -> None:
        first, last = self.period()
        suggested = str(Path.home() / f"bao-cao-1022-{first:%Y%m%d}-{last:%Y%m%d}.{kind}")
        pattern = self.tr("Excel workbook (*.xlsx)") if kind == "xlsx" else self.tr("Word document (*.docx)")
        chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the report"), suggested, pattern)
        if chosen:
            self.export_to(Path(chosen), kind)

    def export_to(self, path: Path, kind: str) -> None:
        """Writes the shown report to `path` on a worker thread, the progress bar counting its tables."""
        report = self.report
        if report is None:
            return
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(f"{path.name}.{kind}")
        self.progress.setRange(0, len(builders_of(report)))
        self.progress.setValue(0)
        self.progress.show()
        self.status_label.setText(self.tr("Writing %1…").replace("%1", str(path)))
        for button in (self.excel_button, self.word_button):
            button.setEnabled(False)
        step = self.export_step.emit

        def write() -> str:
            """Runs on a worker thread: the file appears whole or not at all."""
            write_report_file(report, kind, path, step)
            return str(path)

        self._runner.run(write, self.on_exported, self.on_failed)

    def on_export_step(self, _title: str) -> None:
        self.progress.setValue(min(self.progress.maximum(), self.progress.value() + 1))

    def on_exported(self, path: str) -> None:
        self.progress.setValue(self.progress.maximum())
        self.progress.hide()
        for button in (self.excel_button, self.word_button):
            button.setEnabled(True)
        self.status_label.setText(self.tr("Saved: %1").replace("%1", path))
        self.exported.emit(path)
