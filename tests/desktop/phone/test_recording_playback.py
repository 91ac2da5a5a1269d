"""Listening to a call's recording on the desk: the caller history marks recorded calls, its play button
decrypts the recording into memory only and plays it, each listen is on the access record; without a
sound device the desk says so in Vietnamese and goes on."""

from __future__ import annotations

import math
import os
import struct
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from memory_keyring import MemoryKeyring
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from sqlalchemy import text

from desktop.desk import Desk
from desktop.domain.clock import now_vn
from desktop.domain.codes import CallDirection, CallOutcome
from desktop.services.phone.calls import CallLog
from desktop.services.phone.listening import NoRecording
from desktop.services.phone.recording_vault import EncryptedRecorder, RecordingError, RecordingKey
from desktop.services.phone.recordings import register_recording
from desktop.services.phone.session import PhoneSession, RecordingPolicy
from desktop.services.phone.sip_password import SipPasswordStore
from desktop.services.tickets.caller_history import CallerHistoryService
from desktop.settings import Settings
from desktop.store.local import LocalStore
from desktop.telephony import IncomingCall
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.audio import SoundDevice
from desktop.ui.phone.desk import PhoneDesk
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.translations import install_translations, remove_translations
from desktop.ui.tickets.form import UnsavedChoice

from .test_phone_audio import ListedDevices

SCREENSHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots" / "recordings"
NUMBER = "0912345678"


def tone(frequency: float = 440.0, seconds: float = 1.5, rate: int = 8000) -> bytes:
    count = int(seconds * rate)
    return struct.pack(
        f"<{count}h", *(round(9000 * math.sin(2 * math.pi * frequency * i / rate)) for i in range(count))
    )


TONE = tone()


def recorded_call(store: LocalStore, folder: Path, key: bytes, phone: str = NUMBER) -> str:
    """A finished call whose far end was recorded, sealed as the phone session seals it."""
    calls = CallLog(store, "kiem.thu")
    log_id = calls.started(phone, CallDirection.INBOUND, at=now_vn() - timedelta(hours=1))
    calls.finished(log_id, CallOutcome.ANSWERED)
    folder.mkdir(parents=True, exist_ok=True)
    recorder = EncryptedRecorder(folder / f"{log_id}.rec", key)
    recorder.write(TONE)
    recorder.close()
    register_recording(store, log_id, folder / f"{log_id}.rec", now_vn())
    return log_id


def unrecorded_call(store: LocalStore, phone: str = NUMBER) -> str:
    calls = CallLog(store, "kiem.thu")
    log_id = calls.started(phone, CallDirection.INBOUND, at=now_vn() - timedelta(hours=2))
    calls.finished(log_id, CallOutcome.ABANDONED)
    return log_id


def listens(store: LocalStore) -> list[tuple[str, str, str, str]]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT subject_kind, subject, screen, reason FROM access_log WHERE reason = 'recording'")
        )
        return [tuple(row) for row in rows]


def files_holding(root: Path, needle: bytes, since: float) -> list[Path]:
    """Files under `root` written since `since` that hold `needle` (others' folders may come and go)."""
    found = []
    for folder, _dirs, names in os.walk(root, onerror=lambda _error: None):
        for name in names:
            path = Path(folder, name)
            try:
                fresh = path.stat().st_mtime >= since and path.stat().st_size < 64_000_000
                if fresh and needle in path.read_bytes():
                    found.append(path)
            except OSError:
                continue
    return found


@pytest.fixture
def key() -> bytes:
    return RecordingKey(MemoryKeyring()).get_or_create()


@pytest.fixture
def opened(store: LocalStore, tmp_path: Path, key: bytes) -> Iterator[Desk]:
    """The desk over the test's store, its phone session recording with the test's key."""
    desk = Desk.open(store, "kiem.thu")
    desk.open_phone(RecordingPolicy(enabled=True, folder=tmp_path / "recordings", key=key))
    yield desk
    desk.close()


@pytest.fixture
def session(opened: Desk) -> PhoneSession:
    assert opened.phone is not None
    return opened.phone


