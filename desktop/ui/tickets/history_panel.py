"""The caller-history panel: suggestions while a number is typed, then the caller's tickets and calls."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.clock import shown_vn
from desktop.domain.codes import TicketStatus
from desktop.domain.phone import display_phone, phone_prefix_digits, try_normalize_phone
from desktop.domain.ticket import CallerHistory, Citizen
from desktop.services.bundle import HistoryReader
from desktop.ui.common.tasks import TaskRunner, default_runner
from desktop.ui.common.widgets import ElidedLabel
from desktop.ui.tickets.model import IN_PROGRESS_COLOUR, RESOLVED_COLOUR, first_line

HISTORY_DEBOUNCE_MS = 150
TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CALLER_ROLE = Qt.ItemDataRole.UserRole + 2
CALL_ID_ROLE = Qt.ItemDataRole.UserRole + 3
RECORDED_ROLE = Qt.ItemDataRole.UserRole + 4


class HistoryPanel(QWidget):
    """Follows the phone field: partial numbers list known callers, a full number shows its history."""

    ticket_activated = Signal(str)
    caller_chosen = Signal(str, str)
    history_shown = Signal(object)
    suggestions_shown = Signal(list)
    call_requested = Signal(str, str)  # phone, selected ticket id ("" when none): the phone desk dials
    recording_requested = Signal(str)  # a call's log id: the phone desk plays its recording

    def __init__(
        self, history: HistoryReader, runner: TaskRunner | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self._history = history
        self._runner = runner or default_runner()
        self._generation = 0
        self._typed = ""
        self.current: CallerHistory | None = None

        self.title_label = QLabel(self.tr("Caller history"), self)
        self.title_label.setObjectName("panelTitle")
        self.name_label = ElidedLabel(self)  # a long name or count never widens the side panel
        self.name_label.setObjectName("callerName")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.repeat_badge = QLabel(self.tr("Repeat caller"), self)
        self.repeat_badge.setObjectName("repeatBadge")
        self.repeat_badge.setToolTip(self.tr("This number has called or had tickets before"))
        self.repeat_badge.hide()
        self.open_label = ElidedLabel(self)
        self.open_label.setObjectName("openTickets")
        self.call_button = QToolButton(self)
        self.call_button.setObjectName("historyCall")
        self.call_button.setText(self.tr("Call"))
        self.call_button.setToolTip(self.tr("Call this number (Ctrl+Shift+D)"))
        self.call_button.clicked.connect(self.request_call)
        self.hint_label = QLabel(
            self.tr("Type a phone number in the form to see the caller's history."), self
        )
        self.hint_label.setObjectName("historyHint")
        self.hint_label.setWordWrap(True)

        self.suggestions = QListWidget(self)
        self.suggestions.setObjectName("suggestions")
        self.suggestions.setToolTip(self.tr("Known callers: click (or Enter) to fill the phone and name"))
        self.suggestions.hide()

        self.tickets_caption = QLabel(self.tr("Last tickets"), self)
        self.tickets_caption.setObjectName("sectionCaption")
        self.tickets_view = self._tree(
            "historyTickets",
            [self.tr("Date"), self.tr("Code"), self.tr("Status"), self.tr("Unit"), self.tr("Content")],
        )
        self.tickets_view.setToolTip(self.tr("Double-click or Enter opens the ticket (Ctrl+H to come here)"))
        self.calls_caption = QLabel(self.tr("Last calls"), self)
        self.calls_caption.setObjectName("sectionCaption")
        self.calls_view = self._tree(
            "historyCalls", [self.tr("Time"), self.tr("Direction"), self.tr("Outcome"), self.tr("Ticket")]
        )
        self.play_button = QToolButton(self)
        self.play_button.setObjectName("historyPlay")
        self.play_button.setText(self.tr("Play recording"))
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.play_button.setToolTip(
            self.tr("Listen to the selected call's recording (Enter on a call with the play mark)")
        )
        self.play_button.clicked.connect(self.request_recording)

        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self.name_label, 1)
        header.addWidget(self.repeat_badge)
        header.addWidget(self.call_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addWidget(self.title_label)
        layout.addLayout(header)
        layout.addWidget(self.open_label)  # its own line: the caller's name keeps the header's room
        layout.addWidget(self.hint_label)
        layout.addWidget(self.suggestions, 1)
        layout.addWidget(self.tickets_caption)
        layout.addWidget(self.tickets_view, 3)
        calls_header = QHBoxLayout()
        calls_header.addWidget(self.calls_caption, 1)
        calls_header.addWidget(self.play_button)
        layout.addLayout(calls_header)
        layout.addWidget(self.calls_view, 2)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(HISTORY_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.on_debounce_timeout)
        self.tickets_view.itemActivated.connect(self.on_tickets_view_item_activated)
        self.tickets_view.itemClicked.connect(self.on_tickets_view_item_activated)
        self.suggestions.itemClicked.connect(self.on_suggestions_item_activated)
        self.suggestions.itemActivated.connect(self.on_suggestions_item_activated)
        self.calls_view.itemActivated.connect(self.on_calls_view_item_activated)
        self.clear()

    def _tree(self, name: str, headers: list[str]) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setObjectName(name)
        tree.setHeaderLabels(headers)
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return tree

    # -- public --------------------------------------------------------------------------------
    def clear(self) -> None:
        self._generation += 1
        self.current = None
        self.name_label.setText("")
        self.repeat_badge.hide()
        self.call_button.hide()
        self.play_button.hide()
        self.open_label.setText("")
        self.hint_label.show()
        self.suggestions.clear()
        self.suggestions.hide()
        self.tickets_view.clear()
        self.calls_view.clear()
        for widget in (self.tickets_caption, self.tickets_view, self.calls_caption, self.calls_view):
            widget.setVisible(True)

    def focus_history(self) -> None:
        if self.suggestions.isVisible():
            self.suggestions.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if self.suggestions.currentItem() is None and self.suggestions.count():
                self.suggestions.setCurrentRow(0)
            return
        self.tickets_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        first = self.tickets_view.topLevelItem(0)
        if self.tickets_view.currentItem() is None and first is not None:
            self.tickets_view.setCurrentItem(first)

    def on_form_phone_changed(self, text: str) -> None:
        if text.strip() == self._typed:
            return
        self._typed = text.strip()
        self._debounce.start()

    # -- loading -------------------------------------------------------------------------------
    def on_debounce_timeout(self) -> None:
        typed = self._typed
        self._generation += 1
        generation = self._generation
        history = self._history
        normalized = try_normalize_phone(typed) if typed else None
        if normalized is not None:

            def lookup() -> CallerHistory:
                """Runs on a worker thread."""
                return history.lookup(normalized)

            self._runner.run(lookup, partial(self._on_history_loaded, generation), self._ignore)
            return
        digits = phone_prefix_digits(typed)
        if digits is not None and len(digits) >= 3:

            def suggest() -> list[Citizen]:
                """Runs on a worker thread."""
                return history.callers_starting_with(typed)

            self._runner.run(suggest, partial(self._on_suggestions_loaded, generation), self._ignore)
            return
        self.clear()

    def _ignore(self, _error: BaseException) -> None:
        """A half-typed number may fail to parse; the panel then just keeps what it showed."""

    def _on_suggestions_loaded(self, generation: int, callers: list[Citizen]) -> None:
        if generation != self._generation:
            return
        self.clear()
        self._generation = generation
        if not callers:
            self.name_label.setText(self.tr("No known caller with this number yet"))
            self.hint_label.hide()
            self.suggestions_shown.emit([])
            return
        self.hint_label.hide()
        self.name_label.setText(self.tr("Known callers starting with %1").replace("%1", self._typed))
        for citizen in callers:
            name = citizen.name or self.tr("(no name)")
            item = QListWidgetItem(f"{display_phone(citizen.phone)}   {name}")
            item.setData(CALLER_ROLE, (citizen.phone, citizen.name))
            self.suggestions.addItem(item)
        self.suggestions.show()
        for widget in (self.tickets_caption, self.tickets_view, self.calls_caption, self.calls_view):
            widget.setVisible(False)
        self.suggestions_shown.emit(callers)

    def reload_caller(self) -> None:
        """The shown caller's history read again (a call of theirs was logged), without coming forward."""
        current = self.current
        if current is None:
            return
        self._generation += 1
        history, phone = self._history, current.phone
        loaded = partial(self._on_history_loaded, self._generation, announce=False)
        self._runner.run(lambda: history.lookup(phone), loaded, self._ignore)

    def _on_history_loaded(self, generation: int, found: CallerHistory, *, announce: bool = True) -> None:
        if generation != self._generation:
            return
        self.clear()
        self._generation = generation
        self.current = found
        self.hint_label.hide()
        name = found.citizen.name if found.citizen and found.citizen.name else self.tr("(name unknown)")
        self.name_label.setText(f"{name} · {display_phone(found.phone)}")
        self.repeat_badge.setVisible(found.is_repeat_caller)
        self.call_button.show()
        self.open_label.setText(
            self.tr("%1 tickets, %2 in progress")
            .replace("%1", str(found.total_tickets))
            .replace("%2", str(found.open_tickets))
        )
        self.open_label.setProperty("hasOpen", found.open_tickets > 0)
        self.open_label.style().unpolish(self.open_label)
        self.open_label.style().polish(self.open_label)
        for row in found.tickets:
            item = QTreeWidgetItem(
                [
                    shown_vn(row.received_at),
                    row.code,
                    row.status.label,
                    row.unit_name,
                    first_line(row.content),
                ]
            )
            item.setData(0, TICKET_ID_ROLE, row.id)
            item.setToolTip(3, row.unit_name)  # the column is capped at 200 px: the whole name on hover
            item.setToolTip(4, row.content)
            colour = RESOLVED_COLOUR if row.status is TicketStatus.RESOLVED else IN_PROGRESS_COLOUR
            item.setForeground(2, QBrush(colour))
            self.tickets_view.addTopLevelItem(item)
        for call in found.calls:
            call_item = QTreeWidgetItem(
                [
                    shown_vn(call.started_at),
                    call.direction.label,
                    call.outcome.label,
                    call.ticket_code or "",
                ]
            )
            for column in range(4):
                call_item.setToolTip(column, call.audio_summary)  # loss, jitter, SRTP of the call
            call_item.setData(0, CALL_ID_ROLE, call.id)
            if call.recorded:
                call_item.setData(0, RECORDED_ROLE, True)
                call_item.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
            self.calls_view.addTopLevelItem(call_item)
        self.tickets_view.resizeColumnToContents(0)
        self.tickets_view.resizeColumnToContents(1)
        self.tickets_view.resizeColumnToContents(2)
        self.tickets_view.setColumnWidth(3, min(self.tickets_view.sizeHintForColumn(3) + 12, 200))
        for column in range(3):
            self.calls_view.resizeColumnToContents(column)
        self.play_button.setVisible(any(call.recorded for call in found.calls))
        if announce:
            self.history_shown.emit(found)

    # -- slots ---------------------------------------------------------------------------------
    def on_tickets_view_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        ticket_id = item.data(0, TICKET_ID_ROLE)
        if ticket_id:
            self.ticket_activated.emit(str(ticket_id))

    def on_suggestions_item_activated(self, item: QListWidgetItem) -> None:
        phone, name = item.data(CALLER_ROLE)
        self.caller_chosen.emit(phone, name)

    def on_calls_view_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        if item.data(0, RECORDED_ROLE):
            self.recording_requested.emit(str(item.data(0, CALL_ID_ROLE)))

    def request_recording(self) -> None:
        """The play button: the selected call's recording, else the newest recorded call's."""
        item = self.calls_view.currentItem()
        if item is None or not item.data(0, RECORDED_ROLE):
            item = next(
                (
                    candidate
                    for i in range(self.calls_view.topLevelItemCount())
                    if (candidate := self.calls_view.topLevelItem(i)) is not None
                    and candidate.data(0, RECORDED_ROLE)
                ),
                None,
            )
        if item is not None:
            self.recording_requested.emit(str(item.data(0, CALL_ID_ROLE)))

    def request_call(self) -> None:
        shown = self.shown_number()
        if shown is not None:
            self.call_requested.emit(*shown)

    def shown_number(self) -> tuple[str, str] | None:
        """The caller's number and the selected ticket's id ("" when none); None before a caller is shown."""
        if self.current is None:
            return None
        item = self.tickets_view.currentItem()
        ticket_id = item.data(0, TICKET_ID_ROLE) if item is not None else ""
        return self.current.phone, str(ticket_id or "")

    def ticket_ids(self) -> list[str]:
        return [
            str(item.data(0, TICKET_ID_ROLE))
            for i in range(self.tickets_view.topLevelItemCount())
            if (item := self.tickets_view.topLevelItem(i)) is not None
        ]
