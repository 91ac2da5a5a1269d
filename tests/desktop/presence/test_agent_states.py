"""Agent states with a reason and after-call work (issue #12 point 9): chosen on a real desk with its keys,
refused calls through the suite's Kamailio (sipp), seen on the supervisor's dashboard through the REAL
server (PostgreSQL + uvicorn), shown by the real dashboard widget offscreen."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from phone.conftest import HOTLINE_USER
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from server_lab import PASSWORD

from desktop.domain.agent_state import AFTER_CALL_GUARD_S, AgentState, chosen_states
from desktop.store.local import DeskIdentity
from desktop.sync.client import SyncError
from desktop.sync.presence import PRESENCE_PATH, PresenceClient
from desktop.telephony import RegistrationState
from desktop.ui.shell.dialogs import ShortcutsDialog
from desktop.ui.shell.translations import install_translations, remove_translations

SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"
ALT = Qt.KeyboardModifier.AltModifier


def caller(number: str) -> list[str]:
    return ["-s", "1022", "-key", "caller", number, "-key", "display", "A", "-key", "pai", number,
            "-key", "codecs", "8 101"]  # fmt: skip


def operator_row(view, who: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The dashboard's operators table, the row of `who` (full name): heading → text."""
    table = view.operators_table
    if view.operators_stack.currentWidget() is not table:
        return {}
    headings = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == who:
            return {headings[c]: table.item(row, c).text() for c in range(table.columnCount())} | {
                "tip": table.item(row, 1).toolTip()
            }
    return {}


def seconds(text: str) -> int:
    minutes, secs = text.split(":")[-2:]
    return int(minutes) * 60 + int(secs)


def registered(desk) -> bool:  # type: ignore[no-untyped-def]
    registration = desk.phone.registration
    return registration is not None and registration.state is RegistrationState.REGISTERED


def activate(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The operator's window in front (its shortcuts are window shortcuts), not the dashboard's."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def save_shot(view, name: str) -> None:  # type: ignore[no-untyped-def]
    view.resize(1366, 768)
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / name))


def test_a_break_taken_with_its_key_shows_on_the_dashboard_with_reason_and_duration_and_calls_get_busy_unrung(
    qtbot, qapp, make_whole_desk, kamailio, sipp
):
    translators = install_translations(qapp)
    try:
        operator = make_whole_desk("dtv1", sip_user=HOTLINE_USER, lab=kamailio)
        supervisor = make_whole_desk("giamsat")
        view = supervisor.window.supervisor.open_dashboard()
        view.timer.setInterval(500)  # the durations are what is tested here, not the refresh period
        qtbot.waitUntil(lambda: registered(operator), timeout=8000)
        qtbot.waitUntil(
            lambda: operator_row(view, "DTV1").get("Trạng thái") == "Đã đăng ký tổng đài", timeout=8000
        )

        activate(qtbot, operator.window)
        qtbot.keyClick(operator.window.form.content_edit, Qt.Key.Key_1, ALT)  # Nghỉ giải lao
        readiness = operator.phone.readiness
        assert readiness.state is AgentState.BREAK and readiness.refusing
        assert operator.phone.agent is not None and operator.phone.agent.do_not_disturb == 486
        assert readiness.button.text().startswith("Nghỉ giải lao · 00:0")  # the status bar says so
        listed = ShortcutsDialog(operator.window.shortcut_actions(), operator.window).table  # what F1 shows
        keys = {listed.item(r, 0).text(): listed.item(r, 1).text() for r in range(listed.rowCount())}
        assert [keys[s.label] for s in chosen_states()] == ["Alt+0", "Alt+1", "Alt+2", "Alt+3", "Alt+4"]
        operator.window.resize(1366, 768)
        SHOTS.mkdir(parents=True, exist_ok=True)
        operator.window.grab().save(str(SHOTS / "desk_on_break.png"))
        qtbot.waitUntil(lambda: operator_row(view, "DTV1").get("Trạng thái") == "Nghỉ giải lao", timeout=8000)
        first = seconds(operator_row(view, "DTV1")["Kéo dài"])
        assert "chưa sẵn sàng: Nghỉ giải lao" in operator_row(view, "DTV1")["tip"]

        run = sipp.uac("uac_hotline_busy.xml", kamailio.port, *caller("0945678901"))
        assert run.wait(15) == 0, run.output()  # 486 Busy Here, and no 180: the desk never rang
        assert not operator.phone.popup.isVisible() and not operator.phone.ringer.ringing
        qtbot.waitUntil(
            lambda: seconds(operator_row(view, "DTV1").get("Kéo dài", "0:0")) >= first + 2,
            timeout=8000,
        )  # still on the break: the reason stays, its duration grows on the server's clock
        assert operator_row(view, "DTV1")["Trạng thái"] == "Nghỉ giải lao"
        save_shot(view, "dashboard_agent_break.png")

        first_agent = operator.phone.agent
        operator.phone.restart()  # the account saved again (F8), or the network changed: a new agent
        qtbot.waitUntil(
            lambda: operator.phone.agent not in (None, first_agent) and registered(operator), timeout=8000
        )
        assert operator.phone.agent.do_not_disturb == 486  # still on the break: it never rang meanwhile
        again = sipp.uac("uac_hotline_busy.xml", kamailio.port, *caller("0945678903"))
        assert again.wait(15) == 0, again.output()

        qtbot.keyClick(operator.window.form.content_edit, Qt.Key.Key_0, ALT)  # ready again
        assert readiness.state is AgentState.READY and not readiness.refusing
        assert operator.phone.agent.do_not_disturb is None
        qtbot.waitUntil(
            lambda: operator_row(view, "DTV1").get("Trạng thái") == "Đã đăng ký tổng đài", timeout=8000
        )
        rings = sipp.uac("uac_hotline_rejected.xml", kamailio.port, *caller("0945678902"))
        popup = operator.phone.popup
        qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=5000)  # it rings
        qtbot.keyClick(popup, Qt.Key.Key_Escape)
        assert rings.wait(10) == 0, rings.output()
    finally:
        remove_translations(qapp, translators)