# -- the service: decrypted in memory, on the record ----------------------------------------------------
def test_a_recording_is_heard_from_memory_and_the_listen_is_on_the_access_record(
    store: LocalStore, session: PhoneSession, tmp_path: Path, key: bytes
) -> None:
    started = time.time()
    log_id = recorded_call(store, tmp_path / "recordings", key)
    other = unrecorded_call(store)
    calls = {call.id: call.recorded for call in CallerHistoryService(store).lookup(NUMBER).calls}
    assert calls == {log_id: True, other: False}

    assert session.listening.open(log_id, "history_panel") == TONE
    assert session.access.flush()
    assert listens(store) == [("phone", "+84912345678", "history_panel", "recording")]
    with store.engine.connect() as connection:
        pushed = (
            connection.execute(text("SELECT payload FROM outbox WHERE entity = 'access'")).scalars().all()
        )
    assert any('"reason": "recording"' in payload for payload in pushed)  # the server's trail gets it
    needle = TONE[8000:12000]  # a quarter second of what was heard: nowhere on disk in the clear
    assert files_holding(tmp_path, needle, started - 1) == []
    assert files_holding(Path(tempfile.gettempdir()), needle, started - 1) == []


def test_no_recording_or_a_recording_this_desk_cannot_open_is_said_and_leaves_no_record(
    store: LocalStore, session: PhoneSession, tmp_path: Path, key: bytes
) -> None:
    with pytest.raises(NoRecording, match="không có bản ghi âm"):
        session.listening.open(unrecorded_call(store), "history_panel")
    foreign = recorded_call(store, tmp_path / "recordings", RecordingKey(MemoryKeyring()).get_or_create())
    with pytest.raises(RecordingError, match="không giải mã được"):
        session.listening.open(foreign, "history_panel")
    session.recordings.key = None  # the keyring not read yet
    with pytest.raises(NoRecording, match="khóa bản ghi âm"):
        session.listening.open(recorded_call(store, tmp_path / "recordings", key), "history_panel")
    assert session.access.flush() and listens(store) == []


# -- the desk ------------------------------------------------------------------------------------------
@pytest.fixture
def vietnamese(qapp: Any) -> Iterator[None]:
    translators = install_translations(qapp)
    yield
    remove_translations(qapp, translators)


def phone_desk(qtbot: Any, opened: Desk, devices: Any) -> tuple[MainWindow, PhoneDesk]:
    runner = TaskRunner()
    window = MainWindow(
        opened,
        None,
        runner,
        confirm_unsaved=lambda _w: UnsavedChoice.DISCARD,
    )
    qtbot.addWidget(window)
    desk = PhoneDesk(
        window,
        opened,
        Settings(operator="kiem.thu"),
        SipPasswordStore(MemoryKeyring()),
        runner,
        devices=devices,
    )
    window.resize(1366, 768)
    window.show()
    return window, desk


def show_history(qtbot: Any, window: MainWindow) -> None:
    with qtbot.waitSignal(window.history.history_shown, timeout=10000):
        window.form.phone_edit.setText(NUMBER)


def test_the_history_marks_recorded_calls_and_its_play_button_asks_for_the_newest_or_the_selected(
    qtbot: Any,
    store: LocalStore,
    session: PhoneSession,
    opened: Desk,
    tmp_path: Path,
    key: bytes,
    vietnamese: None,
) -> None:
    older = recorded_call(store, tmp_path / "recordings", key)
    unrecorded_call(store)
    newest = recorded_call(store, tmp_path / "recordings", key)
    window, desk = phone_desk(qtbot, opened, ListedDevices([], []))
    panel = window.history
    show_history(qtbot, window)
    assert panel.play_button.isVisible() and panel.play_button.text() == "Nghe bản ghi"
    marked = [
        not panel.calls_view.topLevelItem(i).icon(0).isNull()
        for i in range(panel.calls_view.topLevelItemCount())
    ]
    assert marked == [True, True, False]  # newest first: the two recorded calls carry the play mark
    asked: list[str] = []
    panel.recording_requested.connect(asked.append)
    panel.play_button.click()
    panel.calls_view.setCurrentItem(panel.calls_view.topLevelItem(1))
    panel.play_button.click()
    panel.on_calls_view_item_activated(panel.calls_view.topLevelItem(2))  # Enter on a call without one
    assert asked == [newest, older]
    desk.stop()


