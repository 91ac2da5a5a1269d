"""The sync inside the desk: the Server menu, starting and stopping the desk's engine, login, conflicts,
the status label. The engine itself is the `Desk`'s (desktop/desk.py): built, run, woken and stopped there.

Light to import: the HTTP client, the protocol models and the keyring load on a worker thread when a
server is configured (or when the operator opens a sync screen), so the desk opens as fast without them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu

from desktop.changes import OpChanges, Origin
from desktop.desk import Desk
from desktop.settings import Settings
from desktop.sync.account import Login
from desktop.sync.state import SyncCounts, read_counts
from desktop.ui.common.host import DeskHost
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.sync.status import SyncBridge, SyncStatusPresenter

if TYPE_CHECKING:
    from desktop.sync.client import SyncClient, TlsPolicy
    from desktop.sync.credentials import Credentials
    from desktop.sync.engine import SyncEngine
    from desktop.ui.sync.conflicts import SyncConflictView
    from desktop.ui.sync.login import SyncLoginDialog
    from desktop.ui.sync.refusals import SyncRefusalsView

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 2.0


def _system_credentials() -> Credentials:
    """Runs on a worker thread at start: probing the platform's keyring can take a while."""
    from desktop.sync.credentials import Credentials, system_backend

    return Credentials(system_backend())


def tls_policy(settings: Settings) -> TlsPolicy:
    from desktop.sync.client import TlsPolicy

    return TlsPolicy(str(settings.sync_ca_file or ""), bool(settings.sync_allow_plain_http))


