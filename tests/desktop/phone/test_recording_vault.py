"""Call recordings sealed at rest: playable with this keyring's key only, refused when cut or tampered."""

from __future__ import annotations

import io
import os
import time
import wave
from datetime import timedelta

import pytest
from memory_keyring import MemoryKeyring

from desktop.domain.codes import CallDirection
from desktop.services.phone.recording_vault import (
    EncryptedRecorder,
    RecordingError,
    RecordingKey,
    decrypt_pcm,
    decrypted_wav,
)
from desktop.services.phone.session import PhoneSession, RecordingPolicy
from desktop.telephony import IncomingCall

VOICE = bytes(range(256)) * 200  # 51,200 bytes: three whole sealed chunks and a partial one


def _record(path, key, pcm=VOICE):
    recorder = EncryptedRecorder(path, key)
    for start in range(0, len(pcm), 320):  # 20 ms frames, as the RTP thread hands them in
        recorder.write(pcm[start : start + 320])
    recorder.close()


def test_a_recording_is_ciphertext_on_disk_and_plays_back_sample_for_sample(tmp_path):
    key = RecordingKey(MemoryKeyring()).get_or_create()
    path = tmp_path / "call.rec"
    _record(path, key)
    on_disk = path.read_bytes()
    assert VOICE[:64] not in on_disk and b"RIFF" not in on_disk
    assert decrypt_pcm(path, key) == VOICE
    with wave.open(io.BytesIO(decrypted_wav(path, key)), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 8000)
        assert wav.readframes(wav.getnframes()) == VOICE


def test_the_key_is_made_once_and_kept_in_the_keyring():
    keyring = MemoryKeyring()
    first = RecordingKey(keyring).get_or_create()
    assert len(first) == 32
    assert RecordingKey(keyring).get_or_create() == first  # the next start finds the same key
    assert RecordingKey(MemoryKeyring()).get_or_create() != first  # another machine's keyring: another key


def test_without_a_keyring_the_key_lives_in_the_encrypted_store_and_outlives_the_session(store, tmp_path):
    first = RecordingKey(None, store).get_or_create()  # no keyring: before, the key died with the session
    path = tmp_path / "call.rec"
    _record(path, first)
    assert RecordingKey(None, store).existing() == first  # the next start plays yesterday's recordings
    assert decrypt_pcm(path, RecordingKey(None, store).get_or_create()) == VOICE
    assert RecordingKey(MemoryKeyring(), store).get_or_create() == first  # a keyring added later: same key
    keyring = MemoryKeyring()
    assert RecordingKey(keyring, None).get_or_create() != first  # with a keyring and no store key: its own


def test_another_desks_key_cannot_play_a_recording(tmp_path):
    path = tmp_path / "call.rec"
    _record(path, RecordingKey(MemoryKeyring()).get_or_create())
    with pytest.raises(RecordingError, match="khóa của máy này không khớp"):
        decrypt_pcm(path, RecordingKey(MemoryKeyring()).get_or_create())


def test_a_changed_byte_is_detected(tmp_path):
    key = RecordingKey(MemoryKeyring()).get_or_create()
    path = tmp_path / "call.rec"
    _record(path, key)
    data = bytearray(path.read_bytes())
    data[40] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(RecordingError, match="đã bị sửa"):
        decrypt_pcm(path, key)


def test_a_recording_cut_by_a_crash_is_refused_not_played_as_complete(tmp_path):
    key = RecordingKey(MemoryKeyring()).get_or_create()
    path = tmp_path / "call.rec"
    recorder = EncryptedRecorder(path, key)
    recorder.write(VOICE)  # three sealed chunks reach the disk; the desk dies before close()
    with pytest.raises(RecordingError, match="không trọn vẹn"):
        decrypt_pcm(path, key)
    recorder.close()
    assert decrypt_pcm(path, key) == VOICE