def test_without_a_sound_device_the_desk_says_so_and_goes_on(
    qtbot: Any,
    store: LocalStore,
    session: PhoneSession,
    opened: Desk,
    tmp_path: Path,
    key: bytes,
    vietnamese: None,
) -> None:
    recorded_call(store, tmp_path / "recordings", key)
    window, desk = phone_desk(qtbot, opened, ListedDevices([], []))
    show_history(qtbot, window)
    window.history.play_button.click()
    message = window.statusBar().currentMessage()
    assert "không có thiết bị âm thanh" in message and "không phát được bản ghi âm" in message
    assert not desk.player.playing and not desk.recording_bar.isVisible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SCREENSHOTS / "no-sound-device.png"))
    assert session.access.flush() and listens(store) == []  # nothing was decrypted, nobody listened
    window.form.phone_edit.setText("0987 000 111")  # the desk goes on: the history follows the form
    qtbot.waitUntil(lambda: window.history.current is None or window.history.current.phone == "+84987000111")
    desk.stop()


def test_a_listed_headset_that_will_not_open_is_named_and_the_desk_goes_on(
    qtbot: Any,
    store: LocalStore,
    session: PhoneSession,
    opened: Desk,
    tmp_path: Path,
    key: bytes,
    vietnamese: None,
) -> None:
    recorded_call(store, tmp_path / "recordings", key)
    headset = SoundDevice("usb-headset-out", "Tai nghe USB", is_default=True)
    window, desk = phone_desk(qtbot, opened, ListedDevices([headset], []))
    show_history(qtbot, window)
    window.history.play_button.click()
    qtbot.waitUntil(lambda: "Tai nghe USB" in window.statusBar().currentMessage(), timeout=10000)
    assert "không phát được bản ghi âm" in window.statusBar().currentMessage()
    assert not desk.player.playing
    desk.stop()


def test_a_call_ringing_takes_the_headset_from_the_player(
    qtbot: Any,
    store: LocalStore,
    session: PhoneSession,
    opened: Desk,
    tmp_path: Path,
    key: bytes,
    vietnamese: None,
) -> None:
    recorded_call(store, tmp_path / "recordings", key)
    window, desk = phone_desk(qtbot, opened, ListedDevices([], []))
    desk.active_call = "sip-on-the-line"
    show_history(qtbot, window)
    window.history.play_button.click()
    assert "nghe bản ghi sau khi cuộc gọi kết thúc" in window.statusBar().currentMessage()
    desk.active_call = None
    desk.stop()


# -- the ringing pop-up --------------------------------------------------------------------------------
def ring(qtbot: Any, desk: PhoneDesk, session: PhoneSession, sip_call_id: str = "sip-ringing") -> None:
    """A call from NUMBER rings: the session reads its history as on the SIP thread, the desk shows it."""
    ringing = session.on_incoming(
        IncomingCall(sip_call_id, NUMBER, "", f"sip:{NUMBER}@tong-dai", "From", time.monotonic())
    )
    desk.on_bridge_call_ringing(ringing)
    qtbot.waitUntil(desk.popup.isActiveWindow)  # raised and focused: its keys are the operator's


