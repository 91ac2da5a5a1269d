"""Operators' states on the supervisor's dashboard through the REAL server (PostgreSQL + uvicorn), from a
real phone desk on the SIP lab (Kamailio + sipp), shown by the real dashboard widget (offscreen Qt)."""

from __future__ import annotations

import time

from phone.conftest import HOTLINE_USER
from PySide6.QtCore import Qt
from server_lab import PASSWORD
from sync.conftest import MemoryKeyring

from desktop.store.local import DeskIdentity
from desktop.sync.account import Login
from desktop.sync.credentials import Credentials
from desktop.sync.presence import PresenceClient, PresencePublisher, ServerLink
from desktop.ui.shell.translations import install_translations, remove_translations
from desktop.ui.supervisor.dashboard import REFRESH_MS
from protocol import PresenceState, PresenceUpdate

WITHIN_REFRESH_MS = REFRESH_MS + 2000  # one refresh period, plus the PUT and the GET themselves


def shown_states(view) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Operator (full name) → the state column of the dashboard's operators table."""
    table = view.operators_table
    if view.operators_stack.currentWidget() is not table:
        return {}
    return {table.item(row, 0).text(): table.item(row, 1).text() for row in range(table.rowCount())}


def wait_shown(qtbot, view, who: str, state: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: shown_states(view).get(who) == state, timeout=WITHIN_REFRESH_MS)


def caller(number: str) -> list[str]:
    return ["-s", "1022", "-key", "caller", number, "-key", "display", "A", "-key", "pai", number,
            "-key", "codecs", "8 101"]  # fmt: skip


def test_an_operators_call_shows_on_the_supervisors_dashboard_state_by_state_within_the_refresh(
    qtbot, make_whole_desk, kamailio, sipp
):
    operator = make_whole_desk("dtv1", sip_user=HOTLINE_USER, lab=kamailio)
    supervisor = make_whole_desk("giamsat")  # no phone configured: its own desk is "offline"
    view = supervisor.window.supervisor.open_dashboard()
    assert view is not None and view.timer.interval() == REFRESH_MS  # the real dashboard, its real timer

    wait_shown(qtbot, view, "DTV1", "Registered")
    assert shown_states(view)["GIAMSAT"] == "Offline"
    assert operator.presence.publisher is not None and operator.presence.publisher.last_error == ""

    run = sipp.uac("uac_hotline_wait_bye.xml", kamailio.port, *caller("0945678901"))
    popup = operator.phone.popup
    qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=5000)
    assert shown_states(view)["DTV1"] == "Registered"  # ringing is not yet a call
    qtbot.keyClick(popup, Qt.Key.Key_Return)  # answered
    wait_shown(qtbot, view, "DTV1", "On a call")

    operator.window.activateWindow()
    qtbot.keyClick(operator.window.form.content_edit, Qt.Key.Key_F12)  # the operator hangs up
    qtbot.waitUntil(lambda: operator.phone.wrap_up_dialog is not None, timeout=5000)
    wait_shown(qtbot, view, "DTV1", "Wrap-up")
    assert run.wait(10) == 0, run.output()

    qtbot.keyClick(operator.phone.wrap_up_dialog, Qt.Key.Key_2)  # information given: wrap-up done
    wait_shown(qtbot, view, "DTV1", "Idle")
    row = next(
        r for r in range(view.operators_table.rowCount()) if view.operators_table.item(r, 0).text() == "DTV1"
    )
    assert view.operators_table.item(row, 2).text()  # since when, in the desk's time zone
    view.grab().save("/tmp/dashboard_presence.png")


def test_an_operators_token_is_refused_for_reading_and_the_panel_says_so_in_vietnamese(
    qtbot, qapp, make_whole_desk
):
    translators = install_translations(qapp)
    try:
        operator = make_whole_desk("dtv2")
        view = operator.window.supervisor.open_dashboard()
        qtbot.waitUntil(lambda: view.presence_error is not None, timeout=WITHIN_REFRESH_MS)
        assert view.operators_stack.currentWidget() is view.operators_message
        text = view.operators_message.text()
        assert text.startswith("Chưa biết trạng thái của điện thoại viên: ")
        assert "dtv2" in text and "không phải tài khoản giám sát viên" in text
        view.grab().save("/tmp/dashboard_presence_refused.png")
    finally:
        remove_translations(qapp, translators)


