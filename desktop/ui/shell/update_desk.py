"""Updates on the desk: a check at start and every few hours, a status-bar notice, and a dialog that
installs the verified release when the operator chooses (never during a call)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common.tasks import TaskRunner
from desktop.updates import CHECK_EVERY_MS, UpdateOffer, Updater, explain, versions_target, writable

if TYPE_CHECKING:
    from desktop.ui.sync.desk import SyncDesk

BUSY_POLL_MS = 1000
FIRST_CHECK_MS = 60_000  # after start: the operator's first minute is theirs


class UpdateDialog(QDialog):
    """Says what is on offer (or why the server asks for it) and installs it on the operator's word."""

    def __init__(
        self,
        updater: Updater,
        offer: UpdateOffer | None,
        runner: TaskRunner,
        busy: Callable[[], bool],
        versions_dir: Path | None,
        reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("updateDialog")
        self.setWindowTitle(self.tr("Software update"))
        self.setMinimumWidth(480)
        self._updater, self._offer, self._runner = updater, offer, runner
        self._busy, self._versions_dir = busy, versions_dir
        self._working = False
        self.reason_label = QLabel(reason, self)
        self.reason_label.setObjectName("updateReason")
        self.reason_label.setWordWrap(True)
        self.reason_label.setVisible(bool(reason))
        self.offer_label = QLabel(self)
        self.offer_label.setObjectName("updateOffer")
        self.offer_label.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("updateProgress")
        self.progress.hide()
        self.hint_label = QLabel(self)
        self.hint_label.setObjectName("updateHint")
        self.hint_label.setStyleSheet("color: #8a4b00;")
        self.hint_label.setWordWrap(True)
        self.result_label = QLabel(self)
        self.result_label.setObjectName("updateResult")
        self.result_label.setWordWrap(True)
        self.install_button = QPushButton(self.tr("Install the update"), self)
        self.install_button.setObjectName("installUpdate")
        self.install_button.clicked.connect(self.install)
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.install_button, QDialogButtonBox.ButtonRole.AcceptRole)
        later = buttons.addButton(self.tr("Later"), QDialogButtonBox.ButtonRole.RejectRole)
        later.setObjectName("updateLater")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (
            self.reason_label,
            self.offer_label,
            self.hint_label,
            self.progress,
            self.result_label,
        ):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self._busy_timer = QTimer(self)
        self._busy_timer.setInterval(BUSY_POLL_MS)
        self._busy_timer.timeout.connect(self.refresh_state)
        self._busy_timer.start()
        self.show_offer(offer)

    def show_offer(self, offer: UpdateOffer | None) -> None:
        self._offer = offer
        if offer is None:
            self.offer_label.setText(self.tr("No newer signed release is on the server yet."))
        else:
            self.offer_label.setText(
                self.tr("Update available: version %1 (%2 MB). The desk restarts to use it.")
                .replace("%1", offer.version)
                .replace("%2", f"{offer.size / 1e6:.1f}")
            )
        self.refresh_state()

    def refresh_state(self) -> None:
        """The install button is on only when there is something to install, somewhere to install it,
        nothing is being installed, and no call is ringing or on (the tooltip says which)."""
        why_not = ""
        if self._offer is None:
            why_not = self.tr("There is nothing to install.")
        elif self._versions_dir is None:
            why_not = self.tr("This desk runs from source code: update it with git and pip.")
        elif not writable(self._versions_dir):
            why_not = self.tr(
                "This computer's user cannot write the desk's versions folder: IT installs the new version."
            )
        elif self._busy():
            why_not = self.tr("A call is ringing or on: install after it ends.")
        self.install_button.setEnabled(not why_not and not self._working)
        self.install_button.setToolTip(why_not)
        self.hint_label.setText(why_not if self._offer is not None else "")
        self.hint_label.setVisible(bool(self.hint_label.text()))

    def install(self) -> None:
        self.refresh_state()
        if not self.install_button.isEnabled() or self._versions_dir is None:
            return
        versions, updater = self._versions_dir, self._updater
        running = Path(sys.executable)  # kept on disk when it is one of the versions
        self._working = True
        self.refresh_state()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.result_label.setText(self.tr("Downloading and checking the signature…"))

        def task() -> Path:
            return updater.install_version(versions, running)

        self._runner.run(task, self._on_installed, self._on_failed)

    def _on_installed(self, _path: Any) -> None:
        self._working = False
        self.progress.hide()
        self._offer = None
        self.refresh_state()
        self.result_label.setProperty("outcome", "installed")
        self.result_label.setText(
            self.tr("The update is installed. Close and open the desk again to use it.")
        )

    def _on_failed(self, error: BaseException) -> None:
        self._working = False
        self.progress.hide()
        self.refresh_state()
        self.result_label.setProperty("outcome", "failed")
        self.result_label.setText(explain(error))


