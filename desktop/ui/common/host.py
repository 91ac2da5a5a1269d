"""What a feature desk (phone, sync, forwarding, updates) may use of the main window: the host API."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QWidget

from desktop.changes import ChangeHub, OpChanges
from desktop.domain.operator import Operator
from desktop.domain.ticket import Ticket


class CallTarget(NamedTuple):
    """A number an operator asked to call, and the ticket it belongs to (None: no ticket)."""

    phone: str
    ticket_id: str | None


class DeskHost(Protocol):
    """The main window as a feature desk sees it. A desk installs its panels, menus, status-bar widgets and
    shortcuts here and follows the ticket screens through it; it never reaches into the window's widgets,
    so a widget renamed inside the window breaks nothing outside it (mypy checks every use)."""

    @property
    def changes(self) -> ChangeHub:
        """The one change event of the desk: subscribe to refresh from it."""
        ...

    @property
    def operator(self) -> Operator:
        """Who is working, shared by the desk's services (renamed live)."""
        ...

    @property
    def sip_label(self) -> QLabel:
        """The switchboard's field of the status bar."""
        ...

    @property
    def sync_label(self) -> QLabel:
        """The sync's field of the status bar."""
        ...

    def host_widget(self) -> QWidget:
        """The window itself: the parent of a desk's dialogs, actions and timers."""
        ...

    def publish_changes(self, changes: OpChanges) -> None:
        """What a unit of work changed, published on the desk from any thread (screens hear it on the GUI)."""
        ...

    # -- installing a desk -----------------------------------------------------------------------------
    def add_desk_menu(self, menu: QMenu) -> None:
        """A desk's own menu in the menu bar, before Help."""
        ...

    def add_ticket_action(self, action: QAction) -> None:
        """An action on the open ticket, at the end of the Ticket menu (listed by F1) and as a button on
        the form beside New/Resolve/Save."""
        ...

    def add_shortcut(self, action: QAction) -> None:
        """An action whose keys work anywhere in the window."""
        ...

    def list_shortcuts(self, actions: list[QAction]) -> None:
        """Actions the keyboard-shortcuts dialog (F1) lists after the window's own, in this order."""
        ...

    def add_side_panel(self, panel: QWidget, title: str) -> None:
        """A tab beside the ticket form (caller history, procedures, then the desks' own)."""
        ...

    def show_side_panel(self, panel: QWidget) -> None: ...

    def add_status_widget(self, widget: QWidget) -> None:
        """A widget on the left of the status bar."""
        ...

    def add_call_bar(self, widget: QWidget) -> None:
        """A strip across the whole window above the status bar, there while `widget` is shown (the in-call
        bar: in the status bar, beside the sync and operator labels, its words were cut at 1366 px)."""
        ...

    def show_message(self, text: str, timeout_ms: int) -> None:
        """A passing message in the status bar."""
        ...

    def bring_to_front(self) -> None: ...

    # -- the ticket screens ------------------------------------------------------------------------------
    def current_ticket(self) -> Ticket | None:
        """The saved ticket open in the form (None: a new one)."""
        ...

    def when_form_settled(self, action: Callable[[], None]) -> None:
        """Runs `action` now, or once the operator chose what to do with the form's unsaved changes (Lưu /
        Bỏ; never after Hủy), as before opening another ticket."""
        ...

    def open_ticket(self, ticket_id: str) -> None:
        """Shows a saved ticket in the form, as choosing it in the list does (after asking about unsaved
        changes)."""
        ...

    def open_call_ticket(self, phone: str, name: str, call_log_id: str) -> None:
        """A new ticket for the call just answered (after asking about unsaved changes)."""
        ...

    def on_ticket_saved(self, listener: Callable[[Ticket], None]) -> None: ...

    def on_ticket_shown(self, listener: Callable[[Ticket], None]) -> None:
        """Called with the ticket the form shows after it was opened or saved."""
        ...

    def show_kept_forward(self, text: str) -> None:
        """A line on the form under the unit: the open ticket's forward kept on this desk ("": none)."""
        ...

    def on_form_cleared(self, listener: Callable[[], None]) -> None:
        """Called when the form empties for a new ticket (no saved ticket on screen any more)."""
        ...

    def on_call_requested(self, listener: Callable[[str, str], None]) -> None:
        """A screen of the window asks to call a number (phone, ticket id or "")."""
        ...

    def on_recording_requested(self, listener: Callable[[str], None]) -> None:
        """A screen of the window asks to hear a call's recording (the call's log id): the caller history."""
        ...

    def add_list_action(self, action: QAction) -> None:
        """An action of the ticket list's context menu."""
        ...

    def selected_list_number(self) -> CallTarget | None:
        """The number of the ticket selected in the list (None: no row selected)."""
        ...

    def number_in_view(self) -> CallTarget | None:
        """The number of whatever the operator looks at: the caller history when it has the focus, the
        list's selected ticket when the list has it (None: no row selected), else the form's."""
        ...
