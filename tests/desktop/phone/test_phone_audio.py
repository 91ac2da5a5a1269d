"""Sound devices of the phone desk: the ringtone, no-device fallbacks, the device list, the PCM rings."""

from __future__ import annotations

import math
import struct
import threading
import time
import wave
from pathlib import Path

import pytest
from PySide6.QtCore import QEventLoop, QTimer, QUrl

from desktop.services.phone.audio import PcmRing, RingSink, RingSource, TeeSink
from desktop.services.phone.recording_vault import RecordingKey, decrypt_pcm
from desktop.services.phone.ringtone import RING_RATE, RING_SECONDS, ringtone_path, ringtone_wav
from desktop.services.phone.session import PhoneSession, RecordingPolicy
from desktop.settings import Settings
from desktop.telephony.audio import MemorySink
from desktop.telephony.events import CallDirection, IncomingCall
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.audio import CallAudioDevice, MediaDevices, Ringer, SoundDevice, choose
from desktop.ui.phone.sip_settings_dialog import SipSettingsDialog
from desktop.ui.shell.translations import install_translations, remove_translations

from .conftest import MemoryKeyring


class ListedDevices:
    """A device provider handed in through the constructor: the list a test wants, no Qt device behind it."""

    def __init__(self, outputs: list[SoundDevice], inputs: list[SoundDevice]) -> None:
        self._outputs, self._inputs = outputs, inputs

    def outputs(self) -> list[SoundDevice]:
        return list(self._outputs)

    def inputs(self) -> list[SoundDevice]:
        return list(self._inputs)

    def problem(self) -> str:
        return ""


NO_DEVICES = ListedDevices([], [])
HEADSET = SoundDevice("usb-headset-out", "Tai nghe USB")
SPEAKERS = SoundDevice("builtin-out", "Loa máy", is_default=True)
MIC = SoundDevice("usb-headset-in", "Micro tai nghe USB", is_default=True)


@pytest.fixture
def vietnamese(qapp):
    translators = install_translations(qapp)
    yield
    remove_translations(qapp, translators)


def tone(frequency: float, seconds: float, rate: int = 8000) -> bytes:
    count = int(seconds * rate)
    return struct.pack(
        f"<{count}h", *(round(9000 * math.sin(2 * math.pi * frequency * i / rate)) for i in range(count))
    )


def strongest(pcm: bytes, candidates: list[float], rate: int) -> float:
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm)

    def power(frequency: float) -> float:
        coefficient = 2 * math.cos(2 * math.pi * frequency / rate)
        s1 = s2 = 0.0
        for value in samples:
            s1, s2 = value + coefficient * s1 - s2, s1
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2

    return max(candidates, key=power)


# -- the ringtone -------------------------------------------------------------------------------------
def test_the_shipped_ringtone_is_the_synthesised_two_second_wav_and_qt_decodes_it(qapp):
    path = ringtone_path()
    assert path.read_bytes() == ringtone_wav()  # the committed file is what the synthesiser makes
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RING_RATE)
        assert wav.getnframes() == int(RING_SECONDS * RING_RATE)
        pcm = wav.readframes(wav.getnframes())
    second = RING_RATE * 2  # bytes per second
    burst = pcm[int(0.1 * second) : int(0.3 * second)]
    assert max(abs(v) for v in struct.unpack(f"<{len(burst) // 2}h", burst)) > 10000
    assert strongest(burst, [440.0, 660.0, 880.0, 1200.0], RING_RATE) in (660.0, 880.0)
    assert set(pcm[int(0.41 * second) : int(0.59 * second)]) == {0}  # the gap between the bursts
    assert set(pcm[int(1.01 * second) :]) == {0}  # the pause before the next ring

    from PySide6.QtMultimedia import QAudioDecoder

    decoder = QAudioDecoder()
    decoder.setSource(QUrl.fromLocalFile(str(path)))
    frames: list[int] = []
    decoder.bufferReady.connect(lambda: frames.append(decoder.read().frameCount()))
    loop = QEventLoop()
    decoder.finished.connect(loop.quit)
    QTimer.singleShot(5000, loop.quit)
    decoder.start()
    loop.exec()
    assert decoder.error() == QAudioDecoder.Error.NoError, decoder.errorString()
    assert sum(frames) == int(RING_SECONDS * RING_RATE)


# -- rings: what the media thread hands over ----------------------------------------------------------
def test_a_ring_keeps_order_drops_the_oldest_when_full_and_never_splits_a_sample():
    ring = PcmRing(max_ms=20)  # 320 bytes
    frames = [bytes([n]) * 160 for n in range(5)]
    for frame in frames:
        ring.push(frame)
    assert (ring.received, ring.dropped, len(ring)) == (800, 480, 320)
    assert ring.contents() == frames[3] + frames[4]
    assert RingSource(ring).read(161) == frames[3]  # rounded down to whole samples
    assert ring.pop(1000) == frames[4] and ring.pop(10) == b""


