"""Python 3.13 has no `audioop`, which pyVoIP imports: the desk's phone and start-up work without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from conftest import SippFactory
from telephony_lab import PASSWORDS

from desktop.telephony import audioop_fallback

ROOT = Path(__file__).resolve().parents[2]
BLOCKER = Path(__file__).with_name("no_audioop.py")


def run_without_audioop(module: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(BLOCKER), module, *args],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_blocker_really_makes_audioop_unimportable() -> None:
    check = subprocess.run(
        [sys.executable, str(BLOCKER), "audioop"], capture_output=True, text=True, timeout=30, cwd=ROOT
    )
    assert check.returncode != 0
    assert "audioop is blocked" in check.stderr


def test_without_audioop_the_phone_registers_and_answers_a_call(lab, sipp: SippFactory, user) -> None:
    kamailio = lab.kamailio()
    checker = run_without_audioop(
        "desktop.commands.sip_check",
        *("--server", f"127.0.0.1:{kamailio.port}", "--user", user, "--password-env", "SIP_PASSWORD"),
        *("--json", "--answer", "--seconds", "3"),
        env={"SIP_PASSWORD": PASSWORDS[user]},
    )
    deadline = time.monotonic() + 5
    while not kamailio.contacts(user) and time.monotonic() < deadline:
        time.sleep(0.05)
    keys = ["-s", user, "-key", "caller", "0912345678", "-key", "display", "Lê Thị Hồng", "-key", "pai"]
    keys += ["0912345678", "-key", "codecs", "8 0 101", "-d", "200"]
    caller = sipp.uac("uac_hotline_short.xml", kamailio.port, *keys, timeout_s=10)

    out, err = checker.communicate(timeout=30)

    assert "audioop-module: desktop.telephony.audioop_fallback" in err
    report = json.loads(out.splitlines()[-1])  # the summary follows the events, a JSON line each
    assert (checker.returncode, report["registration"]["state"]) == (0, "registered"), err
    assert caller.wait(10) == 0, caller.output()
    [call] = report["calls"]
    assert (call["number"], call["end_reason"]) == ("0912345678", "remote_hangup")


def test_without_audioop_the_desk_starts_to_a_usable_window(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    desk = run_without_audioop(
        "desktop", "--data-dir", str(tmp_path / "data"), env={"TONGDAI1022_READY_FILE": str(ready)}
    )

    _, err = desk.communicate(timeout=120)

    assert desk.returncode == 0, err
    assert json.loads(ready.read_text(encoding="utf-8"))["ready_s"] > 0
    assert "audioop-module: desktop.telephony.audioop_fallback" in err


@pytest.mark.parametrize("width", [1, 2])
def test_the_fallback_computes_what_audioop_computes(width: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop  # the standard library's up to 3.12, audioop-lts from 3.13

    codes = bytes(range(256))
    pcm = bytes((i * 37 + 11) % 256 for i in range(4096))
    other = bytes((i * 91 + 5) % 256 for i in range(4096))
    for name in ("ulaw2lin", "alaw2lin"):
        assert getattr(audioop_fallback, name)(codes, width) == getattr(audioop, name)(codes, width)
    for name in ("lin2ulaw", "lin2alaw"):
        assert getattr(audioop_fallback, name)(pcm, width) == getattr(audioop, name)(pcm, width)
    for shift in (128, -128, 7, 300):
        assert audioop_fallback.bias(pcm, width, shift) == audioop.bias(pcm, width, shift)
    assert audioop_fallback.add(pcm, other, width) == audioop.add(pcm, other, width)
