"""The desk's update notice and dialog against the real server: found after a check, installed on the
operator's word, never while a call rings or is on, and opened by the server's 426 with its reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow
from release_lab import Admin
from server_lab import ServerProcess

from desktop.ui.common.tasks import TaskRunner
from desktop.ui.shell.translations import install_translations, remove_translations
from desktop.ui.shell.update_desk import UpdateDesk
from desktop.updates import Updater


@pytest.fixture
def vietnamese(qapp):  # type: ignore[no-untyped-def]
    translators = install_translations(qapp)
    yield
    remove_translations(qapp, translators)


@pytest.fixture
def released(db_url: str, tmp_path: Path) -> Iterator[tuple[ServerProcess, Admin]]:
    updates = tmp_path / "served"
    server = ServerProcess(db_url, env={"TONGDAI1022_SERVER_UPDATES": str(updates)}).start()
    admin = Admin(tmp_path / "admin")
    admin.sign("0.2.0")
    assert admin.publish(server, updates).returncode == 0
    try:
        yield server, admin
    finally:
        server.stop()


def test_the_notice_leads_to_an_install_that_waits_for_the_call_to_end(
    qtbot, vietnamese: None, released: tuple[ServerProcess, Admin], tmp_path: Path
) -> None:
    server, admin = released
    window = QMainWindow()
    qtbot.addWidget(window)
    on_a_call = {"now": True}
    versions = tmp_path / "versions"  # the operator's own folder: the program folder is root's
    root = admin.repo / "metadata" / "root.json"
    desk = UpdateDesk(
        window,
        lambda: server.base,
        tmp_path / "data",
        TaskRunner(),
        lambda: on_a_call["now"],
        versions_dir=versions,
        updater_for=lambda url: Updater(url, tmp_path / "data", current_version="0.1.0", root=root),
    )
    window.show()
    desk.check()
    qtbot.waitUntil(desk.notice.isVisible, timeout=20000)
    assert "0.2.0" in desk.notice.text() and "Có bản cập nhật" in desk.notice.text()

    qtbot.mouseClick(desk.notice, Qt.MouseButton.LeftButton)
    dialog = desk.dialog
    assert dialog is not None
    assert not dialog.install_button.isEnabled()
    assert "cuộc gọi" in dialog.install_button.toolTip() and "cuộc gọi" in dialog.hint_label.text()
    dialog.grab().save("/tmp/update_dialog_during_call.png")

    on_a_call["now"] = False
    qtbot.waitUntil(dialog.install_button.isEnabled, timeout=3000)
    qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_label.property("outcome") is not None, timeout=30000)
    assert dialog.result_label.property("outcome") == "installed", dialog.result_label.text()
    assert (versions / "0.2.0" / "tongdai1022").read_text(encoding="utf-8").endswith("echo 0.2.0\n")
    assert (versions / "current").read_text(encoding="utf-8").strip() == "0.2.0"
    dialog.grab().save("/tmp/update_dialog_installed.png")


def test_a_426_from_the_server_opens_the_dialog_with_its_reason(
    qtbot, vietnamese: None, released: tuple[ServerProcess, Admin], tmp_path: Path
) -> None:
    server, admin = released
    window = QMainWindow()
    qtbot.addWidget(window)
    root = admin.repo / "metadata" / "root.json"
    desk = UpdateDesk(
        window,
        lambda: server.base,
        tmp_path / "data",
        TaskRunner(),
        lambda: False,
        versions_dir=tmp_path / "versions",
        updater_for=lambda url: Updater(url, tmp_path / "data", current_version="0.1.0", root=root),
    )
    desk.on_server_refused_version("Máy chủ không còn nhận phiên bản phần mềm này. Hãy cập nhật phần mềm.")
    qtbot.waitUntil(lambda: desk.dialog is not None and desk.dialog.isVisible(), timeout=20000)
    assert desk.dialog is not None
    assert "không còn nhận" in desk.dialog.reason_label.text()
    assert "0.2.0" in desk.dialog.offer_label.text()
    assert desk.dialog.install_button.isEnabled()


def test_a_tampered_release_fails_in_the_dialog_with_the_reason_and_nothing_installed(
    qtbot, vietnamese: None, released: tuple[ServerProcess, Admin], tmp_path: Path
) -> None:
    server, admin = released
    window = QMainWindow()
    qtbot.addWidget(window)
    versions = tmp_path / "versions"
    root = admin.root_json
    desk = UpdateDesk(
        window,
        lambda: server.base,
        tmp_path / "data",
        TaskRunner(),
        lambda: False,
        versions_dir=versions,
        updater_for=lambda url: Updater(url, tmp_path / "data", current_version="0.1.0", root=root),
    )
    desk.check()
    qtbot.waitUntil(lambda: desk.offer is not None, timeout=20000)
    archive = tmp_path / "served" / "targets" / "tongdai1022-0.2.0.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF  # changed on the server after the release was signed
    archive.write_bytes(bytes(data))

    dialog = desk.open_dialog()
    assert dialog is not None
    qtbot.mouseClick(dialog.install_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_label.property("outcome") is not None, timeout=30000)
    assert dialog.result_label.property("outcome") == "failed"
    assert "không khớp với bản đã ký" in dialog.result_label.text()
    assert "tiếp tục chạy bản hiện tại" in dialog.result_label.text()
    assert dialog.install_button.isEnabled()  # the operator may try again later
    assert not (versions / "current").exists() and not (versions / "0.2.0").exists()


def test_an_offline_check_leaves_a_note_and_no_notice(qtbot, vietnamese: None, tmp_path: Path) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    root = tmp_path / "root.json"
    root.write_text(Admin(tmp_path / "admin").root_json.read_text(encoding="utf-8"), encoding="utf-8")
    desk = UpdateDesk(
        window,
        lambda: "http://127.0.0.1:9",  # nothing listens: the desk is offline
        tmp_path / "data",
        TaskRunner(),
        lambda: False,
        versions_dir=tmp_path / "versions",
        updater_for=lambda url: Updater(url, tmp_path / "data", current_version="0.1.0", root=root),
    )
    window.show()
    desk.check()
    qtbot.waitUntil(lambda: desk.last_problem != "", timeout=20000)
    assert "Không tải được" in desk.last_problem and "tiếp tục chạy bản hiện tại" in desk.last_problem
    assert not desk.notice.isVisible() and desk.dialog is None  # nothing interrupts the operator
    assert not (tmp_path / "versions").exists()
