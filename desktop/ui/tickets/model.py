"""The ticket list as a lazy table model: pages fetched in the background, never the whole table."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from desktop.domain.clock import now_vn, shown_vn
from desktop.domain.codes import TicketStatus
from desktop.domain.phone import display_phone
from desktop.domain.ticket import KeptForward, TicketRow
from desktop.domain.ticket_step import TicketStep
from desktop.services.bundle import TicketReader
from desktop.services.tickets.query import Page, PageKey, TicketFilter, TicketOrder
from desktop.ui.common.tasks import TaskRunner, default_runner

ModelIndex = QModelIndex | QPersistentModelIndex

COL_CODE, COL_RECEIVED, COL_PHONE, COL_NAME, COL_CHANNEL, COL_TYPE = range(6)
COL_LEVEL, COL_UNIT, COL_STATUS, COL_STEP, COL_DEADLINE, COL_CONTENT = range(6, 12)
NAMED_COLUMNS = (COL_NAME, COL_TYPE, COL_UNIT, COL_STEP)
SORTED_BY_DAYS_LEFT = (
    COL_STEP,
    COL_DEADLINE,
)  # a header click on these orders by days left  # Vietnamese names too long for their column
COLUMN_COUNT = 12

TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

IN_PROGRESS_COLOUR = QColor("#9a5b00")
RESOLVED_COLOUR = QColor("#1e7b34")
OVERDUE_COLOUR = QColor("#c62828")


def first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0]


def is_overdue(row: TicketRow, today: date) -> bool:
    return row.status is TicketStatus.IN_PROGRESS and row.deadline is not None and row.deadline < today


def unit_is_late(row: TicketRow) -> bool:
    """A forwarded ticket past its deadline with no answer from the unit yet."""
    return row.step is TicketStep.FORWARDED and row.days_left is not None and row.days_left < 0


class TicketTableModel(QAbstractTableModel):
    """Rows are TicketRow values; a filter change resets the model and late pages are dropped."""

    first_page_loaded = Signal()
    page_loaded = Signal(int)
    load_failed = Signal(str)

    def __init__(
        self,
        query: TicketReader,
        runner: TaskRunner | None = None,
        page_size: int = 200,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._query = query
        self._runner = runner or default_runner()
        self._page_size = page_size
        self._filter = TicketFilter()
        self._order = TicketOrder.NEWEST
        self._rows: list[TicketRow] = []
        self._next_key: PageKey | None = None
        self._exhausted = True
        self._loading = False
        self._generation = 0
        self._today = now_vn().date()
        self._headers = [
            self.tr("Code"),
            self.tr("Received"),
            self.tr("Phone"),
            self.tr("Caller"),
            self.tr("Channel"),
            self.tr("Request type"),
            self.tr("Level"),
            self.tr("Handling unit"),
            self.tr("Status"),
            self.tr("Step"),
            self.tr("Deadline"),
            self.tr("Content"),
        ]
        self._bold = QFont()
        self._bold.setBold(True)

    # -- loading -------------------------------------------------------------------------------
    @property
    def ticket_filter(self) -> TicketFilter:
        return self._filter

    @property
    def is_loading(self) -> bool:
        return self._loading

    @property
    def has_more(self) -> bool:
        return not self._exhausted

    @property
    def order(self) -> TicketOrder:
        return self._order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The step or deadline column: by days left (ascending: overdue first); any other: newest first."""
        if column in SORTED_BY_DAYS_LEFT:
            wanted = (
                TicketOrder.MOST_URGENT if order == Qt.SortOrder.AscendingOrder else TicketOrder.LEAST_URGENT
            )
        else:
            wanted = TicketOrder.NEWEST
        if wanted is not self._order:
            self._order = wanted
            self.reload()

    def set_filter(self, spec: TicketFilter) -> None:
        self._filter = spec
        self.reload()

    def reload(self) -> None:
        """Forget every loaded row and fetch the first page of the current filter again."""
        self._generation += 1
        self._today = now_vn().date()
        self.beginResetModel()
        self._rows = []
        self._next_key = None
        self._exhausted = False
        self._loading = False
        self.endResetModel()
        self._start_fetch()

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self._start_fetch()

    def _start_fetch(self) -> None:
        if self._loading or self._exhausted:
            return
        self._loading = True
        generation, spec, after, limit = self._generation, self._filter, self._next_key, self._page_size
        query, order = self._query, self._order

        def load_page() -> Page:
            """Runs on a worker thread."""
            return query.page(spec, after=after, limit=limit, order=order)

        self._runner.run(
            load_page,
            partial(self._on_page_loaded, generation),
            partial(self._on_page_failed, generation),
        )

    def _on_page_loaded(self, generation: int, page: Page) -> None:
        if generation != self._generation:
            return
        self._loading = False
        first = not self._rows
        if page.rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self._next_key = page.next_key
        self._exhausted = page.next_key is None
        self.page_loaded.emit(len(page.rows))
        if first:
            self.first_page_loaded.emit()

    def _on_page_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._exhausted = True
        self.load_failed.emit(str(error))

    # -- reading -------------------------------------------------------------------------------
    def row_at(self, row: int) -> TicketRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, ticket_id: str) -> int:
        for number, row in enumerate(self._rows):
            if row.id == ticket_id:
                return number
        return -1

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.ToolTipRole
            and section in SORTED_BY_DAYS_LEFT
        ):
            return self.tr(
                "A forwarded ticket's days left to its deadline are working days (holidays skipped). "
                "Click to sort by days left: overdue first; click again for the most days left first."
            )
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_CONTENT:
            return row.content
        if role == Qt.ItemDataRole.ToolTipRole and column in NAMED_COLUMNS:
            return self._display(row, column) or None  # a long name elides: the whole of it on hover
        if role == TICKET_ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_STATUS:
                colour = RESOLVED_COLOUR if row.status is TicketStatus.RESOLVED else IN_PROGRESS_COLOUR
                return QBrush(colour)
            if column == COL_DEADLINE and is_overdue(row, self._today):
                return QBrush(OVERDUE_COLOUR)
            if column == COL_STEP and (unit_is_late(row) or row.kept_forward is KeptForward.REFUSED):
                return QBrush(OVERDUE_COLOUR)
            if column == COL_STEP and row.kept_forward is KeptForward.WAITING:
                return QBrush(IN_PROGRESS_COLOUR)
        if role == Qt.ItemDataRole.FontRole and column == COL_DEADLINE and is_overdue(row, self._today):
            return self._bold
        if role == Qt.ItemDataRole.FontRole and column == COL_STEP and unit_is_late(row):
            return self._bold
        return None

    def _step_text(self, row: TicketRow) -> str:
        """The step; with a unit, its working days left to the deadline (or how many it is late) first: the
        column is the tenth, cut at 1366 px, and the days are what the operator scans it for. A forward
        kept on this desk says so instead: the ticket has not reached its unit."""
        if row.kept_forward is KeptForward.WAITING:
            return self.tr("Waiting to be forwarded to the unit")
        if row.kept_forward is KeptForward.REFUSED:
            return self.tr("Forward refused: forward again")
        left = row.days_left
        if left is None:
            return row.step.label
        if left > 0:
            days = self.tr("%1 days left").replace("%1", str(left))
        elif left == 0:
            days = self.tr("due today")
        else:
            days = self.tr("%1 days late").replace("%1", str(-left))
        return f"{days} · {row.step.label}"

    def _display(self, row: TicketRow, column: int) -> str:
        if column == COL_CODE:
            return row.code
        if column == COL_RECEIVED:
            return shown_vn(row.received_at)
        if column == COL_PHONE:
            return display_phone(row.phone) if row.phone else ""
        if column == COL_NAME:
            return row.citizen_name
        if column == COL_CHANNEL:
            return row.channel.label
        if column == COL_TYPE:
            return row.request_type.label
        if column == COL_LEVEL:
            return str(int(row.level))
        if column == COL_UNIT:
            return row.unit_name
        if column == COL_STATUS:
            return row.status.label
        if column == COL_DEADLINE:
            return f"{row.deadline:%d/%m/%Y}" if row.deadline else ""
        if column == COL_STEP:
            return self._step_text(row)
        return first_line(row.content)
