"""Opening the store at start-up off the GUI thread: its key or passphrase, progress when it is long."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressDialog

from desktop.keyring_service import KeyringService, system_backend
from desktop.services.kb import ensure_starter_kb
from desktop.services.store_unlock import SERVICE, PassphraseNeeded, StoreUnlock, passphrase_from_environment
from desktop.store.cipher import StoreKey, StoreLocked, is_plaintext
from desktop.store.engine import DB_FILENAME, create_store_engine, current_revision, head_revision
from desktop.store.local import LocalStore, plaintext_copies

T = TypeVar("T")
# A store that opens in less than this shows no window at all (the usual case: ~50 ms).
SHOW_AFTER_MS = 400


class PassphrasePrompt(Protocol):
    def __call__(self, *, new: bool, wrong: bool) -> str | None: ...


class OpeningCancelled(Exception):
    """The user chose to quit rather than type the store's passphrase."""


def needs_upgrade(data_dir: Path, key: StoreKey) -> bool:
    """True when the store exists at an older schema: opening it copies it aside and migrates it."""
    path = data_dir / DB_FILENAME
    if not path.exists() or path.stat().st_size == 0 or is_plaintext(path):
        return False
    engine = create_store_engine(path, key)
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


def open_desk_store(
    data_dir: Path,
    *,
    keyring: KeyringService | None = None,
    ask_passphrase: PassphrasePrompt | None = None,
) -> LocalStore:
    """The store of `data_dir`: unlocked with the key the keyring keeps or the passphrase the user types
    (asked again while wrong; OpeningCancelled if they quit), encrypted once if an older desk left it in
    the clear, migrated if it is older, with the starter knowledge base loaded."""
    if ask_passphrase is None:
        from desktop.ui.shell.passphrase_dialog import ask_passphrase as ask_with_dialog

        ask_passphrase = ask_with_dialog
    if keyring is None:  # probing the platform's keyring can take seconds: not on the GUI thread
        keyring = run_with_progress(lambda _say: KeyringService(SERVICE, system_backend()))
    unlock = StoreUnlock(data_dir, keyring)
    passphrase = passphrase_from_environment(os.environ)
    while True:
        try:
            return run_with_progress(partial(_unlock_and_open, data_dir, unlock, passphrase))
        except PassphraseNeeded as need:
            passphrase = ask_passphrase(new=need.new, wrong=False)
        except StoreLocked:
            if unlock.method() != "passphrase":
                raise
            passphrase = ask_passphrase(new=False, wrong=True)
        if passphrase is None:
            raise OpeningCancelled()


def _unlock_and_open(
    data_dir: Path, unlock: StoreUnlock, passphrase: str | None, say: Callable[[str], None]
) -> LocalStore:
    """Runs on the opening thread."""
    key = unlock.key(passphrase)  # argon2id: a fifth of a second, on purpose
    on_encrypting = None
    if plaintext_copies(data_dir / DB_FILENAME):
        template = QCoreApplication.translate(
            "StoreOpening",
            "Encrypting the data of this computer, once: %1 % done. With a million tickets this takes "
            "a few minutes: please do not turn off the computer.",
        )
        say(template.replace("%1", "0"))

        def on_encrypting(fraction: float) -> None:
            say(template.replace("%1", str(int(fraction * 100))))

    elif needs_upgrade(data_dir, key):
        say(
            QCoreApplication.translate(
                "StoreOpening",
                "Upgrading the data to this version of the desk; the old data is copied aside "
                "first. With a million tickets this takes a few minutes: please do not turn off "
                "the computer.",
            )
        )
    store = LocalStore.open(data_dir, key=key, on_encrypting=on_encrypting)
    try:
        say(QCoreApplication.translate("StoreOpening", "Loading the knowledge base of procedures…"))
        ensure_starter_kb(store)
    except BaseException:
        store.close()
        raise
    return store
