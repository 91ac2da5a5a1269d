"""The supervisor's dashboard: today's and this month's figures, overdue work, operators, trends."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.agent_state import AgentState, elapsed_text
from desktop.domain.clock import shown_vn
from desktop.domain.codes import Channel, Level, RequestType
from desktop.services.supervisor.dashboard import (
    UNITS_WINDOW_DAYS,
    DashboardCounts,
    ExtensionRequest,
    NoUnitsServer,
    OperatorPresence,
    OperatorState,
    PeriodCounts,
    PresenceSource,
    PresenceUnavailable,
    Trends,
    UnitOnTime,
    UnitsOnTimeSource,
)
from desktop.ui.common.tasks import TaskRunner, default_runner
from desktop.ui.supervisor.chart import Series, TrendChart

REFRESH_MS = 5000
TRENDS_EVERY = 12  # refreshes: the trends change slowly and cost the most


class DashboardReader(Protocol):
    def counts(self, *, with_trends: bool = False) -> DashboardCounts: ...


def format_count(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def format_pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}%".replace(".", ",")


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


FIGURES = (
    "calls_in",
    "calls_out",
    "missed",
    "abandoned",
    "answer_rate",
    "handle_time",
    "tickets",
    "resolved",
    "in_progress",
    "satisfaction",
    "surveys",
)


def figure_values(period: PeriodCounts) -> dict[str, str]:
    calls, tickets = period.calls, period.tickets
    rate = None if calls.answer_rate is None else 100.0 * calls.answer_rate
    return {
        "calls_in": format_count(calls.inbound),
        "calls_out": format_count(calls.outbound),
        "missed": format_count(calls.missed),
        "abandoned": format_count(calls.abandoned),
        "answer_rate": format_pct(rate),
        "handle_time": format_duration(calls.average_handle_seconds),
        "tickets": format_count(tickets.total),
        "resolved": format_count(tickets.resolved),
        "in_progress": format_count(tickets.in_progress),
        "satisfaction": format_pct(tickets.satisfaction_pct),
        "surveys": f"{format_count(period.survey_answers)} / {format_count(period.survey_attempts)}",
    }


# the figures (or why there are none), the units' requests for more time waiting for an answer (or why
# they could not be read)
UnitsRead = tuple[list[UnitOnTime] | None, str | None, list[ExtensionRequest] | None, str | None]
DashboardRead = tuple[DashboardCounts, list[OperatorPresence] | None, str | None, UnitsRead | None]


def _units_read(units: UnitsOnTimeSource, today: date) -> UnitsRead:
    """Runs on a worker thread: the last UNITS_WINDOW_DAYS days' forwardings, or why not."""
    try:
        figures = units.units_on_time(today - timedelta(days=UNITS_WINDOW_DAYS - 1), today)
    except Exception as error:  # PresenceUnavailable says why in Vietnamese; any other failure too
        return None, str(error), None, str(error)
    try:
        return figures, None, units.extension_requests(), None
    except Exception as error:  # the figures still show; the requests are read again at the next turn
        return figures, None, None, str(error) or type(error).__name__