def test_a_call_is_recorded_sealed_and_without_a_key_not_at_all(store, tmp_path):
    key = RecordingKey(MemoryKeyring()).get_or_create()
    errors: list[str] = []
    for policy_key, caller in ((key, "sip-1"), (None, "sip-2")):
        session = PhoneSession(
            store,
            "dtv-lan",
            recordings=RecordingPolicy(True, tmp_path, retention_days=30, key=policy_key),
            on_error=errors.append,
        )
        try:
            session.on_incoming(IncomingCall(caller, "0912345678", "", "sip:0912345678@x", "From", 0.0))
            audio = session.audio_for(caller, CallDirection.INBOUND)
            audio.sink.write(VOICE)
            audio.sink.close()
        finally:
            session.close()
    sealed = list(tmp_path.rglob("*.rec"))
    assert len(sealed) == 1 and decrypt_pcm(sealed[0], key) == VOICE
    assert not list(tmp_path.rglob("*.wav"))
    assert errors == ["Không ghi âm cuộc gọi này: chưa có khóa mã hoá bản ghi âm trong kho khóa."]


def test_a_sealed_file_left_by_a_crashed_call_is_deleted_at_the_next_purge(store, tmp_path):
    key = RecordingKey(MemoryKeyring()).get_or_create()
    month = tmp_path / "2026-05"
    month.mkdir()
    crashed = month / "crashed.rec"
    EncryptedRecorder(crashed, key).write(VOICE)  # never closed, never registered
    hours_ago = time.time() - 7 * 3600
    os.utime(crashed, (hours_ago, hours_ago))
    session = PhoneSession(store, "dtv-lan", recordings=RecordingPolicy(True, tmp_path, 30, key=key))
    try:
        assert session.purge_recordings() == 1
    finally:
        session.close()
    assert not crashed.exists()


def test_the_desk_takes_the_recording_key_from_its_keyring_without_blocking_the_window(
    qtbot, store, tmp_path, monkeypatch
):
    import desktop.services.phone.sip_password as phone_secrets
    from desktop.desk import Desk
    from desktop.settings import Settings
    from desktop.ui.common.tasks import TaskRunner
    from desktop.ui.phone.desk import install_phone
    from desktop.ui.shell.main_window import MainWindow
    from desktop.ui.tickets.form import UnsavedChoice

    keyring = MemoryKeyring()
    monkeypatch.setattr(
        phone_secrets, "default_backend", lambda: keyring
    )  # the test keyring, not the system's
    runner = TaskRunner()
    opened = Desk.open(store, "kiem.thu", page_size=50)
    window = MainWindow(opened, None, runner, lambda _w: UnsavedChoice.DISCARD)
    qtbot.addWidget(window)
    desk = install_phone(
        window, opened, Settings(operator="kiem.thu", phone_record_calls=True), tmp_path, runner
    )
    try:
        qtbot.waitUntil(lambda: desk.session.recordings.key is not None, timeout=5000)
        assert desk.session.recordings.key == RecordingKey(keyring).existing()
        assert desk.session.recordings.enabled
    finally:
        desk.stop()
        runner.wait_for_done(10000)
        opened.close()