class UpdateDesk(QObject):
    """Checks for signed releases of the central server the desk syncs with; shows a notice when one is
    there. `busy()` says whether a call is ringing or on; `updater_for(server_url)` builds the checker."""

    def __init__(
        self,
        window: QMainWindow,
        server_url: Callable[[], str],
        data_dir: Path,
        runner: TaskRunner,
        busy: Callable[[], bool],
        *,
        versions_dir: Path | None = None,
        updater_for: Callable[[str], Updater] | None = None,
    ) -> None:
        super().__init__(window)
        self.window, self._server_url, self._runner, self._busy = window, server_url, runner, busy
        self._versions_dir = versions_dir if versions_dir is not None else versions_target()
        self._updater_for = updater_for or (lambda url: Updater(url, data_dir))
        self.updater: Updater | None = None
        self.offer: UpdateOffer | None = None
        self.last_problem = ""
        self.dialog: UpdateDialog | None = None
        self._checking = False
        self.notice = QPushButton(window)
        self.notice.setObjectName("updateNotice")
        self.notice.setFlat(True)
        self.notice.hide()
        self.notice.clicked.connect(lambda: self.open_dialog())
        window.statusBar().addPermanentWidget(self.notice)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self, then: Callable[[], object] | None = None) -> None:
        """Off the GUI thread; offline or a refused release only leaves a note (the desk works on)."""
        url = self._server_url().strip()
        if not url or self._checking:
            return
        self._checking = True
        updater = self._updater_for(url)

        def done(offer: Any) -> None:
            self._checking = False
            self.updater, self.offer, self.last_problem = updater, offer, ""
            self._show_notice()
            if then is not None:
                then()

        def failed(error: BaseException) -> None:
            self._checking = False
            self.last_problem = explain(error)
            if then is not None:
                then()

        self._runner.run(updater.check, done, failed)

    def _show_notice(self) -> None:
        if self.offer is None:
            self.notice.hide()
            return
        self.notice.setText(self.tr("Update available: %1").replace("%1", self.offer.version))
        self.notice.setToolTip(self.tr("Open to install the update when you are ready (not during a call)."))
        self.notice.show()

    def open_dialog(self, reason: str = "") -> UpdateDialog | None:
        if self.updater is None:
            return None
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        self.dialog = UpdateDialog(
            self.updater, self.offer, self._runner, self._busy, self._versions_dir, reason, self.window
        )
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog.open()
        return self.dialog

    def on_server_refused_version(self, message: str) -> None:
        """HTTP 426 from the server: look for the release now and offer it in the same dialog."""
        if self.dialog is not None and self.dialog.isVisible():
            return
        self.check(then=lambda: self.open_dialog(message))


def install_updates(
    window: QMainWindow, sync: SyncDesk, busy: Callable[[], bool], data_dir: Path, runner: TaskRunner
) -> UpdateDesk:
    """Checks a minute after start, after each sign-in and every few hours, trusting the server's
    certificate as the sync does (the province's CA file when set); a 426 from the server opens the
    dialog with the server's words."""
    desk = UpdateDesk(
        window,
        lambda: str(sync.settings.sync_server or ""),
        data_dir,
        runner,
        busy,
        updater_for=lambda url: Updater(url, data_dir, ca_file=str(sync.settings.sync_ca_file or "")),
    )
    sync.after_sign_in.append(desk.check)

    def on_status(status: Any) -> None:
        if getattr(status, "upgrade_required", False):
            desk.on_server_refused_version(str(status.message))

    sync.bridge.status_changed.connect(on_status, Qt.ConnectionType.QueuedConnection)
    QTimer.singleShot(FIRST_CHECK_MS, desk.check)
    return desk
