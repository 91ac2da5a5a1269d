"""Run by test_sound_devices.py in its own process (PULSE_SERVER set before Qt looks for devices).

A desk (main window and phone desk, real QMediaDevices) with one recorded past call of a 440 Hz tone from a
number that now rings: the pop-up shows the call, F4 is pressed in it; `parec` records what reached the
headset (which is also the ringing device). Then it is played again and the call refused with Esc. Prints
one JSON object: what was heard, what the pop-up showed, and the access records written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from headset_probe import peak, powers, tone, wait
from memory_keyring import MemoryKeyring
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import text
from store_keys import open_test_store

from desktop.desk import Desk
from desktop.domain.clock import now_vn
from desktop.domain.codes import CallDirection, CallOutcome
from desktop.services.phone.calls import CallLog
from desktop.services.phone.recording_vault import EncryptedRecorder, RecordingKey
from desktop.services.phone.recordings import register_recording
from desktop.services.phone.session import RecordingPolicy
from desktop.services.phone.sip_password import SipPasswordStore
from desktop.settings import Settings
from desktop.telephony import IncomingCall
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.audio import MediaDevices
from desktop.ui.phone.desk import PhoneDesk
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.translations import install_translations
from desktop.ui.tickets.form import UnsavedChoice

SCREENSHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots" / "recordings"
NUMBER = "0912345678"


def wait_until(app: QApplication, condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        wait(app, 0.05)
    return False


def main(sink_name: str, folder: Path) -> dict[str, object]:
    app = QApplication([])
    install_translations(app)
    store = open_test_store(folder / "desk")
    key = RecordingKey(MemoryKeyring()).get_or_create()
    opened = Desk.open(store, "kiem.thu")
    session = opened.open_phone(RecordingPolicy(enabled=True, folder=folder / "rec", key=key))
    calls = CallLog(store, "kiem.thu")
    log_id = calls.started(NUMBER, CallDirection.INBOUND)
    calls.finished(log_id, CallOutcome.ANSWERED)
    (folder / "rec").mkdir()
    recorder = EncryptedRecorder(folder / "rec" / "call.rec", key)
    recorder.write(tone(440.0, 2.0))
    recorder.close()
    register_recording(store, log_id, folder / "rec" / "call.rec", now_vn())

    runner = TaskRunner()
    window = MainWindow(
        opened,
        None,
        runner,
        confirm_unsaved=lambda _w: UnsavedChoice.DISCARD,
    )
    settings = Settings(operator="kiem.thu", phone_audio_output=sink_name, phone_ring_device=sink_name)
    desk = PhoneDesk(
        window, opened, settings, SipPasswordStore(MemoryKeyring()), runner, devices=MediaDevices()
    )
    window.resize(1366, 768)
    window.show()
    popup = desk.popup
    ringing = session.on_incoming(
        IncomingCall("sip-ringing", NUMBER, "", f"sip:{NUMBER}@tong-dai", "From", time.monotonic())
    )
    desk.on_bridge_call_ringing(ringing)
    wait_until(app, popup.isActiveWindow, 10)
    rang_before = desk.ringer.ringing

    heard_file = folder / "heard.raw"
    stopped: list[bool] = []
    desk.player.stopped.connect(lambda: stopped.append(True))
    QTest.keyClick(popup, Qt.Key.Key_F4)
    wait_until(app, lambda: desk.player.playing, 10)
    rang_while_playing = desk.ringer.ringing
    recorder_process = subprocess.Popen(
        ["parec", "-d", f"{sink_name}.monitor", "--raw", "--format=s16le", "--rate=8000", "--channels=1",
         str(heard_file)]
    )  # fmt: skip
    button_text = popup.play_button.text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    popup.grab().save(str(SCREENSHOTS / "popup-playing.png"))
    wait_until(app, lambda: bool(stopped), 15)
    wait(app, 0.3)
    recorder_process.terminate()
    recorder_process.wait(5)
    heard = heard_file.read_bytes()
    found = powers(heard)
    result: dict[str, object] = {
        "rang_before": rang_before,
        "rang_while_playing": rang_while_playing,
        "button_playing": button_text,
        "stopped": bool(stopped),
        "button_after": popup.play_button.text(),
        "rings_again": desk.ringer.ringing,
        "heard_peak": peak(heard),
        "tone_share": found[440.0] / max(sum(found.values()), 1.0),
        "notice": popup.recording_notice.text(),
    }
    # played again, then the call refused with Esc: the recording goes with the pop-up
    stopped.clear()
    QTest.keyClick(popup, Qt.Key.Key_F4)
    wait_until(app, lambda: desk.player.playing, 10)
    result["playing_again"] = desk.player.playing
    QTest.keyClick(popup, Qt.Key.Key_Escape)
    result["stopped_by_refusal"] = bool(stopped) and not desk.player.playing and not popup.isVisible()
    result["rings_after_refusal"] = desk.ringer.ringing
    # two citizens ring; the recording is played from the latest's pop-up, which is refused: the pop-up
    # turns to the other citizen, and the first one's recording stops with its call
    for call_id in ("sip-a", "sip-b"):
        desk.on_bridge_call_ringing(
            session.on_incoming(
                IncomingCall(call_id, NUMBER, "", f"sip:{NUMBER}@tong-dai", "From", time.monotonic())
            )
        )
    wait_until(app, popup.isActiveWindow, 10)
    QTest.keyClick(popup, Qt.Key.Key_F4)
    wait_until(app, lambda: desk.player.playing, 10)
    result["playing_for_b"] = desk.player.playing and popup.ringing is not None and popup.ringing.sip_call_id
    QTest.keyClick(popup, Qt.Key.Key_Escape)
    result["after_b_refused"] = {
        "playing": desk.player.playing,
        "shown": popup.ringing.sip_call_id if popup.ringing is not None and popup.isVisible() else "",
        "button": popup.play_button.text(),
        "rings": desk.ringer.ringing,
    }
    assert session.access.flush()
    with store.engine.connect() as connection:
        result["looks"] = [
            list(row)
            for row in connection.execute(text("SELECT subject, screen, reason FROM access_log ORDER BY at"))
        ]
    result["plain_files"] = [
        str(p) for p in folder.rglob("*") if p.is_file() and tone(440.0, 2.0)[8000:12000] in p.read_bytes()
    ]
    desk.stop()
    runner.wait_for_done(5000)
    opened.close()
    store.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], Path(sys.argv[2])), ensure_ascii=False))
