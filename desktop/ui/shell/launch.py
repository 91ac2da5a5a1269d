"""Starting the desk: the app, translations, single-instance lock, the store, the main window."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

_IMPORTED_AT = time.time()

READY_FILE_ENV = "TONGDAI1022_READY_FILE"
T0_ENV = "TONGDAI1022_T0"
LOCK_FILENAME = "tongdai1022.lock"
EXIT_ALREADY_OPEN = 1
EXIT_STORE_FAILED = 2

Reporter = Callable[[str, str], None]


def rss_bytes() -> int:
    """The resident set size of this process, from /proc on Linux, else psutil when installed."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except Exception:
        return 0


def _start_time() -> float:
    raw = os.environ.get(T0_ENV)
    if raw:
        try:
            return float(raw)
        except ValueError:
            pass
    return _IMPORTED_AT


def explain_open_error(error: BaseException, data_dir: Path | None = None) -> str:
    """What went wrong opening the store and what to do, in the app's language, naming the data folder."""
    from PySide6.QtCore import QCoreApplication

    text = _open_error_text(error)
    if data_dir is None:
        return text
    folder = QCoreApplication.translate("Launch", "Data folder: %1").replace("%1", str(data_dir))
    return f"{text}\n\n{folder}"


def _open_error_text(error: BaseException) -> str:
    from PySide6.QtCore import QCoreApplication

    from desktop.services.store_unlock import KeyUnavailable
    from desktop.store.cipher import StoreLocked
    from desktop.store.errors import StoreError

    detail = f"{error} {getattr(error, 'orig', '') or ''}".lower()
    if isinstance(error, StoreError | KeyUnavailable):
        return str(error)
    if isinstance(error, StoreLocked):
        return QCoreApplication.translate(
            "Launch",
            "The key kept for the data on this computer does not open it (was the data folder copied "
            "from another computer?). The data cannot be read without its own key; what was synced is "
            "still on the central server. Ask IT.",
        )
    if "not a database" in detail or "malformed" in detail or "corrupt" in detail:
        return QCoreApplication.translate(
            "Launch",
            "The database file of the desk is damaged and cannot be read. Do not delete it: "
            "close the desk and ask IT to restore it from the latest backup (the copies named "
            "'truoc-nang-cap' beside it).",
        )
    if "disk is full" in detail or "no space" in detail or "database or disk is full" in detail:
        return QCoreApplication.translate(
            "Launch",
            "The disk is full, so the desk cannot open its data. Free some disk space and start again.",
        )
    if (
        "readonly" in detail
        or "read-only" in detail
        or "permission" in detail
        or "unable to open" in detail
        or isinstance(error, PermissionError)
    ):
        return QCoreApplication.translate(
            "Launch",
            "The desk may not write in its data folder. Ask IT to give this user write access to the "
            "folder, then start again.",
        )
    return QCoreApplication.translate(
        "Launch", "The desk could not open its data (%1). Start again; if it persists, call IT."
    ).replace("%1", str(error))


def _message_box(title: str, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, title, text)
    box.exec()


def _write_ready_file(path: str, started: float, window_title: str) -> None:
    from desktop.ui.shell.shipped_files import shipped_files

    ready_s, rss = round(time.time() - started, 4), rss_bytes()
    document = {"ready_s": ready_s, "rss_bytes": rss, "shipped": shipped_files(window_title)}
    Path(path).write_text(json.dumps(document), encoding="utf-8")


def run_desktop(data_dir: Path, *, report: Reporter | None = None) -> int:
    """Runs the desk until its window closes; 1 when already open, 2 when the store cannot be opened."""
    from PySide6.QtCore import QCoreApplication, QLockFile, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop import __version__
    from desktop.ui.shell.style import apply_style
    from desktop.ui.shell.translations import install_translations, remove_translations

    started = _start_time()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("tongdai1022")
    app.setApplicationDisplayName("Tổng đài 1022")
    app.setApplicationVersion(__version__)
    translators = install_translations(app)
    apply_style(app)
    show = report or _message_box
    title = QCoreApplication.translate("Launch", "1022 Hotline Desk")
    lock: QLockFile | None = None
    store = None
    try:
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            show(title, explain_open_error(error, data_dir))
            return EXIT_STORE_FAILED
        lock = QLockFile(str(data_dir / LOCK_FILENAME))
        lock.setStaleLockTime(0)
        if not lock.tryLock(200) and lock.error() == QLockFile.LockError.LockFailedError:
            show(
                title,
                QCoreApplication.translate(
                    "Launch",
                    "The desk is already open on this computer with this data folder. "
                    "Switch to the open window (look in the taskbar).",
                ),
            )
            return EXIT_ALREADY_OPEN

        from desktop.settings import Settings
        from desktop.ui.shell.opening import OpeningCancelled, open_desk_store

        try:
            store = open_desk_store(data_dir)  # off the GUI thread; a progress window if it is long
        except OpeningCancelled:
            return EXIT_STORE_FAILED
        except Exception as error:
            show(title, explain_open_error(error, data_dir))
            return EXIT_STORE_FAILED

        from desktop.desk import Desk
        from desktop.ui.common.tasks import default_runner
        from desktop.ui.shell.main_window import MainWindow

        settings = Settings.load(data_dir)
        desk = Desk.open(store, settings.operator, max(50, int(settings.page_size)))
        services = desk.services
        runner = default_runner()
        window = MainWindow(desk, data_dir, runner)
        from desktop.ui.phone.desk import install_phone

        phone = install_phone(window, desk, settings, data_dir, runner)
        from desktop.ui.sync.desk import install_sync

        sync = install_sync(window, desk, settings, data_dir, runner)  # central server (issue #5)
        from desktop.ui.shell.operator_name import OperatorName

        operator_name = OperatorName(
            window,
            window.file_menu,
            window.operator_label,
            settings,
            lambda s: s.save(data_dir),
            window.operator,
        )
        sync.after_sign_in.append(operator_name.on_signed_in)  # the account's name, at once
        from desktop.ui.phone.presence_desk import install_presence

        presence = install_presence(phone, sync, services.supervisor, runner)  # operators' states (issue #7)
        from desktop.ui.shell.update_desk import install_updates

        install_updates(window, sync, phone.busy, data_dir, runner)  # signed releases (issue #16)
        from desktop.ui.tickets.forward_dialog import install_forwarding

        install_forwarding(window, sync, services.catalogs, runner)  # tickets to units (issue #17)
        if services.life is not None:
            from desktop.ui.tickets.life_view import install_ticket_life

            install_ticket_life(window, services.life, runner)  # the ticket's steps, offline too (#17)
        ready_file = os.environ.get(READY_FILE_ENV)
        if ready_file:
            state = {"done": False}

            def on_ready() -> None:
                if state["done"] or not window.isVisible():
                    return
                state["done"] = True
                _write_ready_file(ready_file, started, window.windowTitle())
                QTimer.singleShot(0, lambda: app.exit(0))

            window.first_page_loaded.connect(on_ready)
        window.show()
        code = app.exec()
        window.hide()
        presence.stop()  # says "offline" to the server, at most ~2 s
        phone.stop()  # the agent, the headset
        desk.close()  # the sync thread joined for at most 2 s, the phone's writes done
        runner.wait_for_done(30000)
        QCoreApplication.sendPostedEvents()
        window.deleteLater()
        return int(code)
    finally:
        if store is not None:
            from desktop.services.access_log import flush_all

            flush_all()
            store.close()
        if lock is not None and lock.isLocked():
            lock.unlock()
        remove_translations(app, translators)
