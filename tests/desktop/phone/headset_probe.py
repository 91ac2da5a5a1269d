"""Run by test_sound_devices.py in its own process (PULSE_SERVER set before Qt looks for devices).

Plays the ringtone, then a call's audio handed in by a thread that stands in for the SIP media thread, on
the PulseAudio device the test made; `parec` records what reached the device, the desk's own QAudioSource
captures it back through a loop source. Prints one JSON object.
"""

from __future__ import annotations

import json
import math
import os
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop.services.phone.sip_password import SipPasswordStore
from desktop.settings import Settings
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.audio import CallAudioDevice, MediaDevices, Ringer
from desktop.ui.phone.sip_settings_dialog import SipSettingsDialog

RATE = 8000
CALL_TONE_HZ = 440.0
FREQUENCIES = [300.0, 440.0, 660.0, 880.0, 1000.0]


class NoKeyring:
    priority = 1

    def get_password(self, service: str, user: str) -> str | None:
        return None

    def set_password(self, service: str, user: str, password: str) -> None:
        raise RuntimeError("no keyring in the probe")


def tone(frequency: float, seconds: float) -> bytes:
    count = int(seconds * RATE)
    return struct.pack(
        f"<{count}h", *(round(9000 * math.sin(2 * math.pi * frequency * i / RATE)) for i in range(count))
    )


def powers(pcm: bytes) -> dict[float, float]:
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm[: len(pcm) // 2 * 2])
    found = {}
    for frequency in FREQUENCIES:
        coefficient = 2 * math.cos(2 * math.pi * frequency / RATE)
        s1 = s2 = 0.0
        for value in samples:
            s1, s2 = value + coefficient * s1 - s2, s1
        found[frequency] = s1 * s1 + s2 * s2 - coefficient * s1 * s2
    return found


def strongest(pcm: bytes) -> float:
    if not pcm:
        return 0.0
    found = powers(pcm)
    return max(found, key=lambda f: found[f])


def peak(pcm: bytes) -> int:
    return max((abs(v) for v in struct.unpack(f"<{len(pcm) // 2}h", pcm[: len(pcm) // 2 * 2])), default=0)


def wait(app: QApplication, seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def record(monitor: str, path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["parec", "-d", monitor, "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1", str(path)]
    )


def main(sink_name: str, loop_source: str, folder: Path) -> dict[str, object]:
    app = QApplication([])
    devices = MediaDevices()
    outputs, inputs = devices.outputs(), devices.inputs()
    result: dict[str, object] = {
        "outputs": [(d.id, d.description) for d in outputs],
        "inputs": [(d.id, d.description) for d in inputs],
    }
    settings = Settings(
        phone_audio_output=sink_name, phone_audio_input=loop_source, phone_ring_device=sink_name
    )

    ring_file = folder / "ring.raw"
    recorder = record(f"{sink_name}.monitor", ring_file)
    wait(app, 0.3)
    dialog = SipSettingsDialog(Settings(), SipPasswordStore(NoKeyring()), TaskRunner(), devices=devices)
    dialog.ring_combo.setCurrentIndex(dialog.ring_combo.findData(sink_name))
    result["ring_audible"] = dialog.try_ringtone()  # the account dialog's "try the ringtone" (a Ringer)
    effect = dialog.ringer._effect if dialog.ringer else None
    deadline = time.monotonic() + 8.0  # the ringtone loads asynchronously; a loaded machine is slower
    while time.monotonic() < deadline and peak(ring_file.read_bytes()[-16000:]) < 5000:
        dialog._ring_stop.start()  # keep ringing while we listen (restarts the dialog's 2 s countdown)
        wait(app, 0.25)
    result["ring_status"] = str(effect.status()) if effect is not None else ""
    wait(app, 0.5)
    dialog.stop_ringtone()
    recorder.terminate()
    recorder.wait(5)
    ringer = Ringer(settings, devices)
    result["desk_ring_audible"] = ringer.ring()  # the desk's own ringer on the saved device
    ringer.stop()
    rung = ring_file.read_bytes()
    result["ring_peak"], result["ring_strongest"] = peak(rung), strongest(rung)

    call_file = folder / "call.raw"
    recorder = record(f"{sink_name}.monitor", call_file)
    wait(app, 0.3)
    audio = CallAudioDevice(settings, devices)
    result["call_problem"] = audio.start_call()
    result["call_devices"] = [audio.output.id if audio.output else "", audio.input.id if audio.input else ""]
    sink, source = audio.sink(), audio.source()
    far_end = tone(CALL_TONE_HZ, 3.0)
    captured = bytearray()
    longest_write = [0.0]

    def media_thread() -> None:  # 20 ms frames on their clock, as the SIP media thread hands them
        start = time.monotonic()
        for index in range(len(far_end) // 320):
            began = time.perf_counter()
            sink.write(far_end[index * 320 : (index + 1) * 320])
            captured.extend(source.read(320))
            longest_write[0] = max(longest_write[0], time.perf_counter() - began)
            time.sleep(max(0.0, start + (index + 1) * 0.02 - time.monotonic()))

    thread = threading.Thread(target=media_thread, name="sip-media")
    thread.start()
    while thread.is_alive():
        wait(app, 0.05)
    wait(app, 0.5)
    audio.stop_call()
    recorder.terminate()
    recorder.wait(5)
    heard = call_file.read_bytes()
    result.update(
        far_end=len(far_end),
        played=audio.played,
        received=audio.playback.received,
        dropped=audio.playback.dropped,
        device_peak=peak(heard),
        device_strongest=strongest(heard),
        captured=len(captured),
        captured_peak=peak(bytes(captured)),
        captured_strongest=strongest(bytes(captured)),
        longest_write_ms=round(longest_write[0] * 1000, 3),
    )

    # a headset plugged in while the desk runs: the next call's device lookup sees it
    subprocess.run(
        ["pactl", "load-module", "module-null-sink", "sink_name=plugged"],
        check=True,
        capture_output=True,
    )
    wait(app, 1.0)
    result["after_plugging"] = [d.id for d in devices.outputs()]
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))))
