"""File ▸ Import tickets from a CSV file…: the real importer on the task runner behind a progress dialog,
the result in Vietnamese, ONE change event from which the list, the count and the caller history refresh;
a file with bad rows or a stopped import imports nothing and publishes nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton
from test_import_unverified_numbers import history_file  # tests/desktop is on sys.path

from desktop.changes import ChangeHub, OpChanges
from desktop.services.bundle import DeskServices, TicketImporter
from desktop.services.imports.importer import ImportProgress, ImportReport
from desktop.store.local import LocalStore

DATA = Path(__file__).parents[1] / "data"
GOOD = DATA / "tickets_good.csv"  # 7 tickets, two of them from 0912 345 678
BAD = DATA / "tickets_bad.csv"  # 11 ticket rows, 7 of them wrong
SHOTS = Path("build/screenshots/import")


def recorded(hub: ChangeHub) -> list[OpChanges]:
    seen: list[OpChanges] = []
    hub.subscribe(seen.append)
    return seen


def ticket_rows(store: LocalStore) -> int:
    from sqlalchemy import text

    with store.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM tickets")).scalar_one())


def on_worker(importer: TicketImporter, threads: list[bool]) -> TicketImporter:
    """The desk's own importer, noting whether each run was off the GUI thread."""

    def run(
        path: Path, progress: Callable[[ImportProgress], None], stop_requested: Callable[[], bool]
    ) -> ImportReport:
        threads.append(threading.current_thread() is not threading.main_thread())
        return importer(path, progress, stop_requested)

    return run


def choose_in_file_dialog(qtbot, window, path: Path) -> None:  # type: ignore[no-untyped-def]
    """File ▸ Import…, then the file picked in the dialog it opens, as the operator does."""
    action = next(a for a in window.file_menu.actions() if a.objectName() == "importTicketsAction")
    action.trigger()
    dialog = window.findChild(QFileDialog, "importFileDialog")
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(path))
    dialog.accept()


def result_of(qtbot, window) -> QMessageBox:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.imports.result_box is not None, timeout=20000)
    box = window.imports.result_box
    assert box is not None and box.isVisible()
    return box


def shoot(window, box: QMessageBox, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / f"{name}-window-1366x768.png"))
    box.grab().save(str(SHOTS / f"{name}-result.png"))


def test_a_csv_file_is_imported_off_the_gui_thread_and_the_list_count_and_history_follow_one_event(
    qtbot, vietnamese, make_window, services: DeskServices, type_text
):
    assert services.import_tickets is not None
    threads: list[bool] = []
    window = make_window(replace(services, import_tickets=on_worker(services.import_tickets, threads)))
    window.resize(1366, 768)
    action = next(a for a in window.file_menu.actions() if a.objectName() == "importTicketsAction")
    assert action.text() == "&Nhập phiếu từ tệp CSV…"
    type_text(window.form.phone_edit, "0912 345 678")  # a caller with no history yet
    qtbot.waitUntil(lambda: window.history.current is not None, timeout=5000)
    assert window.history.current.total_tickets == 0
    assert window.model.rowCount() == 0
    seen = recorded(window.changes)

    choose_in_file_dialog(qtbot, window, GOOD)
    box = result_of(qtbot, window)

    assert threads == [True]
    assert box.windowTitle() == "Nhập phiếu xong"
    assert box.text() == "Đã nhập 7 phiếu."
    assert seen == [OpChanges.tickets_imported()]
    qtbot.waitUntil(lambda: window.model.rowCount() == 7, timeout=5000)
    qtbot.waitUntil(lambda: window.ticket_count == 7, timeout=5000)
    assert window.count_label.text() == "7 phiếu"
    qtbot.waitUntil(lambda: window.history.current.total_tickets == 2, timeout=5000)
    shoot(window, box, "good")


def test_a_file_with_wrong_rows_names_them_imports_nothing_and_publishes_nothing(
    qtbot, vietnamese, make_window, store: LocalStore
):
    window = make_window()
    window.resize(1366, 768)
    seen = recorded(window.changes)

    choose_in_file_dialog(qtbot, window, BAD)
    box = result_of(qtbot, window)

    assert box.windowTitle() == "Không nhập phiếu nào: tệp có dòng lỗi"
    assert box.icon() == QMessageBox.Icon.Warning
    text = box.text()
    assert text.startswith("Tệp có 7 dòng lỗi (trong 11 dòng phiếu) nên không phiếu nào được nhập:")
    assert "• dòng 5: cấp độ «5» không hợp lệ (1-4)" in text
    assert "• dòng 11: trùng mã phiếu với dòng 2" in text
    assert text.endswith(
        "Hãy sửa các dòng này trong tệp (dòng 1 là dòng tiêu đề), lưu lại dạng «CSV UTF-8» rồi nhập lại."
    )
    assert ticket_rows(store) == 0
    assert seen == []
    shoot(window, box, "bad-rows")


def test_numbers_not_in_the_carriers_plan_are_imported_with_a_warning_naming_the_first_lines(
    qtbot, vietnamese, make_window, tmp_path: Path
):
    path, unlisted_lines = history_file(tmp_path / "lich_su.csv")
    window = make_window()
    window.resize(1366, 768)
    seen = recorded(window.changes)

    choose_in_file_dialog(qtbot, window, path)
    box = result_of(qtbot, window)

    assert box.icon() == QMessageBox.Icon.Warning
    first = ", ".join(map(str, unlisted_lines[:5]))
    assert box.text() == (
        "Đã nhập 500 phiếu.\n\nLưu ý: 10 phiếu có số điện thoại chưa có trong danh bạ nhà mạng "
        f"(dòng {first}…). Các phiếu này đã được nhập bình thường; "
        "hãy đọc lại số với người dân trước khi gọi."
    )
    assert seen == [OpChanges.tickets_imported()]
    qtbot.waitUntil(lambda: window.ticket_count == 500, timeout=5000)
    shoot(window, box, "unverified")


def test_stopping_the_import_from_its_progress_dialog_imports_nothing_and_the_window_waits_for_it(
    qtbot, vietnamese, make_window, services: DeskServices, store: LocalStore
):
    assert services.import_tickets is not None
    importer = services.import_tickets
    stopped = threading.Event()

    def after_the_stop(
        path: Path, progress: Callable[[ImportProgress], None], stop_requested: Callable[[], bool]
    ) -> ImportReport:
        stopped.wait(10)  # the operator presses Stop while the file is being read
        return importer(path, progress, stop_requested)

    window = make_window(replace(services, import_tickets=after_the_stop))
    window.resize(1366, 768)
    seen = recorded(window.changes)

    choose_in_file_dialog(qtbot, window, GOOD)
    progress = window.imports.progress
    assert progress is not None and progress.isVisible()
    assert progress.labelText() == "Đang đọc «tickets_good.csv»…"
    SHOTS.mkdir(parents=True, exist_ok=True)
    progress.grab().save(str(SHOTS / "progress.png"))
    assert not window.close()  # the store stays open under the import
    assert window.statusBar().currentMessage().startswith("Đang nhập phiếu: hãy dừng")
    stop = next(b for b in progress.findChildren(QPushButton) if b.text() == "&Dừng (không nhập phiếu nào)")
    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    stopped.set()
    box = result_of(qtbot, window)

    assert box.text() == "Đã dừng nhập: không phiếu nào được nhập. Hãy nhập lại khi sẵn sàng."
    assert ticket_rows(store) == 0
    assert seen == []
    assert window.imports.progress is None and not window.imports.running
