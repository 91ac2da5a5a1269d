"""The sync wired into the main window (offscreen Qt) against the real server: login, wake, stop."""

from __future__ import annotations

import time
from pathlib import Path

from keyring.backends.fail import Keyring as NoKeyring
from pytestqt.qtbot import QtBot
from server_lab import PASSWORD, Desk, ServerProcess, new_id, ticket

from desktop.desk import Desk as OpenDesk
from desktop.domain.ticket import TicketDraft
from desktop.settings import Settings
from desktop.store.local import LocalStore
from desktop.sync.credentials import Credentials, Login
from desktop.sync.state import read_counts
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.sync.desk import SyncDesk

DRAFT = TicketDraft(content="Hỏi thủ tục cấp lại căn cước", phone="0912 345 678", citizen_name="Lan")


def window_for(qtbot: QtBot, store: LocalStore, data_dir: Path, runner: TaskRunner) -> MainWindow:
    window = MainWindow(OpenDesk.open(store, "dtv1"), data_dir, runner)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.form.is_ready, timeout=10000)
    return window


def test_the_desk_opens_without_a_server_then_signs_in_syncs_each_save_and_stops_quickly(
    qtbot: QtBot, store: LocalStore, data_dir: Path, runner: TaskRunner, server: ServerProcess
) -> None:
    window = window_for(qtbot, store, data_dir, runner)
    settings = Settings.load(data_dir)
    desk = SyncDesk(
        window,
        window.desk,
        settings,
        Credentials(NoKeyring()),  # this machine has no Secret Service: session-only password
        runner,
        save_settings=lambda s: s.save(data_dir),
        pull_interval=60,
    )
    assert desk.start() is False and desk.engine is None
    assert window.sync_label.text() == "Sync: not configured"
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles.index("&Server") < titles.index("&Help")
    assert [a.text() for a in desk.menu.actions() if a.text()] == [
        "Sync &now",
        "&Conflicts to settle…",
        "Changes &refused by the server…",
        "&Sign in to the server…",
    ]
    assert desk.sync_now_action.shortcut().toString() == "F6"
    assert {desk.sync_now_action, desk.conflicts_action} <= set(window.shortcut_actions())  # F1 lists them
    desk.menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitExposed(desk.menu)
    desk.menu.grab().save("/tmp/sync_menu.png")
    desk.menu.hide()

    desk.sync_now()  # nothing configured: "sync now" asks who to sign in as
    dialog = desk.login_dialog
    assert dialog is not None and dialog.isVisible() and dialog.keyring_note.isVisible()
    dialog.url_edit.setText(server.base)
    dialog.user_edit.setText("dtv1")
    dialog.password_edit.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: desk.engine is not None, timeout=15000)
    assert Settings.load(data_dir).sync_server == server.base  # remembered for the next start
    assert Settings.load(data_dir).sync_user == "dtv1"
    assert "mat-khau" not in (data_dir / "settings.json").read_text(encoding="utf-8")
    qtbot.waitUntil(lambda: desk.presenter.last is not None and desk.presenter.last.online, timeout=15000)

    window.form.new_ticket()
    window.form.phone_edit.setText("0912 345 678")
    window.form.content_edit.setPlainText("Phản ánh đèn đường hỏng ở phường 1")
    started = time.monotonic()
    with qtbot.waitSignal(window.form.ticket_saved, timeout=10000) as saved:
        window.form.save()
    saved_id = saved.args[0].id
    qtbot.waitUntil(lambda: read_counts(store).pending == 0 and read_counts(store).last_sync_at is not None)
    qtbot.waitUntil(
        lambda: desk.presenter.last is not None and desk.presenter.last.counts.pending == 0, timeout=10000
    )
    assert time.monotonic() - started < 10  # woken by the save, not the 60 s timer
    assert "Sync: online" in window.sync_label.text()
    window.statusBar().grab().save("/tmp/sync_statusbar.png")
    window.grab().save("/tmp/sync_window.png")

    other = Desk(server, "dtv2")  # another desk's ticket reaches this window's list on F6
    remote_id = new_id()
    assert other.push([other.mutation("ticket", "create", remote_id, ticket("KHAC-0001"))]).status_code == 200
    window.open_ticket(saved_id)  # the operator has the saved ticket open, unchanged
    qtbot.waitUntil(lambda: window.form.ticket is not None and window.form.ticket.id == saved_id)
    answer = {"changes": {"answer": "Đội quản lý đô thị đã thay bóng đèn"}, "before": {"answer": ""}}
    assert other.push([other.mutation("ticket", "update", saved_id, answer, base=1)]).status_code == 200
    desk.sync_now_action.trigger()
    qtbot.waitUntil(lambda: window.model.row_of(remote_id) >= 0, timeout=15000)
    qtbot.waitUntil(lambda: window.form.answer_edit.toPlainText() == "Đội quản lý đô thị đã thay bóng đèn")

    engine = desk.engine
    assert engine is not None and engine.running
    before = time.monotonic()
    desk.stop()
    assert time.monotonic() - before < 2.5
    assert not engine.running


