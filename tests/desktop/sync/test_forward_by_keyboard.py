"""Chuyển đơn vị as an operator does it, against the real server: Ctrl+Shift+U on the open ticket, the unit
typed without accents, the deadline read before Enter, the same deadline set by the server. A ticket whose
edits have not reached the server yet, or a desk out of reach of it, keeps the forward and says so in
Vietnamese; the sync sends it after its push, and a refusal comes back with what to do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import QMenu, QToolButton, QWidget
from pytestqt.qtbot import QtBot
from server_lab import PASSWORD, Desk, ServerProcess
from sqlalchemy import text

from desktop.changes import OpChanges, Origin
from desktop.desk import Desk as OpenDesk
from desktop.domain.clock import now_vn
from desktop.domain.ticket import KeptForward, TicketDraft
from desktop.services.catalogs import CatalogService
from desktop.services.tickets.pending_forwards import PendingForwards
from desktop.services.tickets.service import TicketService
from desktop.settings import Settings
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.common.widgets import combo_edit
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.translations import install_translations, remove_translations
from desktop.ui.sync.desk import SyncDesk
from desktop.ui.tickets.form import UnsavedChoice
from desktop.ui.tickets.forward_dialog import ForwardDialog, day_text, install_forwarding
from desktop.ui.tickets.life_view import install_ticket_life
from desktop.ui.tickets.model import COL_STEP
from server.db import create_server_engine

SHOTS = Path("build/screenshots/forward")
UNIT = "so-xay-dung"  # Sở Xây dựng


@pytest.fixture
def vietnamese(qapp: object) -> Iterator[None]:
    translators = install_translations(qapp)  # type: ignore[arg-type]
    yield
    remove_translations(qapp, translators)  # type: ignore[arg-type]


def window_for(qtbot: QtBot, store: LocalStore, data_dir: Path, runner: TaskRunner) -> MainWindow:
    # unsaved typing left on the form is dropped when the test closes the window, never a modal question
    window = MainWindow(
        OpenDesk.open(store, "dtv1"), data_dir, runner, confirm_unsaved=lambda _w: UnsavedChoice.DISCARD
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.form.is_ready, timeout=10000)
    return window


def unit_on_the_server(server: ServerProcess, store: LocalStore, code: str = UNIT) -> None:
    (unit,) = [item for item in CatalogService(store).units() if item.code == code]
    assert (
        Desk(server, "admin").http.put(f"/api/v1/catalog/unit/{code}", json={"name": unit.name}).status_code
        == 200
    )


def level_two_ticket(store: LocalStore) -> str:
    draft = TicketDraft(
        content="Công trình xây nhà lấn chiếm hành lang đường",
        phone="0912 345 678",
        citizen_name="Lan",
        level=2,
        unit_code="ubnd-huyen-cao-lanh",
    )
    return TicketService(store, "dtv1").create(draft).id


def signed_in_desk(window: MainWindow, url: str, runner: TaskRunner) -> SyncDesk:
    credentials = Credentials(NoKeyring())
    credentials.remember(Login(url, "dtv1"), password=PASSWORD)
    settings = Settings(operator="dtv1", sync_server=url, sync_user="dtv1")
    return SyncDesk(window, window.desk, settings, credentials, runner, pull_interval=600)


def one_cycle(store: LocalStore, server: ServerProcess) -> SyncEngine:
    credentials = Credentials(NoKeyring())
    login = Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    engine = SyncEngine(store, SyncClient(server.base), credentials, login)
    engine.run_cycle()
    return engine


def shown_dialogs(window: MainWindow) -> list[ForwardDialog]:
    return [dialog for dialog in window.findChildren(ForwardDialog) if dialog.isVisible()]


def open_forward_dialog(qtbot: QtBot, window: MainWindow, ticket_id: str) -> ForwardDialog:
    shown = window.current_ticket()
    if shown is None or shown.id != ticket_id:
        with qtbot.waitSignal(window.form.ticket_loaded, timeout=5000):
            window.open_ticket(ticket_id)
    window.activateWindow()  # back from the last dialog, as the window manager does
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    window.form.content_edit.setFocus()
    qtbot.keyClick(
        window.form.content_edit,
        Qt.Key.Key_U,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: bool(shown_dialogs(window)), timeout=5000)
    (dialog,) = shown_dialogs(window)
    return dialog


def test_an_operator_forwards_by_keyboard_typing_the_unit_without_accents_and_reads_the_deadline_first(
    qtbot: QtBot, store: LocalStore, data_dir: Path, runner: TaskRunner, server: ServerProcess, vietnamese
) -> None:
    unit_on_the_server(server, store)
    ticket_id = level_two_ticket(store)
    one_cycle(store, server)  # the ticket is on the server
    window = window_for(qtbot, store, data_dir, runner)
    window.resize(1366, 768)
    sync = signed_in_desk(window, server.base, runner)
    action = install_forwarding(window, sync, window.desk.services.catalogs, runner)
    button = window.form.findChild(QToolButton, "forwardActionButton")
    assert button is not None
    assert "Ctrl+Shift+U" in action.toolTip() and "Ctrl+Shift+U" in button.toolTip()  # the key is told

    dialog = open_forward_dialog(qtbot, window, ticket_id)
    edit = combo_edit(dialog.unit_combo)
    qtbot.waitUntil(edit.hasFocus)  # the operator types at once
    calendar = CatalogService(store).work_calendar()
    expected = calendar.add_working_days(now_vn().date(), CatalogService(store).deadline_days()[2])
    assert day_text(expected) in dialog.deadline_label.text()  # before anything is sent
    assert "ngày làm việc" in dialog.deadline_label.text()
    qtbot.keyClicks(edit, "so xay dung")  # no accents, as fast typists do
    qtbot.waitUntil(lambda: dialog.unit_combo.completer().popup().isVisible(), timeout=3000)
    dialog.grab().save(str(_shots() / "forward-dialog-typed.png"))
    assert dialog.unit_combo.completer().completionCount() == 1  # "Sở Xây dựng", found without its accents
    qtbot.keyClick(dialog.unit_combo.completer().popup(), Qt.Key.Key_Down)
    qtbot.keyClick(dialog.unit_combo.completer().popup(), Qt.Key.Key_Return)
    assert dialog.unit_combo.currentText() == "Sở Xây dựng"
    with qtbot.waitSignal(dialog.finished, timeout=20000):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.queued is None and dialog.deadline == expected  # the server set the deadline shown
    assert "Sở Xây dựng" in window.statusBar().currentMessage()
    assert day_text(expected) in window.statusBar().currentMessage()
    window.grab().save(str(_shots() / "forwarded-1366x768.png"))


def test_a_ticket_not_yet_on_the_server_is_forwarded_after_the_push_and_the_dialog_says_so(
    qtbot: QtBot, store: LocalStore, data_dir: Path, runner: TaskRunner, server: ServerProcess, vietnamese
) -> None:
    unit_on_the_server(server, store)
    ticket_id = level_two_ticket(store)  # saved here, never synced
    window = window_for(qtbot, store, data_dir, runner)
    window.resize(1366, 768)
    sync = signed_in_desk(window, server.base, runner)
    install_forwarding(window, sync, window.desk.services.catalogs, runner)
    dialog = open_forward_dialog(qtbot, window, ticket_id)
    dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData(UNIT))
    with qtbot.waitSignal(dialog.finished, timeout=20000):
        dialog.submit()
    assert dialog.queued is not None
    said = window.statusBar().currentMessage()
    assert said == (
        "Chưa chuyển đến Sở Xây dựng: phiếu chưa đồng bộ lên máy chủ; "
        "lệnh chuyển được giữ và gửi ngay sau phiếu."
    )
    assert fits_the_status_bar(window, said)

    one_cycle(store, server)  # push, then the forward, then the pull that brings the unit's deadline
    ticket = TicketService(store, "dtv1").get(ticket_id)
    assert ticket.draft.unit_code == UNIT
    assert ticket.deadline == CatalogService(store).work_calendar().add_working_days(now_vn().date(), 3)
    assert PendingForwards(store).all() == []


def test_a_desk_out_of_reach_keeps_the_forward_and_a_refusal_comes_back_with_what_to_do(
    qtbot: QtBot, store: LocalStore, data_dir: Path, runner: TaskRunner, server: ServerProcess, vietnamese
) -> None:
    unit_on_the_server(server, store)
    first, second = level_two_ticket(store), level_two_ticket(store)
    one_cycle(store, server)
    window = window_for(qtbot, store, data_dir, runner)
    window.resize(1366, 768)
    offline = signed_in_desk(window, "http://127.0.0.1:9", runner)  # nothing listens there
    install_forwarding(window, offline, window.desk.services.catalogs, runner)
    for ticket_id in (first, second):
        dialog = open_forward_dialog(qtbot, window, ticket_id)
        dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData(UNIT))
        with qtbot.waitSignal(dialog.finished, timeout=20000):
            dialog.submit()
        assert dialog.queued is not None
        said = window.statusBar().currentMessage()
        assert said.startswith("Chưa chuyển đến Sở Xây dựng: không kết nối được máy chủ;")
        assert "giữ trên máy này, tự gửi khi có mạng" in said and fits_the_status_bar(window, said)
        kept = window.form.kept_forward_label  # the operator looking at the ticket sees it has not gone
        qtbot.waitUntil(kept.isVisible, timeout=5000)
        assert kept.text().startswith("Chờ gửi chuyển đơn vị đến Sở Xây dựng: lệnh chuyển lúc ")
        assert "tự gửi ngay khi kết nối được máy chủ" in kept.text()
    qtbot.waitUntil(lambda: step_cells(window) == {first: KEPT, second: KEPT}, timeout=5000)
    window.grab().save(str(_shots() / "forward-queued-offline-1366x768.png"))
    # meanwhile another desk forwarded the second ticket: the server will refuse this desk's
    other = Desk(server, "dtv2")
    assert other.http.post(f"/api/v1/tickets/{second}/forward", json={"unit_code": UNIT}).status_code == 201

    with qtbot.waitSignal(window.form.ticket_loaded, timeout=5000):
        window.form.open_ticket(first)
    kept = window.form.kept_forward_label
    qtbot.waitUntil(kept.isVisible, timeout=5000)
    window.form.content_edit.appendPlainText("Người dân gọi lại hỏi tiến độ.")  # typing, not saved

    engine = one_cycle(store, server)  # the network is back
    assert TicketService(store, "dtv1").get(first).draft.unit_code == UNIT
    window.desk.publish(
        OpChanges(Origin.REMOTE, tickets=frozenset({first}))
    )  # the pulled page, as the sync says
    qtbot.waitUntil(lambda: not kept.isVisible(), timeout=5000)  # sent: the line goes, the typing stays
    assert window.form.is_dirty() and "tiến độ" in window.form.content_edit.toPlainText()
    (refused,) = PendingForwards(store).all()
    assert refused.ticket_id == second and "đang chờ đơn vị trả lời" in refused.refused
    assert "nhờ đơn vị trả lại phiếu" in refused.refused  # what to do, in the server's words
    status = engine_status(engine, store)
    assert f"Máy chủ không nhận chuyển phiếu {refused.ticket_code}" in status and "Ctrl+Shift+U" in status

    window.refresh()
    qtbot.waitUntil(
        lambda: step_cells(window).get(second) == "Chuyển đơn vị bị từ chối: chuyển lại", timeout=5000
    )
    assert step_cells(window)[first] != KEPT  # sent: the unit has it
    with qtbot.waitSignal(window.form.ticket_loaded, timeout=5000):
        window.form.open_ticket(second)  # the form said "waiting" until now: the refusal and what to do
    kept = window.form.kept_forward_label
    qtbot.waitUntil(lambda: kept.text().startswith("Chưa chuyển đơn vị: máy chủ không nhận"), timeout=5000)
    assert kept.isVisible() and kept.text().endswith("Hãy chuyển lại (Ctrl+Shift+U).")
    window.grab().save(str(_shots() / "forward-refused-on-the-form-1366x768.png"))

    dialog = open_forward_dialog(qtbot, window, second)  # the operator comes back to it
    assert dialog.earlier_label.isVisible()
    assert dialog.earlier_label.text().startswith("Máy chủ không nhận lần chuyển trước đến Sở Xây dựng:")
    dialog.grab().save(str(_shots() / "forward-refused-earlier.png"))
    dialog.reject()


def test_a_server_failing_on_the_forward_keeps_it_on_the_desk_as_when_out_of_reach(
    qtbot: QtBot, store: LocalStore, data_dir: Path, runner: TaskRunner, server: ServerProcess, vietnamese
) -> None:
    """A 500 (or a proxy's 502 while the server restarts) refuses nothing: the forward is kept and the
    sync sends it, instead of an error the operator must remember to retry."""
    unit_on_the_server(server, store)
    ticket_id = level_two_ticket(store)
    one_cycle(store, server)
    window = window_for(qtbot, store, data_dir, runner)
    window.resize(1366, 768)
    sync = signed_in_desk(window, server.base, runner)
    install_forwarding(window, sync, window.desk.services.catalogs, runner)
    engine = create_server_engine(server.db_url)
    with engine.begin() as connection:
        for statement in _FAIL_ON_FORWARD:
            connection.execute(text(statement))
    try:
        dialog = open_forward_dialog(qtbot, window, ticket_id)
        dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData(UNIT))
        with qtbot.waitSignal(dialog.finished, timeout=20000):
            dialog.submit()
        assert dialog.result() == dialog.DialogCode.Accepted and dialog.queued is not None
        said = window.statusBar().currentMessage()
        assert said == (
            "Chưa chuyển đến Sở Xây dựng: máy chủ đang lỗi (mã 500); lệnh chuyển được giữ trên máy này, "
            "tự gửi khi máy chủ trả lời."
        )
        assert fits_the_status_bar(window, said)
        (kept,) = PendingForwards(store).all()
        assert (kept.ticket_id, kept.unit_code, kept.state) == (ticket_id, UNIT, KeptForward.WAITING)
        qtbot.waitUntil(window.form.kept_forward_label.isVisible, timeout=5000)
        qtbot.waitUntil(lambda: step_cells(window).get(ticket_id) == KEPT, timeout=5000)
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TRIGGER IF EXISTS keepfwd_fail ON forwardings"))
            connection.execute(text("DROP FUNCTION IF EXISTS keepfwd_fail()"))
        engine.dispose()

    one_cycle(store, server)  # the server answers again: the kept forward goes
    assert PendingForwards(store).all() == []
    assert TicketService(store, "dtv1").get(ticket_id).draft.unit_code == UNIT


_FAIL_ON_FORWARD = (  # a real failure inside the server: its database refuses the forwarding's row
    "CREATE FUNCTION keepfwd_fail() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
    "CREATE TRIGGER keepfwd_fail BEFORE INSERT ON forwardings FOR EACH ROW EXECUTE FUNCTION keepfwd_fail()",
)
KEPT = "Chờ gửi chuyển đơn vị"


def step_cells(window: MainWindow) -> dict[str, str]:
    """The ticket list's step cell of each listed ticket, by the ticket's id."""
    model = window.model
    return {model.row_at(row).id: model.index(row, COL_STEP).data() for row in range(model.rowCount())}


def engine_status(engine: SyncEngine, store: LocalStore) -> str:
    """The message the engine reports after a cycle (the status bar's tip)."""
    seen: list[str] = []
    engine._on_event = lambda event: seen.append(getattr(event, "message", ""))
    engine.run_cycle()
    return seen[-1]


def fits_the_status_bar(window: MainWindow, message: str) -> bool:
    """The message is read whole at 1366 px: it ends before the bar's permanent widgets (sync, operator)."""
    bar = window.statusBar()
    permanent = [
        child.x() for child in bar.findChildren(QWidget) if child.isVisible() and child.parent() is bar
    ]
    room = min([x for x in permanent if x > 0] or [bar.width()])
    return bar.fontMetrics().horizontalAdvance(message) + 12 < room


def _shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def test_no_two_actions_of_the_assembled_desk_share_a_key(
    qtbot: QtBot, store: LocalStore, data_dir: Path, runner: TaskRunner
) -> None:
    """Every shortcut of the window as launch.py assembles it (phone, sync, presence, forwarding, the
    ticket's life), listed from the code's actions: Ctrl+Shift+U is the forward's alone."""
    from desktop.ui.phone.desk import install_phone

    window = window_for(qtbot, store, data_dir, runner)
    settings = Settings(operator="dtv1")
    install_phone(window, window.desk, settings, data_dir, runner)
    sync = SyncDesk(window, window.desk, settings, Credentials(NoKeyring()), runner)
    install_forwarding(window, sync, window.desk.services.catalogs, runner)
    assert window.desk.services.life is not None
    install_ticket_life(window, window.desk.services.life, runner)
    owners: dict[str, list[str]] = {}  # key -> the actions it triggers in the main window

    def in_main_window(item: QObject) -> bool:
        """A shortcut of the main window, not of a window of its own (the dashboard's Esc closes it)."""
        parent = item.parent()
        while parent is not None and not isinstance(parent, QWidget):
            parent = parent.parent()
        if parent is None:
            return False
        scope = parent.window()
        return scope is window or isinstance(scope, QMenu)

    for action in window.findChildren(QAction):
        if in_main_window(action):
            for key in action.shortcuts():
                owners.setdefault(key.toString(), []).append(action.objectName() or action.text())
    for shortcut in window.findChildren(QShortcut):
        if in_main_window(shortcut):
            owners.setdefault(shortcut.key().toString(), []).append(shortcut.objectName() or "QShortcut")
    owners.pop("", None)
    clashes = {key: names for key, names in owners.items() if len(names) > 1}
    assert clashes == {}
    assert owners["Ctrl+Shift+U"] == ["forwardAction"]
    assert owners["Ctrl+Shift+H"] == ["ticketLifeAction"]  # it once also sorted the list by days left
    assert len(owners) > 30  # the list really is the desk's