def test_a_desk_that_stops_reporting_is_shown_as_lost_while_a_heartbeating_one_is_not(
    qtbot, qapp, server, make_whole_desk
):
    translators = install_translations(qapp)
    try:
        supervisor = make_whole_desk("giamsat", stale_after=1.5)
        # dtv1's desk reports once and dies (no farewell); dtv2's heartbeats every 0.25 s
        died = PresenceClient(server.base)
        token = died.login("dtv1", PASSWORD, DeskIdentity("desk-that-dies", "k" * 32)).token
        died.publish(token, PresenceUpdate(state=PresenceState.ON_CALL))
        credentials = Credentials(MemoryKeyring())
        credentials.remember(Login(server.base, "dtv2"), password=PASSWORD)
        link = ServerLink(
            lambda: Login(server.base, "dtv2"), lambda: credentials, DeskIdentity("desk-alive", "k" * 32)
        )
        alive = PresencePublisher(link, heartbeat=0.25)
        alive.set_state(PresenceState.IDLE)
        alive.start()
        try:
            view = supervisor.window.supervisor.open_dashboard()
            view.timer.setInterval(300)  # the staleness is what is tested here, not the refresh period
            qtbot.waitUntil(lambda: shown_states(view).get("DTV2") == "Đang rảnh", timeout=WITHIN_REFRESH_MS)
            time.sleep(1.7)  # dtv1's only report is now older than the window
            qtbot.waitUntil(
                lambda: shown_states(view).get("DTV1") == "Mất kết nối", timeout=WITHIN_REFRESH_MS
            )
            assert shown_states(view)["DTV2"] == "Đang rảnh"  # its heartbeats keep it fresh
            table = view.operators_table
            row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "DTV1")
            assert "bàn này không báo tin từ" in table.item(row, 1).toolTip()
            view.grab().save("/tmp/dashboard_presence_lost.png")
        finally:
            alive.stop()  # closed properly: it said "offline", it is not lost
        qtbot.waitUntil(lambda: shown_states(view).get("DTV2") == "Ngoại tuyến", timeout=WITHIN_REFRESH_MS)
        died.close()
    finally:
        remove_translations(qapp, translators)


def test_a_desk_whose_password_the_server_refuses_does_not_try_again_every_few_seconds(server):
    logins: list[str] = []

    class CountingClient(PresenceClient):
        def login(self, username, password, desk):  # type: ignore[no-untyped-def]
            logins.append(username)
            return super().login(username, password, desk)

    login = Login(server.base, "dtv1")
    credentials = Credentials(MemoryKeyring())
    credentials.remember(login, password="khong-dung")
    publisher = PresencePublisher(
        ServerLink(lambda: login, lambda: credentials, DeskIdentity("desk-wrong", "k" * 32), CountingClient),
        heartbeat=30,
        retry=0.05,
    )
    publisher.set_state(PresenceState.REGISTERED)
    publisher.start()
    deadline = time.monotonic() + 5
    while not publisher.last_error and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # ten retry periods
    assert logins == ["dtv1"]  # once, not every 0.05 s: it waits for the next change or heartbeat
    assert "mật khẩu" in publisher.last_error
    publisher.stop()


def test_an_outbound_call_is_on_a_call_from_the_dial_and_a_wrap_up_closed_by_escape_is_idle(
    qtbot, server, make_whole_desk, kamailio, sipp
):
    operator = make_whole_desk("dtv2", sip_user="1003", lab=kamailio)
    supervisor = PresenceClient(server.base)
    token = supervisor.login("giamsat", PASSWORD, DeskIdentity("supervisor-desk", "k" * 32)).token

    def on_server() -> str:
        return {e.username: e.state.value for e in supervisor.read(token).entries}.get("dtv2", "")

    qtbot.waitUntil(lambda: on_server() == "registered", timeout=8000)
    trunk = sipp.uas("uas_trunk.xml", kamailio.trunk_port)
    assert operator.phone.dial("0907654321")
    qtbot.waitUntil(lambda: on_server() == "on_call", timeout=5000)  # dialling already counts
    qtbot.waitUntil(lambda: operator.phone.controls.keypad.isEnabled(), timeout=5000)  # answered
    operator.phone.hang_up(operator.phone.active_call)
    qtbot.waitUntil(lambda: operator.phone.wrap_up_dialog is not None, timeout=5000)
    qtbot.waitUntil(lambda: on_server() == "wrap_up", timeout=5000)
    qtbot.keyClick(operator.phone.wrap_up_dialog, Qt.Key.Key_Escape)  # closed without choosing
    qtbot.waitUntil(lambda: on_server() == "idle", timeout=5000)
    assert trunk.wait(10) == 0, trunk.output()
    supervisor.close()


def test_a_desk_signed_in_again_as_someone_else_reports_the_first_account_offline_not_lost(server):
    accounts = {name: Login(server.base, name) for name in ("dtv1", "dtv2")}
    credentials = Credentials(MemoryKeyring())
    for login in accounts.values():
        credentials.remember(login, password=PASSWORD)
    current = {"login": accounts["dtv1"]}
    publisher = PresencePublisher(
        ServerLink(lambda: current["login"], lambda: credentials, DeskIdentity("desk-shared", "k" * 32)),
        heartbeat=0.1,
        retry=0.1,
    )
    supervisor = PresenceClient(server.base)
    token = supervisor.login("giamsat", PASSWORD, DeskIdentity("supervisor-desk", "k" * 32)).token

    def on_server() -> dict[str, tuple[str, str]]:
        return {e.username: (e.state.value, e.detail) for e in supervisor.read(token).entries}

    publisher.set_state(PresenceState.IDLE)
    publisher.start()
    try:
        deadline = time.monotonic() + 5
        while on_server().get("dtv1", ("",))[0] != "idle" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert on_server()["dtv1"] == ("idle", "")
        current["login"] = accounts["dtv2"]  # Máy chủ ▸ Đăng nhập máy chủ… as dtv2 on the same desk
        deadline = time.monotonic() + 5
        while "dtv2" not in on_server() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert on_server() == {
            "dtv1": ("offline", "Bàn đã đăng nhập tài khoản khác."),
            "dtv2": ("idle", ""),
        }
    finally:
        publisher.stop()
        supervisor.close()
