"""Call recordings: kept for the retention period of the settings, then deleted with their rows."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import CallDirection
from desktop.services.phone.calls import CallLog
from desktop.services.phone.recordings import recording_of, register_recording
from desktop.services.phone.session import PhoneSession, RecordingPolicy


def test_recordings_older_than_the_retention_period_are_deleted_and_newer_ones_kept(store, tmp_path):
    now = datetime(2026, 5, 31, 12, 0, tzinfo=VN_TZ)
    calls = CallLog(store, "dtv-lan")
    old_call = calls.started("0912345678", CallDirection.INBOUND)
    new_call = calls.started("0912345678", CallDirection.INBOUND)
    old_file, new_file = tmp_path / "old.wav", tmp_path / "new.wav"
    old_file.write_bytes(b"RIFF")
    new_file.write_bytes(b"RIFF")
    register_recording(store, old_call, old_file, now - timedelta(days=31))
    register_recording(store, new_call, new_file, now - timedelta(days=29))
    session = PhoneSession(
        store, "dtv-lan", recordings=RecordingPolicy(True, tmp_path, retention_days=30), clock=lambda: now
    )
    try:
        assert session.purge_recordings() == 1
    finally:
        session.close()
    assert not old_file.exists() and new_file.exists()
    assert recording_of(store, old_call) is None and recording_of(store, new_call) == new_file


def test_a_wav_left_by_a_crashed_call_is_deleted_but_not_one_being_recorded(store, tmp_path):
    month = tmp_path / "2026-05"
    month.mkdir()
    crashed, recording_now = month / "crashed.wav", month / "in-progress.wav"
    for wav in (crashed, recording_now):
        wav.write_bytes(b"RIFF")
    hours_ago = time.time() - 7 * 3600
    os.utime(crashed, (hours_ago, hours_ago))  # no call registered it, and it stopped growing long ago
    session = PhoneSession(store, "dtv-lan", recordings=RecordingPolicy(True, tmp_path, retention_days=30))
    try:
        assert session.purge_recordings() == 1
    finally:
        session.close()
    assert not crashed.exists() and recording_now.exists()


def test_muting_silences_what_the_caller_hears(store, tmp_path):
    from desktop.telephony import IncomingCall, PcmSource

    voice = b"\x10\x20" * 160
    session = PhoneSession(store, "dtv-lan", source_factory=lambda: PcmSource(voice * 4))
    try:
        session.on_incoming(IncomingCall("sip-1", "0912345678", "", "sip:0912345678@x", "From", 0.0))
        source = session.audio_for("sip-1", CallDirection.INBOUND).source
        assert source is not None and source.read(320) == voice
        assert session.set_muted("sip-1", True)
        assert source.read(320) == b""  # the agent pads it with silence
        session.set_muted("sip-1", False)
        assert source.read(320) == voice
    finally:
        session.close()
