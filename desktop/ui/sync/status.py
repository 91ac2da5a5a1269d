"""The sync state in the status bar: online/offline, pending changes, last sync, conflicts to settle."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QLabel

from desktop.domain.clock import shown_vn
from desktop.sync.events import SyncEvent, SyncStatus


def _count(count: int) -> str:
    return f"{count:,}".replace(",", ".")


class SyncBridge(QObject):
    """Carries the engine's status off the sync thread: a signal queued to the GUI thread. (A pulled page
    is published on the desk right there by `Desk.sync_listener`; the desk's ChangeBridge brings it to the
    screens on the GUI thread.)"""

    status_changed = Signal(object)

    def on_engine_event(self, event: SyncEvent) -> None:
        """Runs on the sync thread: only emits."""
        if isinstance(event, SyncStatus):
            self.status_changed.emit(event)


class SyncStatusPresenter(QObject):
    """Writes the state into the main window's sync label; its link opens the conflicts."""

    conflicts_requested = Signal()
    login_requested = Signal()
    refusals_requested = Signal()

    def __init__(self, label: QLabel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._label = label
        self.last: SyncStatus | None = None
        label.setOpenExternalLinks(False)
        label.linkActivated.connect(self.on_label_link_activated)

    @Slot(str)
    def on_label_link_activated(self, link: str) -> None:
        if link == "conflicts":
            self.conflicts_requested.emit()
        elif link == "login":
            self.login_requested.emit()
        elif link == "refused":
            self.refusals_requested.emit()

    @Slot(object)
    def on_bridge_status_changed(self, status: Any) -> None:
        assert isinstance(status, SyncStatus)
        self.last = status
        counts = status.counts
        parts = [self.tr("Sync: online") if status.online else self.tr("Sync: offline")]
        if counts.pending:
            parts.append(self.tr("%1 waiting to send").replace("%1", _count(counts.pending)))
        if counts.last_sync_at is not None:
            parts.append(self.tr("last at %1").replace("%1", shown_vn(counts.last_sync_at, "%H:%M %d/%m")))
        if counts.conflicts:
            text = self.tr("%1 conflicts to settle").replace("%1", _count(counts.conflicts))
            parts.append(f'<a href="conflicts">{text}</a>')
        if counts.rejected_unseen:
            text = self.tr("%1 refused by the server").replace("%1", _count(counts.rejected_unseen))
            parts.append(f'<a href="refused">{text}</a>')
        if status.login_needed:
            sign_in = self.tr("Sign in")
            parts.append(f'<a href="login">{sign_in}</a>')
        self._label.setText(" · ".join(parts))
        self._label.setProperty("syncOnline", status.online)
        tips = [m for m in (status.message, counts.restore_detail) if m]
        self._label.setToolTip("\n".join(tips) or self.tr("Tickets are saved on this computer first."))