class SyncDesk(QObject):
    """Starts the desk's engine only when a server and user are set; the desk works the same without one."""

    def __init__(
        self,
        window: DeskHost,
        desk: Desk,
        settings: Settings,
        credentials: Credentials | Callable[[], Credentials],
        runner: TaskRunner,
        *,
        make_client: Callable[[str], SyncClient] | None = None,
        save_settings: Callable[[Settings], None] = lambda _s: None,
        pull_interval: float = 30.0,
    ) -> None:
        super().__init__(window.host_widget())
        self.window = window
        self.desk = desk
        self.store = desk.own_store()
        self.settings = settings
        self._given_credentials = credentials
        self._credentials: Credentials | None = None
        self._credentials_lock = threading.Lock()
        self._runner = runner
        self._make_client = make_client or self._client_for
        self._save_settings = save_settings
        self._pull_interval = pull_interval
        self.login_dialog: SyncLoginDialog | None = None
        self.conflict_view: SyncConflictView | None = None
        self.refusals_view: SyncRefusalsView | None = None
        self.after_sign_in: list[Callable[[], None]] = []  # e.g. the update check

        self.bridge = SyncBridge(self)  # the engine's status, queued to the GUI thread
        self.on_engine_event = desk.sync_listener(self.bridge.status_changed.emit)
        self.presenter = SyncStatusPresenter(window.sync_label, self)
        self._build_actions()
        self._connect()

    # -- construction --------------------------------------------------------------------------
    def _action(self, name: str, text: str, keys: list[str], tip: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window.host_widget())
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText) if keys else ""
        action.setToolTip(f"{tip} ({shown})" if shown else tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.window.add_shortcut(action)
        return action

    def _build_actions(self) -> None:
        self.login_action = self._action(
            "syncLoginAction",
            self.tr("&Sign in to the server…"),
            [],
            self.tr("Connect this desk to the central server"),
            self.open_login,
        )
        self.sync_now_action = self._action(
            "syncNowAction",
            self.tr("Sync &now"),
            ["F6"],
            self.tr("Send the changes waiting here and fetch the other desks' now"),
            self.sync_now,
        )
        self.conflicts_action = self._action(
            "syncConflictsAction",
            self.tr("&Conflicts to settle…"),
            ["Ctrl+Shift+C"],
            self.tr("Texts two people changed at once: choose the one to keep"),
            self.open_conflicts,
        )
        self.refusals_action = self._action(
            "syncRefusalsAction",
            self.tr("Changes &refused by the server…"),
            [],
            self.tr("Changes the server did not apply, with its reason"),
            self.open_refusals,
        )
        self.menu = QMenu(self.tr("&Server"), self.window.host_widget())
        self.menu.setObjectName("serverMenu")
        self.window.add_desk_menu(self.menu)
        self.menu.addActions([self.sync_now_action, self.conflicts_action, self.refusals_action])
        self.window.list_shortcuts([self.sync_now_action, self.conflicts_action])
        self.menu.addSeparator()
        self.menu.addAction(self.login_action)

    def _connect(self) -> None:
        queued = Qt.ConnectionType.QueuedConnection
        self.bridge.status_changed.connect(self.presenter.on_bridge_status_changed, queued)
        self.presenter.conflicts_requested.connect(self.open_conflicts)
        self.presenter.login_requested.connect(self.open_login)
        self.presenter.refusals_requested.connect(self.open_refusals)
        self.window.changes.subscribe(self.on_changes)

    # -- lifecycle -----------------------------------------------------------------------------
    @property
    def engine(self) -> SyncEngine | None:
        """The desk's running engine (None: not configured, not started yet, stopped)."""
        return self.desk.sync_engine

    @property
    def login(self) -> Login | None:
        url, user = self.settings.sync_server.strip(), self.settings.sync_user.strip()
        return Login(url.rstrip("/"), user) if url and user else None

    @property
    def credentials(self) -> Credentials:
        """Made once, on first use (the keyring probe), from whichever thread asks first."""
        with self._credentials_lock:
            if self._credentials is None:
                given = self._given_credentials
                self._credentials = given() if callable(given) else given
            return self._credentials

    def start(self) -> bool:
        """Starts the engine when a server is set (built on a worker, then run on its own thread);
        False, and nothing runs, when no server is set."""
        login = self.login
        if login is None:
            self.window.sync_label.setText(self.tr("Sync: not configured"))
            self.window.sync_label.setToolTip(self.tr("Server ▸ Sign in to the server… connects this desk."))
            return False
        self.window.sync_label.setText(self.tr("Sync: connecting to %1…").replace("%1", login.server_url))
        desk, start = self.desk, self.desk.begin_sync()

        def build() -> SyncEngine:
            """Runs on a worker thread: imports the client and protocol, probes the keyring."""
            return desk.build_sync(
                self._make_client(login.server_url),
                self.credentials,
                login,
                on_status=self.bridge.status_changed.emit,
                pull_interval=self._pull_interval,
            )

        def failed(error: BaseException) -> None:
            self.window.sync_label.setText(self.tr("Sync: cannot start (%1)").replace("%1", str(error)))

        def built(engine: SyncEngine) -> None:
            desk.run_sync(engine, start)  # never runs when stopped (or started again) meanwhile

        self._runner.run(build, built, failed)
        return True

    def stop(self) -> None:
        """Stops the desk's engine (bounded: the thread is joined for at most 2 s)."""
        self.desk.stop_sync(STOP_TIMEOUT_S)

    # -- actions ---------------------------------------------------------------------------------
    def sync_now(self) -> None:
        if self.engine is None:
            self.open_login()
            return
        self.window.show_message(self.tr("Syncing with the server…"), 3000)
        self.desk.sync_now()

    def open_login(self) -> None:
        if self.login_dialog is not None and self.login_dialog.isVisible():
            self.login_dialog.raise_()
            return
        from desktop.ui.sync.login import SyncLoginDialog

        dialog = SyncLoginDialog(
            self.credentials,
            self.store.identity,
            self._runner,
            self._make_client,
            server_url=self.settings.sync_server,
            username=self.settings.sync_user,
            parent=self.window.host_widget(),
        )
        dialog.finished.connect(self.on_login_dialog_finished)
        self.login_dialog = dialog
        dialog.open()

    def on_login_dialog_finished(self, result: int) -> None:
        dialog = self.login_dialog
        if dialog is None or result != QDialog.DialogCode.Accepted or dialog.login is None:
            return
        self.settings.sync_server = dialog.login.server_url
        self.settings.sync_user = dialog.login.username
        self.settings.sync_full_name = dialog.full_name
        try:
            self._save_settings(self.settings)
        except OSError as error:
            self.window.show_message(
                self.tr("Could not save the server address: %1").replace("%1", str(error)), 10000
            )
        self.window.show_message(
            self.tr("Signed in as %1").replace("%1", dialog.full_name or dialog.login.username), 5000
        )
        self.stop()
        self.start()
        for then in self.after_sign_in:
            then()

    def _client_for(self, base_url: str) -> SyncClient:
        """A client with the admin's TLS choices (custom CA, plain HTTP or not), read anew each time."""
        from desktop.sync.client import SyncClient

        return SyncClient(base_url, policy=tls_policy(self.settings))

    def open_conflicts(self) -> None:
        if self.conflict_view is None:
            from desktop.ui.sync.conflicts import SyncConflictView

            view = SyncConflictView(
                self.store, self.settings.operator, self._runner, self.window.host_widget()
            )
            view.conflict_settled.connect(self.on_conflict_view_conflict_settled)
            self.conflict_view = view
        self.conflict_view.show()
        self.conflict_view.raise_()
        self.conflict_view.reload()

    def open_refusals(self) -> None:
        if self.refusals_view is None:
            from desktop.ui.sync.refusals import SyncRefusalsView

            view = SyncRefusalsView(self.store, self._runner, self.window.host_widget())
            view.marked_read.connect(self.refresh_status)
            self.refusals_view = view
        self.refusals_view.show()
        self.refusals_view.raise_()
        self.refusals_view.reload()

    def refresh_status(self) -> None:
        """Re-reads the counts now (the engine reports them only after each cycle)."""
        last = self.presenter.last
        if last is None:
            return

        def shown(counts: SyncCounts) -> None:
            self.presenter.on_bridge_status_changed(replace(last, counts=counts))

        self._runner.run(lambda: read_counts(self.store), shown, lambda _e: None)

    # -- slots ---------------------------------------------------------------------------------
    def on_changes(self, changes: OpChanges) -> None:
        """A changed conflict list reloads the open conflict view. (New local mutations wake the engine
        from the store's commit, `LocalStore.on_outbox_written`, not from here: one way to wake it.)"""
        if changes.conflicts:
            if changes.origin is Origin.LOCAL:
                self.refresh_status()
            elif self.conflict_view is not None and self.conflict_view.isVisible():
                self.conflict_view.reload()

    def on_conflict_view_conflict_settled(self, _conflict_id: str) -> None:
        self.desk.publish(OpChanges.conflict_settled())


def install_sync(
    window: DeskHost, desk: Desk, settings: Settings, data_dir: Path, runner: TaskRunner
) -> SyncDesk:
    """The hook of launch.py: the Server menu, and the desk's engine started when a server is configured."""
    sync = SyncDesk(
        window,
        desk,
        settings,
        _system_credentials,
        runner,
        save_settings=lambda s: s.save(Path(data_dir)),
    )
    sync.start()
    return sync
