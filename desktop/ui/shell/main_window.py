"""The main window: filter bar, lazy ticket list, ticket form, caller history and procedures, menus."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.changes import ChangeHub, OpChanges, Origin
from desktop.desk import Desk
from desktop.domain.operator import Operator
from desktop.domain.ticket import CallerHistory, Ticket
from desktop.services.tickets.query import TicketFilter
from desktop.ui.common.change_bridge import ChangeBridge
from desktop.ui.common.host import CallTarget
from desktop.ui.common.tasks import TaskRunner, default_runner
from desktop.ui.kb.panel import KbPanel
from desktop.ui.shell.dialogs import ShortcutsDialog
from desktop.ui.supervisor.windows import SupervisorScreens
from desktop.ui.tickets.filter_bar import FilterBar
from desktop.ui.tickets.form import TicketForm, UnsavedChoice, ask_unsaved
from desktop.ui.tickets.history_panel import HistoryPanel
from desktop.ui.tickets.import_desk import ImportDesk
from desktop.ui.tickets.model import (
    COL_RECEIVED,
    COL_STEP,
    SORTED_BY_DAYS_LEFT,
    TICKET_ID_ROLE,
    TicketTableModel,
)

UI_SETTINGS_FILENAME = "ui.ini"
COLUMN_WIDTHS = (150, 132, 110, 160, 92, 150, 56, 200, 86, 230, 92, 320)


def _format_count(count: int) -> str:
    """Vietnamese thousands: 42.778."""
    return f"{count:,}".replace(",", ".")


class MainWindow(QMainWindow):
    """Owns the layout and the wiring; the widgets talk to the services only through the task runner.
    The feature desks see it as a `DeskHost` (desktop/ui/common/host.py): the section "host API" below."""

    first_page_loaded = Signal()
    count_loaded = Signal(int)

    def __init__(
        self,
        desk: Desk,
        data_dir: Path | None = None,
        runner: TaskRunner | None = None,
        confirm_unsaved: Callable[[QWidget], UnsavedChoice] = ask_unsaved,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("1022 Hotline Desk"))
        self.desk = desk
        services = self._services = self.desk.services
        self._runner = runner or default_runner()
        self._confirm_unsaved = confirm_unsaved
        self._ui_settings = (
            QSettings(str(data_dir / UI_SETTINGS_FILENAME), QSettings.Format.IniFormat) if data_dir else None
        )
        self._data_dir = data_dir
        self._count_generation = 0
        self._select_after_reload: str | None = None
        self._first_page_seen = False
        self.ticket_count: int | None = None
        self.extra_shortcut_actions: list[QAction] = []  # desks installed later add theirs (F1)
        # One change event per operation, published on the desk from any thread, heard here on the GUI
        # thread through the one bridge: the panes and the feature desks refresh from it.
        self._change_bridge = ChangeBridge(self.desk, self)
        self._list_refresh = QTimer(self)  # many pulled pages → one list reload
        self._list_refresh.setSingleShot(True)
        self._list_refresh.setInterval(1000)
        self._list_refresh.timeout.connect(self.refresh)

        self.filter_bar = FilterBar(self)
        self.model = TicketTableModel(services.query, self._runner, services.page_size, self)
        self.table = self._build_table()
        self.form = TicketForm(services, self._runner, confirm_unsaved, self)
        self.history = HistoryPanel(services.history, self._runner, self)
        self.history.title_label.hide()  # the tab says it
        self.kb_panel = KbPanel(services.knowledge_base, self._runner, self)
        self.side_tabs = QTabWidget(self)
        self.side_tabs.setObjectName("sideTabs")
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.addTab(self.history, self.tr("Caller history"))
        self.side_tabs.addTab(self.kb_panel, self.tr("Administrative procedures"))
        self.side_tabs.setTabToolTip(0, self.tr("The caller's tickets and calls (Ctrl+H)"))
        self.side_tabs.setTabToolTip(1, self.tr("Search procedures and answers (Ctrl+K)"))

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(0)
        top_layout.addWidget(self.filter_bar)
        top_layout.addWidget(self.table, 1)
        self.lower_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.lower_splitter.setObjectName("lowerSplitter")
        self.lower_splitter.addWidget(self.form)
        self.lower_splitter.addWidget(self.side_tabs)
        self.lower_splitter.setStretchFactor(0, 3)
        self.lower_splitter.setStretchFactor(1, 2)
        self.lower_splitter.setChildrenCollapsible(False)
        self.main_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(top)
        self.main_splitter.addWidget(self.lower_splitter)
        self.main_splitter.setStretchFactor(0, 2)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setChildrenCollapsible(False)
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.main_splitter, 1)
        self._call_bars = central_layout  # the in-call bar goes under the splitter, across the window
        self.setCentralWidget(central)

        self.supervisor = SupervisorScreens(services.supervisor, self._runner, self, self.changes)  # issue #7
        self.imports = (
            ImportDesk(self.desk.import_tickets, self._runner, self) if self.desk.can_import else None
        )
        self._build_status_bar()
        self._build_actions()
        self._build_menus()
        self._connect()
        self.resize(1440, 900)
        self.main_splitter.setSizes([300, 600])  # at 1366×768 the form shows down to its rating
        self.lower_splitter.setSizes([860, 580])
        self._layout_restored = False
        self._restore_geometry()
        self.model.set_filter(self.filter_bar.current_filter())
        self.form.phone_edit.setFocus()  # an operator starts with the caller's number

    # -- construction --------------------------------------------------------------------------
    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("ticketList")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setTabKeyNavigation(False)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in enumerate(COLUMN_WIDTHS):
            table.setColumnWidth(column, width)
        # Sorting by days left (the step or deadline header); the list is newest first otherwise
        header.setSortIndicator(COL_RECEIVED, Qt.SortOrder.DescendingOrder)
        table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self.on_list_sort_chosen)
        table.setToolTip(self.tr("Enter or double-click opens the ticket; Alt+↓ / Alt+↑ next / previous"))
        return table

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        self.count_label = QLabel("…", self)
        self.count_label.setObjectName("ticketCount")
        self.operator_label = QLabel(
            self.tr("Operator: %1").replace("%1", self._services.operator.name), self
        )
        self.operator_label.setObjectName("operatorName")
        self.sip_label = QLabel(self.tr("Switchboard: not configured"), self)
        self.sip_label.setObjectName("sipStatus")
        self.sync_label = QLabel(self.tr("Sync: not configured"), self)
        self.sync_label.setObjectName("syncStatus")
        bar.addWidget(self.count_label)
        for label in (self.operator_label, self.sip_label, self.sync_label):
            label.setProperty("statusField", True)
            bar.addPermanentWidget(label)

    def _window_action(
        self, name: str, text: str, shortcuts: list[str], tip: str, slot: Callable[[], Any]
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if shortcuts:
            shown = QKeySequence(shortcuts[0]).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({shown})")
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        act = self._window_action
        self.quit_action = act(
            "quitAction", self.tr("E&xit"), ["Ctrl+Q"], self.tr("Close the desk"), self.close
        )
        self.next_action = act(
            "nextTicketAction",
            self.tr("Ne&xt ticket"),
            ["Alt+Down"],
            self.tr("Open the next ticket in the list"),
            lambda: self.move_in_list(1),
        )
        self.previous_action = act(
            "previousTicketAction",
            self.tr("&Previous ticket"),
            ["Alt+Up"],
            self.tr("Open the previous ticket in the list"),
            lambda: self.move_in_list(-1),
        )
        self.search_action = act(
            "searchAction",
            self.tr("&Search"),
            ["Ctrl+F", "F3"],
            self.tr("Go to the search box"),
            self.focus_search,
        )
        self.clear_search_action = act(
            "clearSearchAction",
            self.tr("&Clear search"),
            ["Esc"],
            self.tr("Clear the search text"),
            self.filter_bar.clear_search,
        )
        self.refresh_action = act(
            "refreshAction", self.tr("&Refresh list"), ["F5"], self.tr("Reload the ticket list"), self.refresh
        )
        self.phone_action = act(
            "phoneFieldAction",
            self.tr("&Phone field"),
            ["F2", "Ctrl+L"],
            self.tr("Go to the phone number"),
            self.form.focus_phone,
        )
        self.history_action = act(
            "historyAction",
            self.tr("Caller &history"),
            ["Ctrl+H"],
            self.tr("Go to the caller's history"),
            self.focus_history,
        )
        self.kb_action = act(
            "kbAction",
            self.tr("&Procedures"),
            ["Ctrl+K"],
            self.tr("Search the administrative procedures"),
            self.focus_kb,
        )
        for action in (self.kb_panel.insert_action, self.kb_panel.link_action):
            self.addAction(action)  # window-wide, whichever tab is shown
        self.list_action = act(
            "listAction",
            self.tr("Ticket &list"),
            ["Ctrl+T"],
            self.tr("Go to the ticket list"),
            self.focus_list,
        )
        self.days_left_action = act(
            "daysLeftOrderAction",
            self.tr("Sort by &days left"),
            ["Ctrl+Shift+N"],
            self.tr("The forwarded tickets by working days left, overdue first; again: newest first"),
            self.toggle_days_left_order,
        )
        self.days_left_action.setCheckable(True)
        self.shortcuts_action = act(
            "shortcutsAction",
            self.tr("&Keyboard shortcuts"),
            ["F1"],
            self.tr("Show every shortcut"),
            self.show_shortcuts,
        )
        self.about_action = act(
            "aboutAction", self.tr("&About"), [], self.tr("Version and licence"), self.show_about
        )

    def _build_menus(self) -> None:
        menu_bar = self.menuBar()
        file_menu = menu_bar.addMenu(self.tr("&File"))
        if self.imports is not None:
            file_menu.addAction(self.imports.action)
            file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.file_menu = file_menu
        ticket_menu = menu_bar.addMenu(self.tr("&Ticket"))
        self.ticket_menu = ticket_menu
        ticket_menu.addActions([self.form.new_action, self.form.save_action, self.form.resolve_action])
        ticket_menu.addSeparator()
        ticket_menu.addActions(self.form.level_actions)
        ticket_menu.addSeparator()
        ticket_menu.addActions([self.next_action, self.previous_action])
        ticket_menu.addSeparator()
        ticket_menu.addActions([self.kb_panel.insert_action, self.kb_panel.link_action])
        view_menu = menu_bar.addMenu(self.tr("&View"))
        view_menu.addActions(
            [
                self.search_action,
                self.clear_search_action,
                self.refresh_action,
                self.phone_action,
                self.history_action,
                self.kb_action,
                self.list_action,
                self.days_left_action,
            ]
        )
        view_menu.addSeparator()
        view_menu.addActions(self.supervisor.actions)
        self.help_menu = menu_bar.addMenu(self.tr("&Help"))
        self.help_menu.addActions([self.shortcuts_action, self.about_action])
        for menu in (file_menu, ticket_menu, view_menu, self.help_menu):
            menu.setToolTipsVisible(True)

    def show_about(self) -> None:
        from desktop.settings import resolve_data_dir
        from desktop.ui.shell.about_dialog import AboutDialog

        dialog = AboutDialog(
            self._data_dir or resolve_data_dir(), self._runner, self, store_key=self._services.store_key
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    # -- host API (DeskHost): what the feature desks installed after the window use ----------------------
    def host_widget(self) -> QWidget:
        return self

    def add_desk_menu(self, menu: QMenu) -> None:
        """A menu of a desk installed after the window (phone, server), placed before Help."""
        menu.setToolTipsVisible(True)
        self.menuBar().insertMenu(self.help_menu.menuAction(), menu)

    def add_ticket_action(self, action: QAction) -> None:
        self.ticket_menu.addSeparator()
        self.ticket_menu.addAction(action)
        self.extra_shortcut_actions.append(action)
        self.form.add_action_button(action, f"{action.objectName() or 'ticketAction'}Button")

    def add_shortcut(self, action: QAction) -> None:
        self.addAction(action)

    def list_shortcuts(self, actions: list[QAction]) -> None:
        self.extra_shortcut_actions.extend(actions)

    def add_side_panel(self, panel: QWidget, title: str) -> None:
        self.side_tabs.addTab(panel, title)

    def show_side_panel(self, panel: QWidget) -> None:
        self.side_tabs.setCurrentWidget(panel)

    def add_status_widget(self, widget: QWidget) -> None:
        self.statusBar().addWidget(widget)

    def add_call_bar(self, widget: QWidget) -> None:
        self._call_bars.addWidget(widget)

    def show_message(self, text: str, timeout_ms: int) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def bring_to_front(self) -> None:
        self.raise_()
        self.activateWindow()

    def current_ticket(self) -> Ticket | None:
        return self.form.ticket

    def when_form_settled(self, action: Callable[[], None]) -> None:
        self.form.run_when_clean(action)

    def open_call_ticket(self, phone: str, name: str, call_log_id: str) -> None:
        form = self.form
        form.run_when_clean(lambda: form.new_call_ticket(phone, name, call_log_id))

    def on_ticket_saved(self, listener: Callable[[Ticket], None]) -> None:
        self.form.ticket_saved.connect(listener)

    def on_ticket_shown(self, listener: Callable[[Ticket], None]) -> None:
        self.form.ticket_loaded.connect(listener)
        self.form.ticket_saved.connect(listener)

    def show_kept_forward(self, text: str) -> None:
        self.form.show_kept_forward(text)

    def on_form_cleared(self, listener: Callable[[], None]) -> None:
        self.form.ticket_cleared.connect(listener)

    def on_call_requested(self, listener: Callable[[str, str], None]) -> None:
        self.history.call_requested.connect(listener)
        self.supervisor.call_requested.connect(listener)  # the survey list

    def on_recording_requested(self, listener: Callable[[str], None]) -> None:
        self.history.recording_requested.connect(listener)

    def add_list_action(self, action: QAction) -> None:
        self.table.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def selected_list_number(self) -> CallTarget | None:
        index = self.table.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return None if row is None else CallTarget(row.phone, row.id)

    def number_in_view(self) -> CallTarget | None:
        focus = QApplication.focusWidget()
        shown = self.history.shown_number()
        if focus is not None and self.history.isAncestorOf(focus) and shown is not None:
            return CallTarget(shown[0], shown[1] or None)
        if focus is self.table:
            return self.selected_list_number()
        ticket = self.form.ticket
        return CallTarget(self.form.phone_edit.text(), ticket.id if ticket else None)

    def shortcut_actions(self) -> list[QAction]:
        """The actions in menu order, for the shortcuts dialog."""
        return [
            self.form.new_action,
            self.form.save_action,
            self.form.resolve_action,
            *self.form.level_actions,
            self.next_action,
            self.previous_action,
            self.kb_panel.insert_action,
            self.kb_panel.link_action,
            self.search_action,
            self.clear_search_action,
            self.refresh_action,
            self.phone_action,
            self.history_action,
            self.kb_action,
            self.list_action,
            self.days_left_action,
            *self.supervisor.actions,
            *self.extra_shortcut_actions,
            self.shortcuts_action,
            self.quit_action,
        ]

    def _connect(self) -> None:
        self.filter_bar.filter_changed.connect(self.on_filter_bar_filter_changed)
        self.model.first_page_loaded.connect(self.on_model_first_page_loaded)
        self.model.page_loaded.connect(self.on_model_page_loaded)
        self.model.load_failed.connect(self.on_model_load_failed)
        self.table.activated.connect(self.on_table_activated)
        self.form.ticket_saved.connect(self.on_form_ticket_saved)
        self.changes.subscribe(self.on_changes)
        self.form.phone_changed.connect(self.history.on_form_phone_changed)
        self.form.units_loaded.connect(self.filter_bar.set_units)
        self.form.save_failed.connect(self.on_form_save_failed)
        self.history.ticket_activated.connect(self.open_ticket)
        self.history.caller_chosen.connect(self.form.fill_caller)
        self.history.history_shown.connect(self.on_history_history_shown)
        self.kb_panel.answer_chosen.connect(self.on_kb_panel_answer_chosen)
        self.kb_panel.procedure_chosen.connect(self.on_kb_panel_procedure_chosen)

    # -- layout memory -------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        self._restore_states((("window/geometry", self.restoreGeometry), ("window/state", self.restoreState)))

    def _restore_layout(self) -> None:
        """Splitters and columns, once the window has its size (restoring them earlier loses the ratio)."""
        self._restore_states(
            (
                ("splitters/main", self.main_splitter.restoreState),
                ("splitters/lower", self.lower_splitter.restoreState),
                ("list/header", self.table.horizontalHeader().restoreState),
            )
        )

    def _restore_states(self, pairs: tuple[tuple[str, Callable[[QByteArray], object]], ...]) -> None:
        settings = self._ui_settings
        if settings is None:
            return
        for key, restore in pairs:
            value = settings.value(key)
            if isinstance(value, QByteArray | bytes) and value:
                restore(QByteArray(value))

    def save_layout(self) -> None:
        settings = self._ui_settings
        if settings is None:
            return
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("splitters/main", self.main_splitter.saveState())
        settings.setValue("splitters/lower", self.lower_splitter.saveState())
        settings.setValue("list/header", self.table.horizontalHeader().saveState())
        settings.sync()

    @property
    def changes(self) -> ChangeHub:
        """The desk's change event as the screens hear it: on the GUI thread."""
        return self._change_bridge.screens

    @property
    def operator(self) -> Operator:
        """Who is working, shared by the desk's services (the phone desk's too)."""
        return self._services.operator

    @property
    def first_page_seen(self) -> bool:
        return self._first_page_seen

    # -- behaviour -----------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.filter_bar.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search_edit.selectAll()

    def focus_history(self) -> None:
        self.side_tabs.setCurrentWidget(self.history)
        self.history.focus_history()

    def focus_kb(self) -> None:
        self.side_tabs.setCurrentWidget(self.kb_panel)
        self.kb_panel.focus_search()

    def focus_list(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def refresh(self) -> None:
        self.model.reload()
        self._refresh_count()

    def open_ticket(self, ticket_id: str) -> None:
        """Shows the ticket in the form, after asking about unsaved changes, and its row in the list."""
        current = self.form.ticket
        if current is not None and current.id == ticket_id and not self.form.is_dirty():
            self.select_in_list(ticket_id)
            return

        def go() -> None:
            self.select_in_list(ticket_id)
            self.form.open_ticket(ticket_id)

        self.form.run_when_clean(go)

    def select_in_list(self, ticket_id: str) -> None:
        """The list's current row becomes the ticket opened elsewhere (a callback, the caller history), so
        Alt+↓ / Alt+↑ go on from it. Only the loaded rows are looked at (a page still loading too); a ticket
        not among them leaves no row selected rather than another ticket's."""
        row = self.model.row_of(ticket_id)
        if row < 0:
            self.table.selectionModel().clear()
            self._select_after_reload = ticket_id if self.model.is_loading else None
            return
        self._select_after_reload = None
        index = self.model.index(row, max(self.table.currentIndex().column(), 0))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def move_in_list(self, step: int) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            return
        current = self.table.currentIndex()
        row = current.row() + step if current.isValid() else 0
        if row >= rows and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())
        row = max(0, min(row, rows - 1))
        index = self.model.index(row, max(current.column(), 0))

        def go() -> None:
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
            ticket_id = self.model.data(index, TICKET_ID_ROLE)
            if ticket_id:
                self.form.open_ticket(str(ticket_id))

        self.form.run_when_clean(go)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self.shortcut_actions(), self).exec()

    def _refresh_count(self) -> None:
        self._count_generation += 1
        generation = self._count_generation
        spec: TicketFilter = self.model.ticket_filter
        query = self._services.query
        self.count_label.setText(self.tr("Counting tickets…"))

        def count() -> int:
            """Runs on a worker thread: may scan many rows for a broad filter."""
            return query.count(spec)

        self._runner.run(count, partial(self._on_count_loaded, generation), self._on_count_failed)

    def _on_count_loaded(self, generation: int, total: int) -> None:
        if generation != self._count_generation:
            return
        self.ticket_count = total
        self.count_label.setText(self.tr("%1 tickets").replace("%1", _format_count(total)))
        self.count_loaded.emit(total)

    def _on_count_failed(self, error: BaseException) -> None:
        self.count_label.setText(self.tr("Could not count tickets: %1").replace("%1", str(error)))

    # -- slots ---------------------------------------------------------------------------------
    def on_filter_bar_filter_changed(self, spec: TicketFilter) -> None:
        self.model.set_filter(spec)
        if self._first_page_seen:
            self._refresh_count()

    def on_model_first_page_loaded(self) -> None:
        if not self._first_page_seen:
            self._first_page_seen = True
            self._refresh_count()
            self.first_page_loaded.emit()

    def on_model_page_loaded(self, _rows: int) -> None:
        wanted = self._select_after_reload
        if wanted is None:
            return
        row = self.model.row_of(wanted)
        if row >= 0:
            self._select_after_reload = None
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        elif not self.model.has_more or self.model.rowCount() >= 5 * self._services.page_size:
            self._select_after_reload = None

    def on_model_load_failed(self, message: str) -> None:
        self.statusBar().showMessage(
            self.tr("Could not load the ticket list: %1").replace("%1", message), 10000
        )

    def on_list_sort_chosen(self, section: int, order: Qt.SortOrder) -> None:
        """Only days left sort both ways: another column shows the list's own order, newest first."""
        if section not in SORTED_BY_DAYS_LEFT and (section, order) != (
            COL_RECEIVED,
            Qt.SortOrder.DescendingOrder,
        ):
            self.table.horizontalHeader().setSortIndicator(COL_RECEIVED, Qt.SortOrder.DescendingOrder)
            return
        self.days_left_action.setChecked(section in SORTED_BY_DAYS_LEFT)

    def toggle_days_left_order(self) -> None:
        """Ctrl+Shift+N (ngày), the header's click by keyboard: by days left (overdue first), or newest."""
        header = self.table.horizontalHeader()
        if header.sortIndicatorSection() in SORTED_BY_DAYS_LEFT:
            header.setSortIndicator(COL_RECEIVED, Qt.SortOrder.DescendingOrder)
        else:
            header.setSortIndicator(COL_STEP, Qt.SortOrder.AscendingOrder)

    def on_table_activated(self, index: QModelIndex) -> None:
        ticket_id = self.model.data(index, TICKET_ID_ROLE)
        if ticket_id:
            self.open_ticket(str(ticket_id))

    def publish_changes(self, changes: OpChanges) -> None:
        """The one way an operation tells the screens what it changed (any thread: the bridge delivers it
        on the GUI thread, at once when called there)."""
        self.desk.publish(changes)

    def on_form_ticket_saved(self, ticket: Ticket) -> None:
        self._select_after_reload = ticket.id
        self.publish_changes(OpChanges.ticket_saved(ticket.id))
        self.statusBar().showMessage(self.tr("Saved ticket %1").replace("%1", ticket.code), 5000)

    def on_changes(self, changes: OpChanges) -> None:
        """The list, the open form and the side panels refresh from what the operation changed."""
        if changes.touches_tickets:
            if changes.origin is Origin.LOCAL:
                self.refresh()  # the operator's own save or import shows at once
            else:
                self._list_refresh.start()
        shown = self.form.ticket
        if (
            changes.origin is Origin.REMOTE
            and shown is not None
            and shown.id in changes.tickets
            and not self.form.is_dirty()
            and not self.form.is_saving
        ):
            self.form.open_ticket(shown.id)  # the open ticket shows the other desk's change at once
        if changes.catalogs:
            self.form.reload_catalogs()  # a unit renamed or added shows in the open form
        if changes.kb:
            self.kb_panel.reload_knowledge()
        shown_caller = self.history.current
        if shown_caller is not None and changes.touches_caller(shown_caller.phone):
            self.history.reload_caller()  # a call of the caller on screen was logged, or an import

    def on_history_history_shown(self, found: CallerHistory) -> None:
        """A repeat caller's history comes forward for a new ticket (its badge is the point), and the new
        ticket gets the caller's known name; the procedures tab, chosen on purpose, stays, and so does the
        callback queue when a saved ticket opens (calling back, the unit's answer is read from it)."""
        new_ticket = self.form.ticket is None
        if found.is_repeat_caller and new_ticket and self.side_tabs.currentWidget() is not self.kb_panel:
            self.side_tabs.setCurrentWidget(self.history)
        self.form.offer_known_name(found)

    def on_kb_panel_answer_chosen(self, text: str) -> None:
        self.form.insert_answer_text(text)
        self.statusBar().showMessage(self.tr("Inserted into the ticket's answer"), 5000)

    def on_kb_panel_procedure_chosen(self, code: str) -> None:
        self.form.link_procedure(code)
        self.statusBar().showMessage(self.tr("Linked procedure %1 to the ticket").replace("%1", code), 5000)

    def on_form_save_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._layout_restored:
            self._layout_restored = True
            self._restore_layout()

    def _close_after_save(self) -> None:
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.form.is_saving:
            event.ignore()
            return
        if self.imports is not None and self.imports.running:
            event.ignore()  # closing would close the store under the import: stop it or let it finish
            self.statusBar().showMessage(
                self.tr("An import is running: stop it (nothing is imported) or wait for it, then close."),
                10000,
            )
            return
        if self.form.is_dirty():
            choice = self._confirm_unsaved(self)
            if choice is UnsavedChoice.CANCEL:
                event.ignore()
                return
            if choice is UnsavedChoice.SAVE:
                event.ignore()
                self.form.save(then=self._close_after_save)
                return
            self.form.new_ticket()
        self.save_layout()
        event.accept()