def test_the_media_thread_never_waits_for_a_reader_that_is_not_there():
    ring = PcmRing(max_ms=300)
    sink = RingSink(ring)
    frame = tone(440, 0.02)
    writer = threading.Thread(target=lambda: [sink.write(frame) for _ in range(5000)])  # 100 s of audio
    writer.start()
    writer.join(5)
    assert not writer.is_alive()
    assert ring.received == 5000 * len(frame) and len(ring) == ring.limit == 300 * 16
    sink.close()
    sink.write(frame)
    assert ring.received == 5000 * len(frame)  # nothing after close


def test_a_writer_and_a_reader_at_once_lose_only_whole_oldest_frames_and_keep_the_order():
    ring = PcmRing(max_ms=60)  # 3 frames: the reader is made to fall behind now and then
    count = 20_000
    out = bytearray()
    done = threading.Event()

    def reader() -> None:
        sizes = [2, 100, 320, 640, 50, 1000]
        turn = 0
        while not done.is_set() or len(ring):
            out.extend(ring.pop(sizes[turn % len(sizes)]))
            turn += 1
            if turn % 7 == 0:
                time.sleep(0.0002)

    thread = threading.Thread(target=reader)
    thread.start()
    for index in range(count):  # frame i: 160 samples of value i (count < 32768)
        ring.push(struct.pack("<160h", *([index] * 160)))
        if index % 20 == 0:
            time.sleep(0)  # let the reader in, as the media thread's pacing does
    done.set()
    thread.join(10)
    samples = struct.unpack(f"<{len(out) // 2}h", bytes(out))
    seen: dict[int, int] = {}
    for value in samples:
        seen[value] = seen.get(value, 0) + 1
    assert len(out) + ring.dropped == ring.received == count * 320
    assert all(n == 160 for n in seen.values())  # a frame is heard whole, or dropped whole
    order = list(dict.fromkeys(samples))  # frame numbers in the order they were heard
    assert order == sorted(order)
    assert len(order) > 100 and ring.dropped > 0  # both happened: frames read, frames dropped


def test_a_tee_hands_every_frame_to_each_sink_and_survives_a_failing_one():
    class Broken:
        def write(self, pcm: bytes) -> None:
            raise OSError("disk full")

        def close(self) -> None:
            raise OSError("disk full")

    memory, ring = MemorySink(), PcmRing(1000)
    tee = TeeSink([Broken(), memory, RingSink(ring)])
    frames = [tone(300 + 100 * n, 0.02) for n in range(4)]
    for frame in frames:
        tee.write(frame)
    tee.close()
    assert memory.frames() == frames and ring.contents() == b"".join(frames)
    assert (tee.errors, memory.closed) == (5, True)


def test_the_session_plays_the_far_end_to_the_headset_as_well_as_the_recording(store, tmp_path):
    key = RecordingKey(MemoryKeyring()).get_or_create()
    session = PhoneSession(
        store, "kiem.thu", recordings=RecordingPolicy(enabled=True, folder=tmp_path, key=key)
    )
    try:
        playback, capture = PcmRing(1000), PcmRing(1000)
        session.use_sound_device(lambda: RingSink(playback), lambda: RingSource(capture))
        session.on_incoming(IncomingCall("sip-1", "0912345678", "", "sip:0912345678@lab", "From", 0.0))
        audio = session.audio_for("sip-1", CallDirection.INBOUND)
        heard, spoken = tone(523, 0.1), tone(659, 0.1)
        audio.sink.write(heard)
        capture.push(spoken)
        assert audio.source is not None and audio.source.read(len(spoken)) == spoken
        audio.sink.close()
        assert playback.contents() == heard
        recorded = next(tmp_path.rglob("*.rec"))
        assert decrypt_pcm(recorded, key) == heard
    finally:
        session.close()


# -- devices ------------------------------------------------------------------------------------------
def test_the_device_list_comes_from_qmediadevices(qapp):
    from PySide6.QtMultimedia import QMediaDevices

    listed = MediaDevices()
    assert [d.description for d in listed.outputs()] == [
        d.description() for d in QMediaDevices.audioOutputs()
    ]
    assert [d.description for d in listed.inputs()] == [d.description() for d in QMediaDevices.audioInputs()]
    assert listed.problem() == ""  # QtMultimedia loads (PySide6-Addons and libpulse are installed)