def test_the_pop_up_marks_the_callers_recorded_calls_and_plays_the_chosen_one_by_keyboard(
    qtbot: Any,
    store: LocalStore,
    session: PhoneSession,
    opened: Desk,
    tmp_path: Path,
    key: bytes,
    vietnamese: None,
) -> None:
    older = recorded_call(store, tmp_path / "recordings", key)
    unrecorded_call(store)
    newest = recorded_call(store, tmp_path / "recordings", key)
    _window, desk = phone_desk(qtbot, opened, ListedDevices([], []))
    popup = desk.popup
    asked: list[str] = []
    popup.recording_requested.connect(asked.append)
    ring(qtbot, desk, session)
    assert popup.play_button.isVisible() and popup.play_button.text() == "Nghe bản ghi (F4)"
    assert popup.recorded_rows() == [0, 1]  # newest first: the two recorded calls carry the play mark
    assert [not popup.calls_view.topLevelItem(i).icon(0).isNull() for i in range(3)] == [True, True, False]
    qtbot.keyClick(popup, Qt.Key.Key_F4)  # nothing chosen: the newest recorded call, now highlighted
    assert popup.calls_view.indexOfTopLevelItem(popup.calls_view.currentItem()) == 0
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_F4)  # the second row: the older recorded call
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)  # the last row stays chosen
    qtbot.keyClick(popup, Qt.Key.Key_F4)  # the third row was not recorded: the newest again
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Up)
    qtbot.keyClick(popup, Qt.Key.Key_F4)  # down then up: the first row again
    assert asked == [newest, older, newest, newest]
    assert popup.ringing is not None and popup.answer_button.isEnabled()  # still ringing, not answered
    desk.stop()


def test_a_pop_up_without_a_sound_device_says_so_in_vietnamese_and_keeps_ringing(
    qtbot: Any,
    store: LocalStore,
    session: PhoneSession,
    opened: Desk,
    tmp_path: Path,
    key: bytes,
    vietnamese: None,
) -> None:
    recorded_call(store, tmp_path / "recordings", key)
    window, desk = phone_desk(qtbot, opened, ListedDevices([], []))
    ring(qtbot, desk, session)
    popup = desk.popup
    qtbot.keyClick(popup, Qt.Key.Key_F4)
    notice = popup.recording_notice
    assert notice.isVisible() and "không có thiết bị âm thanh" in notice.text()
    assert "không phát được bản ghi âm" in notice.text()
    assert not desk.player.playing and popup.isVisible() and popup.answer_button.isEnabled()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    popup.grab().save(str(SCREENSHOTS / "popup-no-sound-device.png"))
    screen = window.grab()  # what the operator sees: the desk at 1366x768, the pop-up over its middle
    painter = QPainter(screen)
    painter.drawPixmap((1366 - popup.width()) // 2, (768 - popup.height()) // 2, popup.grab())
    painter.end()
    screen.save(str(SCREENSHOTS / "popup-over-the-desk-1366x768.png"))
    assert session.access.flush()
    assert listens(store) == []  # nothing was decrypted, nobody listened (the ring's own look is there)
    desk.stop()


def test_the_pop_up_refuses_to_play_while_another_call_is_on(
    qtbot: Any,
    store: LocalStore,
    session: PhoneSession,
    opened: Desk,
    tmp_path: Path,
    key: bytes,
    vietnamese: None,
) -> None:
    recorded_call(store, tmp_path / "recordings", key)
    _window, desk = phone_desk(qtbot, opened, ListedDevices([], []))
    desk.active_call = "sip-on-the-line"  # a second call rings while the first is on
    ring(qtbot, desk, session)
    qtbot.keyClick(desk.popup, Qt.Key.Key_F4)
    assert "Đang có cuộc gọi" in desk.popup.recording_notice.text() and not desk.player.playing
    desk.active_call = None
    desk.stop()


def test_the_pop_up_fits_a_1366_by_768_screen_and_a_caller_without_recordings_shows_no_play_button(
    qtbot: Any, store: LocalStore, session: PhoneSession, opened: Desk, vietnamese: None
) -> None:
    unrecorded_call(store)
    _window, desk = phone_desk(qtbot, opened, ListedDevices([], []))
    ring(qtbot, desk, session)
    popup = desk.popup
    assert popup.width() <= 1366 and popup.height() <= 768
    assert not popup.play_button.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_F4)
    assert popup.recording_notice.text() == "Các cuộc gọi trước của người này đều không có bản ghi âm."
    desk.stop()
