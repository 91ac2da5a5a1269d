"""`sip-check` end to end: the real CLI process against the lab, reading its JSON report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SippFactory
from stun_responder import StunResponder
from telephony_lab import PASSWORDS, Kamailio
from tls_certs import make_tls_files

ROOT = Path(__file__).resolve().parents[2]


def start_sip_check(
    kamailio: Kamailio, user: str, *extra: str, password: str | None = None
) -> subprocess.Popen[str]:
    env = {**os.environ, "SIP_PASSWORD": PASSWORDS[user] if password is None else password}
    command = [sys.executable, "-m", "desktop.commands.sip_check", "--server", f"127.0.0.1:{kamailio.port}"]
    command += ["--user", user, "--password-env", "SIP_PASSWORD", "--json", *extra]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, dict]:
    out, err = process.communicate(timeout=30)
    assert out, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[-1]["event"] == "summary", lines
    return process.returncode, lines[-1]


def sip_check(kamailio: Kamailio, user: str, *extra: str, password: str | None = None) -> tuple[int, dict]:
    return finished(start_sip_check(kamailio, user, *extra, password=password))


def test_registers_and_reports_ok(lab, user):
    code, report = sip_check(lab.kamailio("qop"), user, "--seconds", "1")

    assert code == 0
    assert report["ok"] is True
    assert report["registration"]["state"] == "registered"
    assert report["registration"]["expires"] == 3600
    assert report["registration"]["seconds"] < 1.0


def test_a_wrong_password_reports_auth_failed_with_the_servers_reason(lab, user):
    code, report = sip_check(lab.kamailio(), user, "--seconds", "3", password="wrong")

    assert code == 1
    assert report["registration"] | {"seconds": None} == {
        "state": "auth_failed",
        "code": 401,
        "reason": "Unauthorized",
        "seconds": None,
    }


def test_dials_a_number_and_reports_the_answered_call(lab, sipp: SippFactory, user):
    kamailio = lab.kamailio("strict")
    trunk = sipp.uas("uas_trunk.xml", kamailio.trunk_port)

    code, report = sip_check(kamailio, user, "--dial", "0901234567", "--seconds", "2")

    assert code == 0, report
    [call] = report["calls"]
    assert call["states"] == ["dialing", "ringing", "answered"]
    assert (call["end_reason"], call["answered"]) == ("local_hangup", True)
    assert trunk.wait(5) == 0, trunk.output()


def test_answers_an_incoming_call(lab, sipp: SippFactory, user):
    kamailio = lab.kamailio()
    keys = ["-s", user, "-key", "caller", "0912345678", "-key", "display", "Lê Thị Hồng", "-key", "pai"]
    keys += ["0912345678", "-key", "codecs", "8 0 101", "-d", "200"]
    checker = start_sip_check(kamailio, user, "--answer", "--seconds", "3")
    deadline = time.monotonic() + 5
    while not kamailio.contacts(user) and time.monotonic() < deadline:
        time.sleep(0.05)
    run = sipp.uac("uac_hotline_short.xml", kamailio.port, *keys, timeout_s=10)

    code, report = finished(checker)

    assert code == 0
    assert run.wait(10) == 0, run.output()
    [call] = report["calls"]
    assert (call["number"], call["display_name"], call["end_reason"]) == (
        "0912345678",
        "Lê Thị Hồng",
        "remote_hangup",
    )
    assert call["event_latency_ms"] < 20


def test_over_tls_it_registers_with_the_pbxs_ca_and_refuses_an_unknown_one(lab, user, tmp_path):
    kamailio = lab.kamailio("strict_tls")
    code, report = sip_check(
        kamailio, user, "--transport", "tls", "--ca-file", str(lab.tls.ca), "--seconds", "1"
    )
    assert (code, report["ok"], report["transport"]) == (0, True, "tls")
    assert report["registration"]["state"] == "registered"
    assert kamailio.contacts(user) == []  # it unregistered on its way out

    stranger = make_tls_files(tmp_path / "other", ca_name="Some other CA")
    code, report = sip_check(
        kamailio, user, "--transport", "tls", "--ca-file", str(stranger.ca), "--seconds", "2"
    )
    assert (code, report["ok"]) == (1, False)
    assert report["registration"]["state"] == "unreachable"
    assert "certificate" in report["registration"]["reason"].lower()


def test_with_a_stun_server_it_reports_the_public_address_it_registered(lab, user):
    responder = StunResponder(nat=("198.51.100.7", 1000)).start()
    try:
        code, report = sip_check(
            lab.kamailio(), user, "--stun", f"127.0.0.1:{responder.port}", "--seconds", "1"
        )
    finally:
        responder.stop()
    assert (code, report["ok"]) == (0, True)
    [(_, local_port)] = responder.requests
    assert report["stun"] == {
        "server": f"127.0.0.1:{responder.port}",
        "public_address": f"198.51.100.7:{local_port + 1000}",
        "error": "",
    }


def test_a_missing_ca_file_or_a_malformed_stun_server_is_refused_before_anything_is_sent(lab, user):
    kamailio = lab.kamailio()
    for extra in (["--transport", "tls", "--ca-file", "/khong/co.pem"], ["--stun", "stun.example:cong"]):
        process = start_sip_check(kamailio, user, *extra)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 2 and out == "", extra
        assert err.startswith("Lỗi: "), err


def test_without_an_address_it_checks_the_desks_saved_account_as_the_desk_builds_it(lab, user, tmp_path):
    """The saved account names a domain the desk cannot resolve and reaches the PBX through its outbound
    proxy: only the desk's own account code gets that right."""
    kamailio = lab.kamailio("strict_domain")
    settings = {
        "sip_server": "pbx.lab.invalid",
        "sip_port": 5060,
        "sip_extension": user,
        "sip_domain": f"127.0.0.1:{kamailio.port}",
        "sip_outbound_proxy": f"127.0.0.1:{kamailio.port}",
    }
    (tmp_path / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    env = {**os.environ, "SIP_PASSWORD": PASSWORDS[user]}
    command = [sys.executable, "-m", "desktop", "sip-check", "--data-dir", str(tmp_path)]
    command += ["--password-env", "SIP_PASSWORD", "--json", "--seconds", "1"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)

    report = json.loads(done.stdout.splitlines()[-1])
    assert done.returncode == 0 and report["ok"] is True, done.stderr
    assert (report["domain"], report["next_hop"]) == (
        f"127.0.0.1:{kamailio.port}",
        f"127.0.0.1:{kamailio.port}",
    )
    assert "đổ chuông" in done.stderr  # it warns that the PBX may ring this test registration


def test_with_no_account_anywhere_it_says_what_to_give(tmp_path):
    command = [sys.executable, "-m", "desktop", "sip-check", "--data-dir", str(tmp_path), "--json"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--server" in done.stderr and "F8" in done.stderr


def test_each_event_is_a_json_line_as_it_happens_and_sigterm_ends_the_check_cleanly(lab, user):
    kamailio = lab.kamailio()
    checker = start_sip_check(kamailio, user, "--answer", "--seconds", "60")
    assert checker.stdout is not None
    first = json.loads(checker.stdout.readline())  # printed while the check still runs
    assert first["event"] == "registered" and first["expires"] == 3600 and first["t"] < 2
    assert kamailio.contacts(user)

    checker.send_signal(signal.SIGTERM)
    code, report = finished(checker)

    assert report["registration"]["state"] == "registered"
    assert report["ok"] is False  # --answer saw no call to answer
    assert code == 1
    assert kamailio.contacts(user) == []  # unregistered on its way out


def test_without_json_it_prints_a_running_log_in_vietnamese(lab, user):
    env = {**os.environ, "SIP_PASSWORD": PASSWORDS[user]}
    command = [
        sys.executable,
        "-m",
        "desktop.commands.sip_check",
        "--server",
        f"127.0.0.1:{lab.kamailio().port}",
    ]
    command += ["--user", user, "--password-env", "SIP_PASSWORD", "--seconds", "1"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Đã đăng ký với tổng đài" in done.stdout and done.stdout.rstrip().endswith("ĐẠT")


def test_two_checks_call_each_other_with_a_tone_and_report_audio_both_ways(lab):
    """A technician's end-to-end line test: one check answers after ringing, the other dials it; each
    sends a tone and counts what arrives, and the call ends after --call-seconds."""
    kamailio = lab.kamailio()
    answering = start_sip_check(
        kamailio, "1008", "--answer", "--ring-seconds", "0.5", "--seconds", "12", "--rtp-ports", "22000-22099"
    )  # its window leaves room for both registrations on a loaded machine (6 s failed once in CI)
    deadline = time.monotonic() + 5
    while not kamailio.contacts("1008") and time.monotonic() < deadline:
        time.sleep(0.05)
    code, dialling = sip_check(kamailio, "1009", "--dial", "1008", "--call-seconds", "1.5", "--seconds", "8")
    answer_code, answered = finished(answering)

    assert (code, answer_code) == (0, 0), (dialling, answered)
    [outbound] = dialling["calls"]
    [inbound] = answered["calls"]
    assert outbound["audio"] == inbound["audio"] == "both_ways"
    assert 1.2 <= outbound["duration_seconds"] <= 3
    assert outbound["packets_sent"] > 50 and inbound["packets_received"] > 50  # 20 ms packets
    assert outbound["srtp"] == inbound["srtp"] == ""  # neither desk asked for SRTP: plain RTP, said so


def test_a_check_that_requires_srtp_calls_encrypted_and_reports_the_suite(lab):
    """The dialler offers RTP/SAVP with a key (required), the answering check takes it (when offered);
    a check with SRTP off refuses that offer with 488, and the dialler says so."""
    kamailio = lab.kamailio()
    answering = start_sip_check(kamailio, "1006", "--answer", "--seconds", "6", "--rtp-ports", "22100-22199")
    refusing = start_sip_check(
        kamailio, "1007", "--answer", "--srtp", "off", "--seconds", "6", "--rtp-ports", "22200-22299"
    )
    deadline = time.monotonic() + 5
    while not (kamailio.contacts("1006") and kamailio.contacts("1007")) and time.monotonic() < deadline:
        time.sleep(0.05)
    refusal = start_sip_check(kamailio, "1008", "--srtp", "required", "--dial", "1007", "--seconds", "2")
    code, dialling = sip_check(
        kamailio, "1009", "--srtp", "required", "--dial", "1006", "--call-seconds", "1", "--seconds", "3"
    )
    refused_code, refused = finished(refusal)
    _, answered = finished(answering)
    _, refusing_report = finished(refusing)

    assert code == 0, dialling
    [outbound] = dialling["calls"]
    [inbound] = answered["calls"]
    assert outbound["audio"] == inbound["audio"] == "both_ways"
    assert outbound["srtp"] == inbound["srtp"] == "AES_CM_128_HMAC_SHA1_80"
    assert refused_code == 1
    [rejected] = refused["calls"]
    assert (rejected["answered"], rejected["code"], rejected["srtp"]) == (False, 488, None)
    assert refusing_report["calls"] == []  # refused before ringing


def test_a_malformed_rtp_port_range_is_refused(lab, user):
    process = start_sip_check(lab.kamailio(), user, "--rtp-ports", "20000")
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and "20000-20999" in err


def test_the_codec_chosen_is_the_one_used_and_each_check_reports_the_lines_quality(lab):
    """--codec PCMU puts PCMU before the desk's usual PCMA; both checks then report the call's RTCP
    figures: nothing lost on loopback, reports sent and received both ways, the far end's view of ours."""
    kamailio = lab.kamailio()
    answering = start_sip_check(kamailio, "1004", "--answer", "--seconds", "14", "--rtp-ports", "22300-22399")
    deadline = time.monotonic() + 5
    while not kamailio.contacts("1004") and time.monotonic() < deadline:
        time.sleep(0.05)
    dialler = start_sip_check(
        kamailio, "1005", "--codec", "PCMU", "--dial", "1004", "--call-seconds", "5", "--seconds", "9"
    )
    out, err = dialler.communicate(timeout=30)
    _, answered = finished(answering)

    assert dialler.returncode == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    [ended] = [event for event in events if event["event"] == "ended"]  # printed as it happened
    [outbound] = events[-1]["calls"]
    [inbound] = answered["calls"]
    for call in (ended, outbound, inbound):
        assert (call["codec"], call["encrypted"]) == ("PCMU", False), call
        assert (call["packets_lost"], call["loss_percent"]) == (0, 0.0), call
        assert call["rtcp_reports_sent"] >= 1 and call["rtcp_reports_received"] >= 1, call
        assert call["jitter_ms"] is not None and call["jitter_ms"] < 100, call
    assert outbound["remote_loss_percent"] == 0.0, outbound  # the answering check's report of our audio


def test_an_unknown_codec_is_refused_before_anything_is_sent(lab, user):
    process = start_sip_check(lab.kamailio(), user, "--codec", "G729")
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and "PCMU" in err


@pytest.mark.parametrize(
    "stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["ctrl-c", "sigterm", "sighup"]
)
def test_interrupted_mid_call_it_hangs_up_unregisters_and_prints_its_summary(lab, stop):
    """Ctrl-C, SIGTERM or the technician's terminal closing while a test call is up: the call is hung up
    (the other end hears it), the registrar holds no binding of the check any more, the summary is printed."""
    kamailio = lab.kamailio()
    answering = start_sip_check(kamailio, "1008", "--answer", "--seconds", "60", "--rtp-ports", "22400-22499")
    assert answering.stdout is not None
    deadline = time.monotonic() + 5
    while not kamailio.contacts("1008") and time.monotonic() < deadline:
        time.sleep(0.05)
    dialler = start_sip_check(
        kamailio,
        "1009",
        "--dial",
        "1008",
        "--call-seconds",
        "30",
        "--seconds",
        "14",
        "--rtp-ports",
        "22500-22599",
    )
    for line in answering.stdout:  # events as they happen: wait for the call to be up
        event = json.loads(line)
        if event["event"] == "call_state" and event.get("state") == "answered":
            break
    assert kamailio.contacts("1008")

    answering.send_signal(stop)
    code, report = finished(answering)
    dialler_code, dialled = finished(dialler)

    assert kamailio.contacts("1008") == []  # the registrar was asked: nothing left behind
    [call] = report["calls"]
    assert call["answered"] is True and call["end_reason"] in ("local_hangup", "shutdown"), call
    [outbound] = dialled["calls"]
    assert outbound["answered"] is True and outbound["end_reason"] == "remote_hangup", outbound
    assert outbound["duration_seconds"] < 10 and dialler_code == 0  # hung up long before its 30 s
    assert code == 0  # --answer saw its call answered