def test_the_saved_device_is_chosen_else_the_default_else_the_first():
    assert choose([HEADSET, SPEAKERS], "usb-headset-out") is HEADSET
    assert choose([HEADSET, SPEAKERS], "gone-since") is SPEAKERS
    assert choose([HEADSET], "") is HEADSET
    assert choose([], "usb-headset-out") is None


def test_without_a_sound_device_the_call_audio_and_the_ringer_fall_back_and_say_so(qtbot, vietnamese):
    audio = CallAudioDevice(Settings(), NO_DEVICES)
    problem = audio.start_call()
    assert "không có thiết bị âm thanh" in problem
    assert audio.active and audio.output is None and audio.input is None
    sink = audio.sink()
    sink.write(tone(440, 0.02))  # the media thread's frames still land, bounded
    assert audio.playback.received == 320 and audio.source().read(320) == b""
    audio.stop_call()
    assert not audio.active

    ringer = Ringer(Settings(), NO_DEVICES)
    assert ringer.ring() is False and ringer.ringing and not ringer.audible
    ringer.stop()
    assert not ringer.ringing


def test_a_listed_device_that_cannot_be_opened_is_named_in_the_problem(qtbot, vietnamese):
    settings = Settings(phone_audio_output="usb-headset-out", phone_audio_input="usb-headset-in")
    audio = CallAudioDevice(settings, ListedDevices([SPEAKERS, HEADSET], [MIC]))
    problem = audio.start_call()
    assert audio.output is HEADSET and audio.input is MIC
    assert "Tai nghe USB" in problem and "Micro tai nghe USB" in problem
    audio.sink().write(tone(440, 0.02))
    qtbot.wait(60)  # the pump runs with no Qt device behind it: nothing breaks, nothing is played
    assert audio.played == 0 and audio.playback.received == 320
    audio.stop_call()


def test_the_settings_dialog_offers_the_listed_devices_and_saves_the_choice(qtbot, vietnamese):
    settings = Settings(operator="kiem.thu", phone_ring_device="builtin-out")
    from desktop.services.phone.sip_password import SipPasswordStore

    keyring = MemoryKeyring()
    dialog = SipSettingsDialog(
        settings, SipPasswordStore(keyring), TaskRunner(), devices=ListedDevices([HEADSET, SPEAKERS], [MIC])
    )
    qtbot.addWidget(dialog)
    assert [dialog.headset_out_combo.itemData(i) for i in range(2)] == ["usb-headset-out", "builtin-out"]
    assert dialog.headset_out_combo.currentData() == "builtin-out"  # nothing saved: the system's default
    assert "mặc định" in dialog.headset_out_combo.itemText(1)
    assert dialog.ring_combo.currentData() == "builtin-out"
    assert not dialog.audio_label.isVisibleTo(dialog)
    assert dialog.ring_test_button.isEnabled()
    assert dialog.try_ringtone() is False  # listed, but no Qt device behind it: only the screen rings
    dialog.show()
    dialog.grab().save("/tmp/phone_settings_devices.png")
    dialog.headset_out_combo.setCurrentIndex(0)
    dialog.server_edit.setText("127.0.0.1")
    dialog.extension_edit.setText("1005")
    dialog.password_edit.setText("pw")
    dialog.on_buttons_accepted()
    assert (settings.phone_audio_output, settings.phone_audio_input, settings.phone_ring_device) == (
        "usb-headset-out",
        "usb-headset-in",
        "builtin-out",
    )


def test_with_no_sound_device_the_settings_dialog_says_so_in_vietnamese(qtbot, vietnamese):
    from desktop.services.phone.sip_password import SipPasswordStore

    settings = Settings(operator="kiem.thu", phone_audio_output="usb-headset-out")
    dialog = SipSettingsDialog(settings, SipPasswordStore(MemoryKeyring()), TaskRunner(), devices=NO_DEVICES)
    qtbot.addWidget(dialog)
    dialog.show()
    text = dialog.audio_label.text()
    assert "không có thiết bị âm thanh" in text and "ghi âm" in text
    for combo in (dialog.headset_out_combo, dialog.headset_in_combo, dialog.ring_combo):
        assert not combo.isEnabled() and combo.currentText() == "(không có thiết bị)"
    assert not dialog.ring_test_button.isEnabled()
    assert dialog.headset_out_combo.currentData() == "usb-headset-out"  # the saved choice is not lost
    dialog.grab().save("/tmp/phone_settings_no_audio.png")


def test_no_ringtone_file_rings_on_screen_only(qtbot, tmp_path: Path):
    ringer = Ringer(Settings(), ListedDevices([SPEAKERS], []), tone=tmp_path / "missing.wav")
    assert ringer.ring() is False and ringer.ringing
