"""The headset and the ringtone on a real sound server: a private PulseAudio with a null sink (the 'headset')
and a loop source on its monitor (the 'microphone'), started by the test; the desk runs in its own process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_tools import lab_tool_missing

ROOT = Path(__file__).resolve().parents[3]
PROBE = Path(__file__).with_name("headset_probe.py")
SINK, LOOP = "headset", "loopmic"


@pytest.fixture
def pulse_server(tmp_path: Path) -> Iterator[str]:
    missing = [tool for tool in ("pulseaudio", "parec", "pactl") if shutil.which(tool) is None]
    if missing:
        lab_tool_missing(f"PulseAudio missing: {missing} (apt-get install -y pulseaudio pulseaudio-utils)")
    runtime = tmp_path / "pulse"
    runtime.mkdir()
    socket = runtime / "native"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(runtime)}
    server = subprocess.Popen(
        [
            "pulseaudio",
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            "--disable-shm=yes",
            "-L",
            f"module-native-protocol-unix socket={socket} auth-anonymous=1",
            "-L",
            f"module-null-sink sink_name={SINK} sink_properties=device.description=Tai-nghe-thu",
            "-L",
            f"module-remap-source master={SINK}.monitor source_name={LOOP} "
            "source_properties=device.description=Micro-thu",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    address = f"unix:{socket}"
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            probe = subprocess.run(
                ["pactl", "list", "short", "sources"],
                env={**env, "PULSE_SERVER": address},
                capture_output=True,
                text=True,
            )
            if LOOP in probe.stdout:
                break
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            time.sleep(0.1)
        else:
            pytest.fail("PulseAudio did not come up within 10 s")
        yield address
    finally:
        server.terminate()
        server.wait(5)


def test_the_ringtone_and_the_call_are_heard_on_the_chosen_headset_and_its_microphone_is_captured(
    pulse_server: str, tmp_path: Path
):
    env = {
        **os.environ,
        "PULSE_SERVER": pulse_server,
        "PYTHONPATH": str(ROOT),
        "QT_QPA_PLATFORM": "offscreen",
        "QT_LOGGING_RULES": "qt.multimedia.*=false",
    }
    run = subprocess.run(
        [sys.executable, str(PROBE), SINK, LOOP, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])

    assert found["outputs"] == [[SINK, "Tai-nghe-thu"]] and found["inputs"] == [[LOOP, "Micro-thu"]]
    # 'try the ringtone' in the account dialog rang the chosen device: its bursts are 660 + 880 Hz
    assert found["ring_audible"] is True and found["desk_ring_audible"] is True
    assert found["ring_peak"] > 5000, found
    assert found["ring_strongest"] in (660.0, 880.0)
    # the far end's 440 Hz, handed in 20 ms frames by a stand-in media thread, reached the headset...
    assert found["call_problem"] == "" and found["call_devices"] == [SINK, LOOP]
    assert found["device_peak"] > 5000 and found["device_strongest"] == 440.0
    # >= 0.3 s of 3 s played: a null sink may start a second late, and older audio is dropped, not queued
    assert found["played"] >= 4800
    assert found["received"] == found["far_end"] and found["played"] + found["dropped"] <= found["received"]
    # ...and came back through the desk's QAudioSource into what we send to the caller
    assert found["captured"] > 1600 and found["captured_peak"] > 5000 and found["captured_strongest"] == 440.0
    assert found["longest_write_ms"] < 5  # the media thread never waited on the GUI thread
    assert found["after_plugging"] == [SINK, "plugged"]  # no restart needed for a new headset


def test_a_recording_played_from_the_caller_history_is_heard_on_the_headset(
    pulse_server: str, tmp_path: Path
):
    env = {
        **os.environ,
        "PULSE_SERVER": pulse_server,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests"), str(PROBE.parent)]),
        "QT_QPA_PLATFORM": "offscreen",
        "QT_LOGGING_RULES": "qt.multimedia.*=false",
    }
    run = subprocess.run(
        [sys.executable, str(PROBE.with_name("recording_probe.py")), SINK, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])
    # the play button of the history decrypted the call in memory and played its 440 Hz to the headset
    assert found["heard_peak"] > 5000 and found["heard_strongest"] == 440.0, found
    assert (
        found["bar_visible"]
        and "Đang phát bản ghi cuộc gọi" in found["bar_text"]
        and "/ 00:02" in found["bar_text"]
    )
    # at the end the bar goes and the decrypted audio leaves memory
    assert found["stopped"] and not found["bar_after"], run.stderr[-2000:]
    assert found["listened"] == [["+84912345678", "history_panel", "recording"]]
    assert found["plain_files"] == [] and found["message"] == ""


def test_a_past_calls_recording_played_from_the_ringing_pop_up_is_heard_and_goes_with_the_pop_up(
    pulse_server: str, tmp_path: Path
):
    env = {
        **os.environ,
        "PULSE_SERVER": pulse_server,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests"), str(PROBE.parent)]),
        "QT_QPA_PLATFORM": "offscreen",
        "QT_LOGGING_RULES": "qt.multimedia.*=false",
    }
    run = subprocess.run(
        [sys.executable, str(PROBE.with_name("popup_recording_probe.py")), SINK, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])
    # F4 in the ringing pop-up decrypted the past call in memory and played its 440 Hz to the headset; the
    # ringtone (on the same device) paused meanwhile, so what was heard is the recording
    assert found["rang_before"] and not found["rang_while_playing"], found
    assert found["heard_peak"] > 5000 and found["tone_share"] > 0.8, found
    assert found["button_playing"] == "Dừng nghe (F4)" and found["notice"] == ""
    # at its end the pop-up offers it again and the call rings again: it is still not answered
    assert found["stopped"] and found["button_after"] == "Nghe bản ghi (F4)" and found["rings_again"]
    # refusing the call (Esc) stops a recording played from its pop-up
    assert found["playing_again"] and found["stopped_by_refusal"] and not found["rings_after_refusal"]
    # a second citizen waiting: refusing the first turns the pop-up to them, and the recording stops too
    assert found["playing_for_b"] == "sip-b"
    assert found["after_b_refused"] == {
        "playing": False,
        "shown": "sip-a",
        "button": "Nghe bản ghi (F4)",
        "rings": True,
    }
    looks = [look for look in found["looks"] if look[1:] == ["ringing_popup", "recording"]]
    assert len(looks) == 3 and all(look[0] == "+84912345678" for look in looks)
    assert found["plain_files"] == []


def sound_check(data_dir: Path, pulse: str) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "doctor", "--json", "--no-network"],
        cwd=ROOT,
        env={**os.environ, "PULSE_SERVER": pulse, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return next(check for check in json.loads(done.stdout) if check["key"] == "sound")


def test_doctor_finds_the_headset_and_microphone_of_the_sound_server(
    pulse_server: str, tmp_path: Path
) -> None:
    found = sound_check(tmp_path / "data", pulse_server)
    assert found["status"] == "ok", found
    assert "loa/tai nghe" in found["detail"] and "micrô" in found["detail"]


def test_doctor_without_a_sound_server_says_to_plug_a_headset(tmp_path: Path) -> None:
    found = sound_check(tmp_path / "data", f"unix:{tmp_path / 'no-such-socket'}")
    assert found["status"] == "warn", found
    assert "tai nghe có micrô" in found["advice"]