def test_a_plain_wav_recorded_by_an_older_version_is_sealed_at_the_next_purge(store, tmp_path):
    from datetime import datetime

    from desktop.domain.clock import VN_TZ
    from desktop.services.phone.calls import CallLog
    from desktop.services.phone.recordings import recording_of, register_recording

    now = datetime(2026, 5, 31, 12, 0, tzinfo=VN_TZ)
    key = RecordingKey(MemoryKeyring()).get_or_create()
    log_id = CallLog(store, "dtv-lan").started("0912345678", CallDirection.INBOUND)
    plain = tmp_path / "2026-05" / f"{log_id}.wav"
    plain.parent.mkdir()
    with wave.open(str(plain), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(VOICE)
    register_recording(store, log_id, plain, now - timedelta(days=2))
    session = PhoneSession(
        store, "dtv-lan", recordings=RecordingPolicy(True, tmp_path, 30, key=key), clock=lambda: now
    )
    try:
        assert session.purge_recordings() == 0  # kept: within the retention period
    finally:
        session.close()
    sealed = recording_of(store, log_id)
    assert not plain.exists() and sealed is not None and sealed.suffix == ".rec"
    assert decrypt_pcm(sealed, key) == VOICE


def test_at_start_an_older_versions_plain_wav_is_sealed_and_a_crashed_calls_file_deleted(
    qtbot, store, tmp_path, monkeypatch
):
    import os

    import desktop.services.phone.sip_password as phone_secrets
    from desktop.desk import Desk
    from desktop.domain.clock import now_vn
    from desktop.services.phone.calls import CallLog
    from desktop.services.phone.recordings import ORPHAN_AGE, recording_of, register_recording
    from desktop.settings import Settings
    from desktop.ui.common.tasks import TaskRunner
    from desktop.ui.phone.desk import install_phone
    from desktop.ui.shell.main_window import MainWindow
    from desktop.ui.tickets.form import UnsavedChoice

    keyring = MemoryKeyring()
    monkeypatch.setattr(phone_secrets, "default_backend", lambda: keyring)
    folder = tmp_path / "recordings" / "2026-05"
    folder.mkdir(parents=True)
    log_id = CallLog(store, "kiem.thu").started("0912345678", CallDirection.INBOUND)
    plain = folder / f"{log_id}.wav"
    with wave.open(str(plain), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(VOICE)
    register_recording(store, log_id, plain, now_vn() - timedelta(days=1))
    crashed = folder / "cuoc-goi-bi-cat.wav"  # a call cut by a crash: never registered
    crashed.write_bytes(VOICE)
    long_ago = crashed.stat().st_mtime - ORPHAN_AGE.total_seconds() - 60
    os.utime(crashed, (long_ago, long_ago))
    runner = TaskRunner()
    opened = Desk.open(store, "kiem.thu", page_size=50)
    window = MainWindow(opened, None, runner, lambda _w: UnsavedChoice.DISCARD)
    qtbot.addWidget(window)
    desk = install_phone(
        window, opened, Settings(operator="kiem.thu", phone_record_calls=True), tmp_path, runner
    )
    try:
        qtbot.waitUntil(lambda: not plain.exists() and not crashed.exists(), timeout=10000)
        sealed = recording_of(store, log_id)
        assert sealed is not None and sealed.suffix == ".rec"
        assert decrypt_pcm(sealed, RecordingKey(keyring).existing()) == VOICE
    finally:
        desk.stop()
        runner.wait_for_done(10000)
        opened.close()


def test_while_the_desk_stays_open_its_schedule_deletes_a_crashed_calls_file_without_a_restart(
    qtbot, store, tmp_path, monkeypatch
):
    import os

    import desktop.services.phone.sip_password as phone_secrets
    import desktop.ui.phone.desk as phone_desk
    from desktop.desk import Desk
    from desktop.services.phone.recordings import ORPHAN_AGE
    from desktop.settings import Settings
    from desktop.ui.common.tasks import TaskRunner
    from desktop.ui.shell.main_window import MainWindow
    from desktop.ui.tickets.form import UnsavedChoice

    keyring = MemoryKeyring()
    monkeypatch.setattr(phone_secrets, "default_backend", lambda: keyring)
    monkeypatch.setattr(phone_desk, "PURGE_EVERY_MS", 300)  # the schedule's six hours, shortened
    runner = TaskRunner()
    opened = Desk.open(store, "kiem.thu", page_size=50)
    window = MainWindow(opened, None, runner, lambda _w: UnsavedChoice.DISCARD)
    qtbot.addWidget(window)
    desk = phone_desk.install_phone(
        window, opened, Settings(operator="kiem.thu", phone_record_calls=True), tmp_path, runner
    )
    try:
        qtbot.waitUntil(lambda: desk.session.recordings.key is not None, timeout=5000)
        runner.wait_for_done(5000)  # the purge at start has run: what comes next is the schedule's
        folder = tmp_path / "recordings" / "2026-06"
        folder.mkdir(parents=True)
        crashed = folder / "cuoc-goi-bi-cat.wav"  # left by a call cut while the desk stayed open
        crashed.write_bytes(VOICE)
        long_ago = crashed.stat().st_mtime - ORPHAN_AGE.total_seconds() - 60
        os.utime(crashed, (long_ago, long_ago))
        qtbot.waitUntil(lambda: not crashed.exists(), timeout=5000)
    finally:
        desk.stop()
        runner.wait_for_done(10000)
        opened.close()
