"""The filter bar above the ticket list: status, unit, type, level, channel, period, free text."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.clock import now_vn
from desktop.domain.codes import Channel, Level, RequestType, TicketStatus
from desktop.domain.ticket_step import TicketStep
from desktop.services.catalogs import CatalogItem
from desktop.services.tickets.query import TicketFilter
from desktop.ui.common.vn_time import today_vn
from desktop.ui.common.widgets import code_combo, combo_edit, current_value, make_searchable, python_date

SEARCH_DEBOUNCE_MS = 300

PERIOD_ALL, PERIOD_TODAY, PERIOD_YESTERDAY, PERIOD_7_DAYS = "all", "today", "yesterday", "7days"
PERIOD_MONTH, PERIOD_LAST_MONTH, PERIOD_YEAR, PERIOD_CUSTOM = "month", "last_month", "year", "custom"


def period_range(period: str, today: date) -> tuple[date | None, date | None]:
    """The first and last day of a quick period choice; (None, None) for all time."""
    if period == PERIOD_TODAY:
        return today, today
    if period == PERIOD_YESTERDAY:
        day = today - timedelta(days=1)
        return day, day
    if period == PERIOD_7_DAYS:
        return today - timedelta(days=6), today
    if period == PERIOD_MONTH:
        return today.replace(day=1), today
    if period == PERIOD_LAST_MONTH:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if period == PERIOD_YEAR:
        return today.replace(month=1, day=1), today
    return None, None


class FilterBar(QWidget):
    """Emits `filter_changed` with a TicketFilter; the free text waits 300 ms after the last key."""

    filter_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(
            self.tr("Search code, phone, name, content (no diacritics needed)…  Ctrl+F")
        )
        self.search_edit.setToolTip(self.tr("Search tickets (Ctrl+F or F3); Esc clears the search"))

        any_label = self.tr("All")
        self.status_combo = code_combo(((s.label, s) for s in TicketStatus), self, any_label=any_label)
        self.status_combo.setObjectName("statusFilter")
        self.step_combo = code_combo(((step.label, step) for step in TicketStep), self, any_label=any_label)
        self.step_combo.setObjectName("stepFilter")
        self.step_combo.setToolTip(
            self.tr("Where the ticket is: received, with a unit (days left), answered, called back, done")
        )
        self.level_combo = code_combo(((str(int(v)), v) for v in Level), self, any_label=any_label)
        self.level_combo.setObjectName("levelFilter")
        self.channel_combo = code_combo(((c.label, c) for c in Channel), self, any_label=any_label)
        self.channel_combo.setObjectName("channelFilter")
        self.type_combo = code_combo(((t.label, t) for t in RequestType), self, any_label=any_label)
        self.type_combo.setObjectName("requestTypeFilter")
        for long_names in (self.channel_combo, self.type_combo):  # the bar fits 1366 px with the step filter
            long_names.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            long_names.setMinimumContentsLength(14)
            long_names.view().setMinimumWidth(
                long_names.view().sizeHintForColumn(0) + 24
            )  # list: whole names
        self.unit_combo = code_combo((), self, any_label=self.tr("All units"))
        self.unit_combo.setObjectName("unitFilter")
        self.unit_combo.setMinimumContentsLength(22)
        self.unit_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        make_searchable(self.unit_combo)

        self.period_combo = code_combo(
            (
                (self.tr("All time"), PERIOD_ALL),
                (self.tr("Today"), PERIOD_TODAY),
                (self.tr("Yesterday"), PERIOD_YESTERDAY),
                (self.tr("Last 7 days"), PERIOD_7_DAYS),
                (self.tr("This month"), PERIOD_MONTH),
                (self.tr("Last month"), PERIOD_LAST_MONTH),
                (self.tr("This year"), PERIOD_YEAR),
                (self.tr("Custom range"), PERIOD_CUSTOM),
            ),
            self,
        )
        self.period_combo.setObjectName("periodFilter")
        today = today_vn()
        self.from_date = self._date_edit("fromDate", today.addDays(-30))
        self.to_date = self._date_edit("toDate", today)
        self.clear_button = QToolButton(self)
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setText(self.tr("Clear filters"))
        self.clear_button.setToolTip(self.tr("Show every ticket again"))

        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.search_edit, 3)
        top.addWidget(self._caption(self.tr("Period"), self.period_combo))
        top.addWidget(self.period_combo)
        top.addWidget(self._caption(self.tr("From"), self.from_date))
        top.addWidget(self.from_date)
        top.addWidget(self._caption(self.tr("to"), self.to_date))
        top.addWidget(self.to_date)
        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        for caption, combo in (
            (self.tr("Status"), self.status_combo),
            (self.tr("Step"), self.step_combo),
            (self.tr("Level"), self.level_combo),
            (self.tr("Channel"), self.channel_combo),
            (self.tr("Type"), self.type_combo),
            (self.tr("Unit"), self.unit_combo),
        ):
            bottom.addWidget(self._caption(caption, combo))
            bottom.addWidget(combo, 1 if combo is self.unit_combo else 0)
        bottom.addStretch(0)
        bottom.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(bottom)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.on_debounce_timeout)
        self.search_edit.textChanged.connect(self.on_search_edit_text_changed)
        for combo in (
            self.status_combo,
            self.step_combo,
            self.level_combo,
            self.channel_combo,
            self.type_combo,
        ):
            combo.currentIndexChanged.connect(self.on_combo_changed)
        self.unit_combo.currentIndexChanged.connect(self.on_combo_changed)
        combo_edit(self.unit_combo).editingFinished.connect(self.on_unit_editing_finished)
        self.period_combo.currentIndexChanged.connect(self.on_period_combo_changed)
        self.from_date.dateChanged.connect(self.on_date_edited)
        self.to_date.dateChanged.connect(self.on_date_edited)
        self.clear_button.clicked.connect(self.clear)
        self._last: TicketFilter | None = None
        self.on_period_combo_changed()
        self._last = self.current_filter()

    def _date_edit(self, name: str, value: QDate) -> QDateEdit:
        edit = QDateEdit(value, self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        return edit

    def _caption(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName("filterCaption")
        label.setBuddy(buddy)
        return label

    # -- state ---------------------------------------------------------------------------------
    def set_units(self, units: list[CatalogItem]) -> None:
        current = self.unit_combo.currentData()
        self.unit_combo.blockSignals(True)
        while self.unit_combo.count() > 1:
            self.unit_combo.removeItem(1)
        for unit in units:
            self.unit_combo.addItem(unit.name, unit.code)
        index = self.unit_combo.findData(current) if current else 0
        self.unit_combo.setCurrentIndex(max(index, 0))
        self.unit_combo.blockSignals(False)

    def current_filter(self) -> TicketFilter:
        def chosen(combo: QComboBox, kind: Any = None) -> frozenset[Any]:
            value = current_value(combo, kind)
            return frozenset() if value is None else frozenset({value})

        received_from: date | None = None
        received_to: date | None = None
        if self.period_combo.currentData() != PERIOD_ALL:
            received_from = python_date(self.from_date.date())
            received_to = python_date(self.to_date.date())
        return TicketFilter(
            statuses=chosen(self.status_combo, TicketStatus),
            steps=chosen(self.step_combo, TicketStep),
            unit_codes=chosen(self.unit_combo),
            request_types=chosen(self.type_combo, RequestType),
            levels=chosen(self.level_combo, Level),
            channels=chosen(self.channel_combo, Channel),
            received_from=received_from,
            received_to=received_to,
            text=self.search_edit.text().strip(),
        )

    def clear(self) -> None:
        """Back to every ticket: all combos to their first item, no text, all time."""
        widgets = (
            self.status_combo,
            self.step_combo,
            self.level_combo,
            self.channel_combo,
            self.type_combo,
            self.unit_combo,
            self.period_combo,
            self.search_edit,
        )
        for widget in widgets:
            widget.blockSignals(True)
        for combo in widgets[:-1]:
            combo.setCurrentIndex(0)
        self.search_edit.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self._debounce.stop()
        self._apply_period(PERIOD_ALL)
        self._emit_if_changed()

    def clear_search(self) -> None:
        if self.search_edit.text():
            self.search_edit.clear()
            self._debounce.stop()
            self._emit_if_changed()

    def _emit_if_changed(self) -> None:
        spec = self.current_filter()
        if spec != self._last:
            self._last = spec
            self.filter_changed.emit(spec)

    def _apply_period(self, period: str) -> None:
        custom_or_all = period in (PERIOD_ALL, PERIOD_CUSTOM)
        if not custom_or_all:
            first, last = period_range(period, now_vn().date())
            for edit, day in ((self.from_date, first), (self.to_date, last)):
                assert day is not None  # only "all time" has no bounds
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        enabled = period != PERIOD_ALL
        self.from_date.setEnabled(enabled)
        self.to_date.setEnabled(enabled)

    # -- slots ---------------------------------------------------------------------------------
    def on_search_edit_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def on_debounce_timeout(self) -> None:
        self._emit_if_changed()

    def on_combo_changed(self, _index: int) -> None:
        self._emit_if_changed()

    def on_unit_editing_finished(self) -> None:
        if not self.unit_combo.currentText().strip():
            self.unit_combo.setCurrentIndex(0)

    def on_period_combo_changed(self, _index: int = 0) -> None:
        self._apply_period(self.period_combo.currentData())
        if self._last is not None:
            self._emit_if_changed()

    def on_date_edited(self, _date: QDate) -> None:
        if self.period_combo.currentData() != PERIOD_CUSTOM:
            self.period_combo.blockSignals(True)
            self.period_combo.setCurrentIndex(self.period_combo.findData(PERIOD_CUSTOM))
            self.period_combo.blockSignals(False)
        self._emit_if_changed()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.clear_search()
            return
        super().keyPressEvent(event)