class DashboardView(QWidget):
    """Refreshes itself on a timer while shown; every count is read on a worker thread."""

    refreshed = Signal(object)  # DashboardCounts

    def __init__(
        self,
        reader: DashboardReader,
        presence: PresenceSource,
        runner: TaskRunner | None = None,
        interval_ms: int = REFRESH_MS,
        parent: QWidget | None = None,
        *,
        units: UnitsOnTimeSource | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardView")
        self.setWindowTitle(self.tr("Supervisor dashboard"))
        self._reader = reader
        self._presence = presence
        self._units = units or NoUnitsServer()
        self.units: list[UnitOnTime] | None = None
        self.units_error: str | None = None
        self._runner = runner or default_runner()
        self._pending = False
        self._refreshes = 0
        self.counts: DashboardCounts | None = None
        self.presence_error: str | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)
        self.close_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

        self.updated_label = QLabel(self.tr("Loading…"), self)
        self.updated_label.setObjectName("dashboardUpdated")
        self.figures: dict[tuple[str, str], QLabel] = {}
        figures_box = self._figures_box()
        self.breakdown = self._build_breakdown()
        self.overdue_table = self._table(
            "overdueTable",
            [self.tr("Unit"), self.tr("Overdue"), self.tr("Oldest deadline"), self.tr("Working days late")],
        )
        self.operators_table = self._table(
            "operatorsTable",
            [
                self.tr("Operator"),
                self.tr("State"),
                self.tr("Since"),
                self.tr("For"),
                self.tr("After-call"),
            ],
        )
        # five columns in a third of 1366 px: short headings, their meaning on hover
        self.operators_table.horizontalHeader().setMinimumSectionSize(48)
        for column, tip in (
            (3, self.tr("How long the state has lasted (min:s)")),
            (4, self.tr("After-call work today: time spent in the wrap-up after calls (min:s)")),
        ):
            heading = self.operators_table.horizontalHeaderItem(column)
            if heading is not None:
                heading.setToolTip(tip)
        # Per unit, from the server (only it holds the forwardings): forwarded, answered on time or late,
        # overdue now, returned, for the tickets forwarded in the last UNITS_WINDOW_DAYS days.
        self.units_table = self._table(
            "unitsTable",
            [
                self.tr("Unit"),
                self.tr("Forwarded"),
                self.tr("On time"),
                self.tr("Late"),
                self.tr("Overdue now"),
                self.tr("Returned"),
            ],
        )
        # six columns in a third of 1366 px: short headings, their meaning on hover; the on-time rate
        # and the median working days on the unit's row
        self.units_table.horizontalHeader().setMinimumSectionSize(36)
        # the unit's name wraps over lines rather than end in "…": "Sở Xây …" named no unit at 1366 px
        self.units_table.setWordWrap(True)
        self.units_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.units_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column, tip in enumerate(
            (
                self.tr("Tickets forwarded to the unit in the period"),
                self.tr("Answered by the deadline"),
                self.tr("Answered after the deadline"),
                self.tr("Not answered and past the deadline now"),
                self.tr("Returned as not the unit's competence"),
            ),
            start=1,
        ):
            heading = self.units_table.horizontalHeaderItem(column)
            if heading is not None:
                heading.setToolTip(tip)
        self.units_message = QLabel(self.tr("Loading…"), self)
        self.units_message.setObjectName("unitsMessage")
        self.units_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.units_message.setWordWrap(True)
        self.units_stack = QStackedWidget(self)
        self.units_stack.addWidget(self.units_message)
        self.units_stack.addWidget(self.units_table)
        self.unit_tabs = QTabWidget(self)
        self.unit_tabs.setObjectName("unitTabs")
        self.unit_tabs.addTab(
            self.units_stack, self.tr("Answers by unit (%1 days)").replace("%1", str(UNITS_WINDOW_DAYS))
        )
        self.unit_tabs.addTab(self.overdue_table, self.tr("Overdue"))
        self.unit_tabs.setTabToolTip(1, self.tr("Overdue tickets per unit"))
        # Units' requests for more time: the supervisor grants or refuses them here (#17 point 1).
        self.requests: list[ExtensionRequest] = []
        self.requests_table = self._table(
            "extensionRequestsTable",
            [self.tr("Unit"), self.tr("Ticket"), self.tr("Days"), self.tr("Reason")],
        )
        self.requests_table.horizontalHeader().setMinimumSectionSize(36)
        self.requests_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._deciding = False  # a decision is on its way to the server: the buttons wait for its answer
        self._requests_unread = False  # the message says the list could not be read
        self.grant_button = QPushButton(self.tr("&Grant"), self)
        self.grant_button.setObjectName("grantExtension")
        self.refuse_button = QPushButton(self.tr("Re&fuse"), self)
        self.refuse_button.setObjectName("refuseExtension")
        self.grant_button.clicked.connect(lambda: self.decide_extension(grant=True))
        self.refuse_button.clicked.connect(lambda: self.decide_extension(grant=False))
        self.requests_message = QLabel(self)
        self.requests_message.setObjectName("extensionMessage")
        self.requests_message.setWordWrap(True)
        requests_page = QWidget(self)
        requests_layout = QVBoxLayout(requests_page)
        requests_layout.setContentsMargins(0, 0, 0, 0)
        requests_layout.addWidget(self.requests_table, 1)
        decisions = QHBoxLayout()
        decisions.addWidget(self.requests_message, 1)
        decisions.addWidget(self.grant_button)
        decisions.addWidget(self.refuse_button)
        requests_layout.addLayout(decisions)
        self.unit_tabs.addTab(requests_page, self.tr("More time asked (%1)").replace("%1", "0"))
        self._show_requests([])
        self.requests_table.itemSelectionChanged.connect(self._enable_decisions)
        self.operators_message = QLabel(self.tr("Not connected to the server"), self)
        self.operators_message.setObjectName("presenceMessage")
        self.operators_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.operators_message.setWordWrap(True)
        self.operators_stack = QStackedWidget(self)
        self.operators_stack.addWidget(self.operators_message)
        self.operators_stack.addWidget(self.operators_table)

        self.daily_chart = TrendChart(self.tr("Tickets and calls per day (30 days)"), "bar", self)
        self.monthly_chart = TrendChart(self.tr("Tickets and calls per month (12 months)"), "bar", self)
        self.channel_chart = TrendChart(self.tr("Tickets per channel and month"), "line", self)

        header = QHBoxLayout()
        title = QLabel(self.tr("Supervisor dashboard"), self)
        title.setObjectName("panelTitle")
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.updated_label)
        right = QVBoxLayout()
        right.addWidget(self._boxed(self.tr("Operators"), self.operators_stack), 1)
        right.addWidget(self._boxed(self.tr("Units"), self.unit_tabs), 2)
        middle = QHBoxLayout()
        middle.addWidget(figures_box, 0)  # as wide as its labels: the breakdown and the tables share the rest
        middle.addWidget(self._boxed(self.tr("Tickets by channel, type and level"), self.breakdown), 1)
        middle.addLayout(right, 1)
        charts = QHBoxLayout()
        for chart in (self.daily_chart, self.monthly_chart, self.channel_chart):
            charts.addWidget(chart)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(middle, 3)
        layout.addLayout(charts, 2)
        self.resize(1400, 860)

    # -- construction --------------------------------------------------------------------------
    def _figures_box(self) -> QGroupBox:
        """Today's and this month's figures in one box, a row per figure read across both periods: two
        boxes of two columns each took half of 1366 px and left the breakdown beside them too narrow for
        its labels ("Hệ thống …")."""
        box = QGroupBox(self.tr("Calls and tickets"), self)
        box.setObjectName("figuresBox")
        names = {
            "calls_in": self.tr("Inbound calls"),
            "calls_out": self.tr("Outbound calls"),
            "missed": self.tr("Missed"),
            "abandoned": self.tr("Abandoned while ringing"),
            "answer_rate": self.tr("Answer rate"),
            "handle_time": self.tr("Average talk time (min:s)"),
            "tickets": self.tr("Tickets received"),
            "resolved": self.tr("Resolved"),
            "in_progress": self.tr("In progress"),
            "satisfaction": self.tr("Satisfied (of rated)"),
            "surveys": self.tr("Surveys answered / attempts"),
        }
        grid = QGridLayout(box)
        grid.setVerticalSpacing(2)
        periods = (("today", self.tr("Today")), ("month", self.tr("This month")))
        for column, (period, title) in enumerate(periods, start=1):
            heading = QLabel(title, box)
            heading.setObjectName(f"{period}Heading")
            heading.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(heading, 0, column)
        for row, key in enumerate(FIGURES, start=1):
            grid.addWidget(QLabel(names[key], box), row, 0)
            for column, (period, _title) in enumerate(periods, start=1):
                value = QLabel("–", box)
                value.setObjectName("figureValue")
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                font = value.font()
                font.setBold(True)
                value.setFont(font)
                value.setMinimumWidth(QFontMetrics(font).horizontalAdvance("100,00%") + 8)
                grid.addWidget(value, row, column)
                self.figures[(period, key)] = value
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(len(FIGURES) + 1, 1)  # the rows stay together at the top of a tall box
        return box

    def _boxed(self, title: str, content: QWidget) -> QGroupBox:
        box = QGroupBox(title, self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(content)
        return box

    def _table(self, name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers), self)
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(120)  # the name column is never squeezed to a few letters
        for column in range(1, len(headers)):  # figures keep their whole heading; names elide instead
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setAlternatingRowColors(True)
        return table

    def _build_breakdown(self) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setObjectName("breakdownTree")
        tree.setHeaderLabels([self.tr("Group"), self.tr("Today"), self.tr("This month")])
        tree.setRootIsDecorated(False)
        tree.header().setStretchLastSection(False)
        tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            tree.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self._breakdown_rows: dict[tuple[str, str], QTreeWidgetItem] = {}
        groups: list[tuple[str, str, list[tuple[str, str]]]] = [
            ("channel", self.tr("Channel"), [(c.value, c.label) for c in Channel]),
            ("type", self.tr("Request type"), [(t.value, t.label) for t in RequestType]),
            ("level", self.tr("Level"), [(str(int(level)), level.label) for level in Level]),
        ]
        for group, title, members in groups:
            parent = QTreeWidgetItem(tree, [title])
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            for code, label in members:
                item = QTreeWidgetItem(parent, [label, "–", "–"])
                item.setToolTip(0, label)
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
                self._breakdown_rows[(group, code)] = item
        tree.expandAll()
        return tree

    def _fit_breakdown(self) -> None:
        """Every label of the breakdown whole ("Hệ thống thông tin giải quyết TTHC tỉnh"), not only on
        hover: the tree is never narrower than its longest label beside the two figures (measured once the
        style sheet's font applies)."""
        tree = self.breakdown
        widest = max(
            tree.fontMetrics().horizontalAdvance(item.text(0)) for item in self._breakdown_rows.values()
        )
        figures = sum(tree.header().sectionSizeHint(column) for column in (1, 2))
        scroll_bar = tree.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        tree.setMinimumWidth(widest + tree.indentation() + 16 + figures + scroll_bar + 2 * tree.frameWidth())

    # -- refreshing ----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        self._fit_breakdown()
        super().showEvent(event)
        self.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def start(self) -> None:
        if not self.timer.isActive():
            self.timer.start()
            self.refresh()

    def refresh(self) -> None:
        """Starts one background read unless one is already running."""
        if self._pending:
            return
        self._pending = True
        with_trends = self._refreshes % TRENDS_EVERY == 0
        self._refreshes += 1
        reader, presence, units = self._reader, self._presence, self._units

        def read() -> DashboardRead:
            """Runs on a worker thread."""
            counts = reader.counts(with_trends=with_trends)
            # the units' figures are a report over every forwarding: read as rarely as the trends
            per_unit = _units_read(units, counts.taken_at.date()) if with_trends else None
            try:
                return counts, presence.operators(), None, per_unit
            except PresenceUnavailable as error:
                return counts, None, str(error), per_unit
            except Exception as error:  # the server may fail any way: the counts still show
                return counts, None, str(error), per_unit

        self._runner.run(read, self.on_read_done, self.on_read_failed)

    def on_read_done(self, result: DashboardRead) -> None:
        self._pending = False
        counts, operators, presence_error, per_unit = result
        if per_unit is not None:
            self._show_units(*per_unit)
        if counts.trends is not None:
            self._show_trends(counts.trends)
        elif self.counts is not None:
            counts = replace(counts, trends=self.counts.trends)  # keep the last trends shown
        self.counts = counts
        self._show_period("today", counts.today)
        self._show_period("month", counts.month)
        self._show_breakdown(counts)
        self._show_overdue(counts)
        self._show_operators(operators, presence_error)
        self.updated_label.setText(
            self.tr("Updated at %1").replace("%1", shown_vn(counts.taken_at, "%H:%M:%S"))
        )
        self.refreshed.emit(counts)

    def on_read_failed(self, error: BaseException) -> None:
        self._pending = False
        self.updated_label.setText(self.tr("Could not read the counts: %1").replace("%1", str(error)))

    # -- showing -------------------------------------------------------------------------------
    def _show_period(self, period: str, counts: PeriodCounts) -> None:
        for key, text in figure_values(counts).items():
            self.figures[(period, key)].setText(text)

    def _show_breakdown(self, counts: DashboardCounts) -> None:
        for column, period in ((1, counts.today), (2, counts.month)):
            tickets = period.tickets
            values = {
                **{("channel", code): n for code, n in tickets.by_channel.items()},
                **{("type", code): n for code, n in tickets.by_type.items()},
                **{("level", str(level)): n for level, n in tickets.by_level.items()},
            }
            for key, item in self._breakdown_rows.items():
                item.setText(column, format_count(values.get(key, 0)))

    def _show_overdue(self, counts: DashboardCounts) -> None:
        table = self.overdue_table
        table.setRowCount(len(counts.overdue))
        for row, unit in enumerate(counts.overdue):
            cells = [
                unit.unit_name,
                format_count(unit.overdue),
                unit.oldest_deadline.strftime("%d/%m/%Y"),
                format_count(unit.working_days_late),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                else:
                    item.setToolTip(text)  # a long unit name elides: the whole name on hover
                table.setItem(row, column, item)

    def _show_requests(self, requests: list[ExtensionRequest]) -> None:
        """The requests waiting for an answer; the one the supervisor chose stays chosen by its forwarding,
        not by its row: a refresh that drops or adds a request must not put another unit's ticket under
        Grant. When the chosen one is gone (answered elsewhere) nothing is chosen."""
        chosen, first_list = self.chosen_request(), not self.requests
        self.requests = requests
        table = self.requests_table
        table.setRowCount(len(requests))
        for row, request in enumerate(requests):
            tip = self.tr("%1 working days asked; deadline now %2").replace("%1", str(request.days))
            tip = tip.replace("%2", request.deadline.strftime("%d/%m/%Y")) + "\n" + request.reason
            for column, text in enumerate(
                (request.unit, request.ticket_code, str(request.days), " ".join(request.reason.split()))
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        table.clearSelection()
        kept = [row for row, r in enumerate(requests) if chosen and r.forwarding_id == chosen.forwarding_id]
        if kept:
            table.selectRow(kept[0])
        elif requests and first_list and chosen is None:
            table.selectRow(0)  # the oldest request, when the list first shows
        self._enable_decisions()
        self.unit_tabs.setTabText(2, self.tr("More time asked (%1)").replace("%1", str(len(requests))))

    def chosen_request(self) -> ExtensionRequest | None:
        """The request selected in the list, the one Grant and Refuse answer."""
        rows = self.requests_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.requests):
            return None
        return self.requests[rows[0].row()]

    def _enable_decisions(self) -> None:
        chosen = self.chosen_request() is not None and not self._deciding
        for button in (self.grant_button, self.refuse_button):
            button.setEnabled(chosen)

    def decide_extension(self, *, grant: bool) -> None:
        """The selected request granted or refused on the server (a worker), then the list read again."""
        request, units = self.chosen_request(), self._units
        if request is None or self._deciding:
            return
        self._deciding = True
        self._enable_decisions()

        def decide() -> tuple[date, list[ExtensionRequest]]:
            """Runs on a worker thread."""
            deadline = units.decide_extension(request.forwarding_id, grant)
            return deadline, units.extension_requests()

        def done(result: tuple[date, list[ExtensionRequest]]) -> None:
            deadline, left = result
            said = (
                self.tr("Ticket %1: more time granted, deadline %2")
                if grant
                else self.tr("Ticket %1: more time refused, deadline stays %2")
            )
            self.requests_message.setText(
                said.replace("%1", request.ticket_code).replace("%2", deadline.strftime("%d/%m/%Y"))
            )
            self._deciding = False
            self._show_requests(left)

        def failed(error: BaseException) -> None:
            self.requests_message.setText(str(error))
            self._deciding = False
            self._show_requests(self.requests)

        self._runner.run(decide, done, failed)

    def _show_units(
        self,
        units: list[UnitOnTime] | None,
        error: str | None,
        requests: list[ExtensionRequest] | None = None,
        requests_error: str | None = None,
    ) -> None:
        if requests is not None:
            self._show_requests(requests)
            if self._requests_unread:  # read again: the reason shown no longer holds
                self.requests_message.setText("")
            self._requests_unread = False
        elif requests_error:  # the list shown may be old: say so, not "no request waits"
            self.requests_message.setText(
                self.tr("The units' requests for more time could not be read: %1").replace(
                    "%1", requests_error
                )
            )
            self._requests_unread = True
        self.units, self.units_error = units, error
        if units is None:
            self.units_message.setText(self.tr("Figures by unit are unknown: %1").replace("%1", error or ""))
            self.units_stack.setCurrentWidget(self.units_message)
            return
        if not units:
            self.units_message.setText(
                self.tr("No ticket was forwarded to a unit in the last %1 days.").replace(
                    "%1", str(UNITS_WINDOW_DAYS)
                )
            )
            self.units_stack.setCurrentWidget(self.units_message)
            return
        table = self.units_table
        table.setRowCount(len(units))
        for row, unit in enumerate(sorted(units, key=lambda u: (-u.overdue_now, -u.forwarded, u.unit))):
            cells = [
                unit.unit,
                format_count(unit.forwarded),
                format_count(unit.answered_on_time),
                format_count(unit.answered_late),
                format_count(unit.overdue_now),
                format_count(unit.returned),
            ]
            tip = self.tr("%1: answered on time %2").replace("%1", unit.unit)
            tip = tip.replace("%2", format_pct(unit.on_time_rate))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        self.units_stack.setCurrentWidget(self.units_table)

    def _show_operators(self, operators: list[OperatorPresence] | None, error: str | None) -> None:
        self.presence_error = error
        if operators is None:
            self.operators_message.setText(
                self.tr("Operators' states are unknown: %1").replace("%1", error or "")
            )
            self.operators_stack.setCurrentWidget(self.operators_message)
            return
        labels = {
            OperatorState.REGISTERED: self.tr("Registered"),
            OperatorState.IDLE: self.tr("Idle"),
            OperatorState.ON_CALL: self.tr("On a call"),
            OperatorState.WRAP_UP: self.tr("Wrap-up"),
            OperatorState.OFFLINE: self.tr("Offline"),
            OperatorState.LOST: self.tr("Connection lost"),
        }
        table = self.operators_table
        table.setRowCount(len(operators))
        for row, person in enumerate(operators):
            since = shown_vn(person.shown_since, "%H:%M:%S") if person.shown_since else ""
            reason = person.not_ready
            lasted = person.seconds_in_state
            cells = [
                person.full_name or person.operator,
                reason.label if reason is not None else labels[person.state],
                since,
                elapsed_text(lasted) if lasted is not None else "–",
                elapsed_text(person.after_call_seconds_today),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(self._operator_tip(person))
                if column >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        self.operators_stack.setCurrentWidget(self.operators_table)

    def _operator_tip(self, person: OperatorPresence) -> str:
        if person.state is OperatorState.LOST:
            heard = shown_vn(person.since, "%H:%M:%S") if person.since else "–"
            return (
                self.tr("%1: no news from this desk since %2 (closed without saying so, or no network)")
                .replace("%1", person.operator)
                .replace("%2", heard)
            )
        tip = f"{person.operator}: {person.detail}" if person.detail else person.operator
        reason = AgentState(person.agent_state)
        if not reason.ready:
            tip += " · " + self.tr("not ready: %1").replace("%1", reason.label)
        return tip

    def _show_trends(self, trends: Trends) -> None:
        tickets, calls = self.tr("Tickets"), self.tr("Calls")
        self.daily_chart.set_data(
            [day.strftime("%d/%m") for day in trends.days],
            [Series(tickets, trends.tickets_by_day), Series(calls, trends.calls_by_day)],
        )
        months = [month.strftime("%m/%y") for month in trends.months]
        self.monthly_chart.set_data(
            months, [Series(tickets, trends.tickets_by_month), Series(calls, trends.calls_by_month)]
        )
        self.channel_chart.set_data(
            months, [Series(Channel(code).label, values) for code, values in trends.channels_by_month.items()]
        )