def test_a_unit_renamed_and_an_answer_added_on_the_server_reach_the_open_form_and_the_panel(
    qtbot: QtBot, store: LocalStore, data_dir: Path, runner: TaskRunner, server: ServerProcess
) -> None:
    window = window_for(qtbot, store, data_dir, runner)
    credentials = Credentials(NoKeyring())
    credentials.remember(Login(server.base, "dtv1"), password=PASSWORD)
    settings = Settings(operator="dtv1", sync_server=server.base, sync_user="dtv1")
    desk = SyncDesk(window, window.desk, settings, credentials, runner, pull_interval=60)
    try:
        assert desk.start()
        qtbot.waitUntil(lambda: desk.presenter.last is not None and desk.presenter.last.online, timeout=15000)
        window.form.new_ticket()  # the operator has a ticket open, saved, for the province's police
        window.form.phone_edit.setText("0912 345 678")
        window.form.content_edit.setPlainText("Hỏi làm căn cước cho con dưới 14 tuổi")
        window.form.unit_combo.setCurrentIndex(window.form.unit_combo.findData("cong-an-tinh"))
        with qtbot.waitSignal(window.form.ticket_saved, timeout=10000):
            window.form.save()
        panel = window.kb_panel
        panel.ensure_loaded()
        qtbot.waitUntil(lambda: panel.is_loaded, timeout=10000)

        admin = Desk(server, "admin")
        renamed = {"name": "Công an tỉnh (Phòng Cảnh sát QLHC)", "group": "so_nganh"}
        asked = {"question": "Trẻ dưới 14 tuổi có phải làm căn cước không?", "answer": "Không bắt buộc."}
        for path, body in (("unit/cong-an-tinh", renamed), ("kb_qa/tre-duoi-14", asked)):
            assert admin.http.put(f"/api/v1/catalog/{path}", json=body).status_code == 200
        with qtbot.waitSignal(window.form.catalogs_reloaded, timeout=15000):
            desk.sync_now_action.trigger()

        form = window.form
        assert form.unit_combo.currentData() == "cong-an-tinh"
        assert form.unit_combo.currentText() == "Công an tỉnh (Phòng Cảnh sát QLHC)"
        assert not form.is_dirty()  # a new name is not an edit of the operator's
        assert window.filter_bar.unit_combo.findText("Công an tỉnh (Phòng Cảnh sát QLHC)") >= 0
        qtbot.waitUntil(lambda: panel.is_loaded, timeout=10000)
        panel.search_edit.setText("tre duoi 14 tuoi can cuoc")
        qtbot.waitUntil(lambda: any(hit.code == "tre-duoi-14" for hit in panel.hits), timeout=10000)
    finally:
        desk.stop()


def test_closing_the_desk_does_not_wait_for_a_server_that_never_answers(
    qtbot: QtBot, store: LocalStore, data_dir: Path, runner: TaskRunner
) -> None:
    import socket

    silent = socket.socket()  # accepts connections, never answers: a hung proxy
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    try:
        window = window_for(qtbot, store, data_dir, runner)
        credentials = Credentials(NoKeyring())
        credentials.remember(Login(url, "dtv1"), password=PASSWORD)
        settings = Settings(operator="dtv1", sync_server=url, sync_user="dtv1")
        desk = SyncDesk(window, window.desk, settings, credentials, runner)
        assert desk.start()
        qtbot.waitUntil(lambda: desk.engine is not None, timeout=10000)
        time.sleep(1.0)  # the worker is now waiting on the login's answer (read timeout: 30 s)
        engine = desk.engine
        assert engine is not None and engine.running
        started = time.monotonic()
        desk.stop()
        assert time.monotonic() - started < 2.5
    finally:
        silent.close()