def test_after_call_work_is_timed_in_the_wrap_up_spared_new_calls_for_its_guard_and_counted_on_the_dashboard(
    qtbot, qapp, server, make_whole_desk, kamailio, sipp
):
    translators = install_translations(qapp)
    try:
        operator = make_whole_desk("dtv1", sip_user=HOTLINE_USER, lab=kamailio)
        readiness = operator.phone.readiness
        assert readiness.after_call_guard == AFTER_CALL_GUARD_S == 30.0  # what a desk does
        readiness.after_call_guard = 3.0  # the test does not wait half a minute for the guard to end
        qtbot.waitUntil(lambda: registered(operator), timeout=8000)
        run = sipp.uac("uac_hotline_wait_bye.xml", kamailio.port, *caller("0945678901"))
        popup = operator.phone.popup
        qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=5000)
        qtbot.keyClick(popup, Qt.Key.Key_Return)  # answered
        qtbot.waitUntil(lambda: operator.phone.active_call is not None, timeout=5000)
        activate(qtbot, operator.window)
        qtbot.keyClick(operator.window.form.content_edit, Qt.Key.Key_F12)  # hung up: the wrap-up opens
        qtbot.waitUntil(lambda: operator.phone.wrap_up_dialog is not None, timeout=5000)
        assert run.wait(10) == 0, run.output()
        dialog = operator.phone.wrap_up_dialog
        assert dialog.after_call_label.text() == "Xử lý sau cuộc gọi: 00:00"
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(SHOTS / "wrap_up_after_call_timer.png"))
        assert readiness.refusing and operator.phone.agent.do_not_disturb == 486

        busy = sipp.uac("uac_hotline_busy.xml", kamailio.port, *caller("0945678902"))
        assert busy.wait(10) == 0, busy.output()  # within the guard: the next desk's call, not this one's
        qtbot.waitUntil(lambda: not readiness.refusing, timeout=5000)  # the guard is over, wrap-up or not
        assert operator.phone.agent.do_not_disturb is None and dialog.isVisible()
        assert readiness.button.text().startswith("Xử lý sau cuộc gọi · 00:0")
        qtbot.waitUntil(lambda: seconds(dialog.after_call_label.text()) >= 4, timeout=5000)
        qtbot.keyClick(dialog, Qt.Key.Key_2)  # information given: the wrap-up is done
        assert not readiness.wrap_ups

        supervisor = PresenceClient(server.base)
        token = supervisor.login("giamsat", PASSWORD, DeskIdentity("supervisor-desk", "k" * 32)).token

        def on_server():  # type: ignore[no-untyped-def]
            return {e.username: e for e in supervisor.read(token).entries}["dtv1"]

        qtbot.waitUntil(lambda: on_server().state.value == "idle", timeout=5000)
        counted = on_server().after_call_seconds_today
        assert 4.0 <= counted < 15.0, counted  # the wrap-up's time on the server's clock
        supervisor.close()

        watcher = make_whole_desk("giamsat")
        view = watcher.window.supervisor.open_dashboard()
        qtbot.waitUntil(lambda: operator_row(view, "DTV1").get("Trạng thái") == "Đang rảnh", timeout=8000)
        assert seconds(operator_row(view, "DTV1")["Sau cuộc gọi"]) == int(counted)
        save_shot(view, "dashboard_after_call_work.png")
    finally:
        remove_translations(qapp, translators)


