"""Opening the store at start-up off the GUI thread, with a progress window when it takes a while."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressDialog

from desktop.services.kb import ensure_starter_kb
from desktop.store.engine import DB_FILENAME, create_store_engine, current_revision, head_revision
from desktop.store.local import LocalStore

T = TypeVar("T")
# A store that opens in less than this shows no window at all (the usual case: ~50 ms).
SHOW_AFTER_MS = 400


def needs_upgrade(data_dir: Path) -> bool:
    """True when the store exists at an older schema: opening it copies it aside and migrates it."""
    path = data_dir / DB_FILENAME
    if not path.exists() or path.stat().st_size == 0:
        return False
    engine = create_store_engine(path)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    return current is not None and current != head_revision()


def run_with_progress(work: Callable[[Callable[[str], None]], T], *, show_after_ms: int = SHOW_AFTER_MS) -> T:
    """Runs `work` on a thread (it touches no widget; it may call the function it is given with a
    line saying what it is doing) while the GUI thread keeps painting; a busy progress window appears
    once it has taken `show_after_ms`. Returns its result or raises its error."""
    outcome: dict[str, object] = {}
    said = {"label": QCoreApplication.translate("StoreOpening", "Opening the data…")}
    done = threading.Event()
    loop = QEventLoop()

    def on_thread() -> None:
        """Runs on a plain thread."""
        try:
            outcome["result"] = work(lambda label: said.__setitem__("label", label))
        except BaseException as error:  # raised again on the GUI thread
            outcome["error"] = error
        finally:
            done.set()

    thread = threading.Thread(target=on_thread, name="tongdai1022-open-store", daemon=True)
    dialog = QProgressDialog(said["label"], "", 0, 0)
    dialog.setWindowTitle(QCoreApplication.translate("StoreOpening", "1022 Hotline Desk"))
    dialog.setCancelButton(None)  # a migration is not stopped half-way: the copy aside is the way back
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    label = QLabel(said["label"])
    label.setWordWrap(True)
    dialog.setLabel(label)
    dialog.setFixedWidth(460)
    dialog.reset()  # QProgressDialog shows itself after minimumDuration unless reset; we decide
    elapsed = QElapsedTimer()
    elapsed.start()
    poll = QTimer()
    poll.setInterval(30)

    def on_poll_timeout() -> None:
        if done.is_set():
            loop.quit()
            return
        if dialog.labelText() != said["label"]:
            dialog.setLabelText(said["label"])
            dialog.adjustSize()
        if not dialog.isVisible() and elapsed.elapsed() >= show_after_ms:
            dialog.show()

    poll.timeout.connect(on_poll_timeout)
    thread.start()
    poll.start()
    if not done.is_set():
        loop.exec()
    poll.stop()
    thread.join()
    dialog.hide()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def open_desk_store(data_dir: Path) -> LocalStore:
    """The store of `data_dir`, migrated if it is older, with the starter knowledge base loaded."""

    def work(say: Callable[[str], None]) -> LocalStore:
        """Runs on the opening thread."""
        if needs_upgrade(data_dir):
            say(
                QCoreApplication.translate(
                    "StoreOpening",
                    "Upgrading the data to this version of the desk; the old data is copied aside "
                    "first. With a million tickets this takes a few minutes: please do not turn off "
                    "the computer.",
                )
            )
        store = LocalStore.open(data_dir)
        try:
            say(QCoreApplication.translate("StoreOpening", "Loading the knowledge base of procedures…"))
            ensure_starter_kb(store)
        except BaseException:
            store.close()
            raise
        return store

    return run_with_progress(work)
