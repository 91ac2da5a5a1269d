"""Run by test_sound_devices.py in its own process (PULSE_SERVER set before Qt looks for devices).

A desk (main window and phone desk, real QMediaDevices) with one recorded call of a 440 Hz tone: the
caller history is shown, its play button pressed; `parec` records what reached the headset. Prints one
JSON object: what was heard, what the desk showed, and the access records written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from headset_probe import peak, strongest, tone, wait
from memory_keyring import MemoryKeyring
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
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.audio import MediaDevices
from desktop.ui.phone.desk import PhoneDesk
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.translations import install_translations
from desktop.ui.tickets.form import UnsavedChoice

SCREENSHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots" / "recordings"


def main(sink_name: str, folder: Path) -> dict[str, object]:
    app = QApplication([])
    install_translations(app)
    store = open_test_store(folder / "desk")
    key = RecordingKey(MemoryKeyring()).get_or_create()
    opened = Desk.open(store, "kiem.thu")
    session = opened.open_phone(RecordingPolicy(enabled=True, folder=folder / "rec", key=key))
    calls = CallLog(store, "kiem.thu")
    log_id = calls.started("0912345678", CallDirection.INBOUND)
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
    settings = Settings(operator="kiem.thu", phone_audio_output=sink_name)
    desk = PhoneDesk(
        window, opened, settings, SipPasswordStore(MemoryKeyring()), runner, devices=MediaDevices()
    )
    window.resize(1366, 768)
    window.show()
    shown: list[object] = []
    window.history.history_shown.connect(shown.append)
    window.form.phone_edit.setText("0912345678")
    deadline = time.monotonic() + 10
    while not shown and time.monotonic() < deadline:
        wait(app, 0.05)
    heard_file = folder / "heard.raw"
    recorder_process = subprocess.Popen(
        ["parec", "-d", f"{sink_name}.monitor", "--raw", "--format=s16le", "--rate=8000", "--channels=1",
         str(heard_file)]
    )  # fmt: skip
    wait(app, 0.3)
    stopped: list[bool] = []
    desk.player.stopped.connect(lambda: stopped.append(True))
    window.history.play_button.click()
    bar_text, bar_visible = "", False
    deadline = time.monotonic() + 15
    while not stopped and time.monotonic() < deadline:
        wait(app, 0.25)
        if desk.recording_bar.isVisible():
            if not bar_visible:  # what the operator sees while it plays, kept for a look
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                window.grab().save(str(SCREENSHOTS / "playing.png"))
            bar_visible, bar_text = True, desk.recording_bar.label.text()
    wait(app, 0.5)
    recorder_process.terminate()
    recorder_process.wait(5)
    heard = heard_file.read_bytes()
    assert session.access.flush()
    with store.engine.connect() as connection:
        listened = [
            tuple(row)
            for row in connection.execute(
                text("SELECT subject, screen, reason FROM access_log WHERE reason = 'recording'")
            )
        ]
    result = {
        "message": window.statusBar().currentMessage(),
        "stopped": bool(stopped),
        "bar_visible": bar_visible,
        "bar_text": bar_text,
        "bar_after": desk.recording_bar.isVisible(),
        "heard_peak": peak(heard),
        "heard_strongest": strongest(heard),
        "listened": listened,
        "plain_files": [
            str(p)
            for p in folder.rglob("*")
            if p.is_file() and tone(440.0, 2.0)[8000:12000] in p.read_bytes()
        ],
    }
    desk.stop()
    runner.wait_for_done(5000)
    opened.close()
    store.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], Path(sys.argv[2])), ensure_ascii=False))