def test_the_server_counts_after_call_work_per_operator_and_day_including_a_wrap_up_still_running(server):
    desk = PresenceClient(server.base)
    operator = desk.login("dtv2", PASSWORD, DeskIdentity("desk-acw", "k" * 32)).token
    supervisor = desk.login("giamsat", PASSWORD, DeskIdentity("supervisor-acw", "k" * 32)).token
    from protocol import PresenceState, PresenceUpdate

    def entry():  # type: ignore[no-untyped-def]
        return {e.username: e for e in desk.read(supervisor).entries}["dtv2"]

    began = time.monotonic()
    desk.publish(operator, PresenceUpdate(state=PresenceState.WRAP_UP))
    time.sleep(0.5)
    desk.publish(operator, PresenceUpdate(state=PresenceState.WRAP_UP))  # a heartbeat in the wrap-up
    time.sleep(0.5)
    running = entry().after_call_seconds_today
    assert running >= 1.0  # the open wrap-up counts as it runs
    desk.publish(operator, PresenceUpdate(state=PresenceState.IDLE))
    lasted = time.monotonic() - began
    done = entry().after_call_seconds_today
    assert 1.0 <= done <= lasted + 0.1  # once: the heartbeat neither restarted nor doubled it
    time.sleep(0.5)
    assert entry().after_call_seconds_today == done >= running  # closed: no longer growing
    desk.publish(operator, PresenceUpdate(state=PresenceState.IDLE, agent_state="hop"))
    meeting = entry()
    assert meeting.agent_state == "hop" and meeting.agent_state_since is not None
    desk.publish(operator, PresenceUpdate(state=PresenceState.IDLE, agent_state="hop"))  # a heartbeat
    assert entry().agent_state_since == meeting.agent_state_since  # the meeting began once
    for not_a_code in ("Nghỉ giải lao", "hop'; --", "x" * 41, ""):
        with pytest.raises(SyncError):  # 422: a state is a vocabulary code, never free text
            desk._send("PUT", PRESENCE_PATH, operator, json={"state": "idle", "agent_state": not_a_code})
    assert entry().agent_state == "hop"
    desk.close()


def test_a_desk_closed_on_a_break_reopens_on_it_says_so_never_rings_and_the_dashboard_keeps_its_duration(
    qtbot, qapp, make_whole_desk, kamailio, sipp
):
    translators = install_translations(qapp)
    try:
        operator = make_whole_desk("dtv1", sip_user=HOTLINE_USER, lab=kamailio)
        supervisor = make_whole_desk("giamsat")
        view = supervisor.window.supervisor.open_dashboard()
        view.timer.setInterval(500)
        qtbot.waitUntil(lambda: registered(operator), timeout=8000)
        activate(qtbot, operator.window)
        qtbot.keyClick(operator.window.form.content_edit, Qt.Key.Key_1, ALT)  # Nghỉ giải lao
        qtbot.waitUntil(
            lambda: (
                operator_row(view, "DTV1").get("Trạng thái") == "Nghỉ giải lao"
                and seconds(operator_row(view, "DTV1")["Kéo dài"]) >= 2
            ),
            timeout=8000,
        )
        before = seconds(operator_row(view, "DTV1")["Kéo dài"])

        operator.close()  # closed during the break (an update, a crash, the PC restarted)
        qtbot.waitUntil(lambda: operator_row(view, "DTV1").get("Trạng thái") == "Ngoại tuyến", timeout=8000)
        reopened = make_whole_desk("dtv1", sip_user=HOTLINE_USER, lab=kamailio)

        readiness = reopened.phone.readiness
        assert readiness.state is AgentState.BREAK and readiness.refusing
        assert readiness.actions[AgentState.BREAK].isChecked()
        label, _, lasted = readiness.button.text().partition(" · ")
        assert label == "Nghỉ giải lao" and seconds(lasted) >= before  # the break goes on, not from zero
        said = reopened.window.statusBar().currentMessage()
        assert "Nghỉ giải lao" in said and "Alt+0" in said  # the operator is told why nothing rings
        qtbot.waitUntil(lambda: registered(reopened), timeout=8000)
        assert reopened.phone.agent is not None and reopened.phone.agent.do_not_disturb == 486
        run = sipp.uac("uac_hotline_busy.xml", kamailio.port, *caller("0945678904"))
        assert run.wait(15) == 0, run.output()  # 486 Busy Here: the empty desk never rang
        assert not reopened.phone.popup.isVisible()
        qtbot.waitUntil(
            lambda: (
                operator_row(view, "DTV1").get("Trạng thái") == "Nghỉ giải lao"
                and seconds(operator_row(view, "DTV1")["Kéo dài"]) > before
            ),
            timeout=8000,
        )  # the supervisor sees the same break, its duration counted from when it began

        activate(qtbot, reopened.window)
        qtbot.keyClick(reopened.window.form.content_edit, Qt.Key.Key_0, ALT)  # back, ready
        assert readiness.state is AgentState.READY and reopened.phone.agent.do_not_disturb is None
        reopened.close()
        again = make_whole_desk("dtv1", sip_user=HOTLINE_USER, lab=kamailio)
        assert again.phone.readiness.state is AgentState.READY  # ready when closed: ready when opened
    finally:
        remove_translations(qapp, translators)
