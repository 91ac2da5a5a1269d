"""Sound devices of the phone desk (QtMultimedia): the headset for calls and the ringing device.

Everything here lives on the GUI thread. The SIP media thread only touches the Qt-free `PcmRing`s through
`RingSink`/`RingSource`; a 20 ms timer moves audio between the rings and the Qt devices. With no sound device
(or no QtMultimedia) nothing fails: calls are still answered, logged and recorded, and the pop-up rings on
screen.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, QTimer, QUrl

from desktop.services.phone.audio import PcmRing, RingSink, RingSource
from desktop.settings import Settings
from desktop.telephony.audio import SAMPLE_RATE

log = logging.getLogger(__name__)

PUMP_MS = 20
PLAYBACK_BUFFER_MS = 300  # what the media thread may run ahead of the headset before old audio is dropped
CAPTURE_BUFFER_MS = 200
DEVICE_BUFFER_BYTES = 1600  # 100 ms inside Qt's sink/source


@dataclass(frozen=True)
class SoundDevice:
    """One input or output as the settings show it; `device` is the QAudioDevice when Qt listed it."""

    id: str
    description: str
    is_default: bool = False
    device: Any = None


class DeviceProvider(Protocol):
    """Lists the sound devices (QMediaDevices; tests hand in their own list)."""

    def outputs(self) -> list[SoundDevice]: ...
    def inputs(self) -> list[SoundDevice]: ...
    def problem(self) -> str: ...


def _multimedia() -> Any:
    """The QtMultimedia module, or None when it cannot load (PySide6-Addons or libpulse missing)."""
    try:
        from PySide6 import QtMultimedia
    except ImportError as error:
        log.warning("QtMultimedia unavailable: %s", error)
        return None
    return QtMultimedia


def _sound_device(device: Any) -> SoundDevice:
    raw = bytes(device.id().data())
    return SoundDevice(raw.decode("utf-8", "replace"), device.description(), device.isDefault(), device)


class MediaDevices:
    """The devices QMediaDevices reports right now."""

    def outputs(self) -> list[SoundDevice]:
        module = _multimedia()
        return [_sound_device(d) for d in module.QMediaDevices.audioOutputs()] if module else []

    def inputs(self) -> list[SoundDevice]:
        module = _multimedia()
        return [_sound_device(d) for d in module.QMediaDevices.audioInputs()] if module else []

    def problem(self) -> str:
        if _multimedia() is None:
            return QCoreApplication.translate(
                "PhoneAudio", "The sound library (QtMultimedia) cannot load on this computer."
            )
        return ""


def choose(devices: list[SoundDevice], wanted: str) -> SoundDevice | None:
    """The saved device when present, else the system's default, else the first; None when there is none."""
    for device in devices:
        if wanted and device.id == wanted:
            return device
    for device in devices:
        if device.is_default:
            return device
    return devices[0] if devices else None


def pcm_format(module: Any) -> Any:
    audio_format = module.QAudioFormat()
    audio_format.setSampleRate(SAMPLE_RATE)
    audio_format.setChannelCount(1)
    audio_format.setSampleFormat(module.QAudioFormat.SampleFormat.Int16)
    return audio_format


def no_device_text(outputs: list[SoundDevice], inputs: list[SoundDevice], problem: str = "") -> str:
    """What the desk says about its sound devices, in one sentence or two."""
    if problem or not outputs:
        lead = f"{problem} " if problem else ""
        return lead + QCoreApplication.translate(
            "PhoneAudio",
            "No sound device was found on this computer: calls ring on screen (the blinking pop-up), and "
            "they are still logged and can be recorded. Plug in a headset: the next call uses it.",
        )
    if not inputs:
        return QCoreApplication.translate(
            "PhoneAudio",
            "No microphone was found: the caller hears silence. Plug in a headset with a microphone.",
        )
    return ""


class CallAudioDevice(QObject):
    """The headset of the call: a QAudioSink playing the far end, a QAudioSource capturing the operator."""

    def __init__(
        self, settings: Settings, devices: DeviceProvider | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.devices = devices or MediaDevices()
        self.playback = PcmRing(PLAYBACK_BUFFER_MS)
        self.capture = PcmRing(CAPTURE_BUFFER_MS)
        self.output: SoundDevice | None = None
        self.input: SoundDevice | None = None
        self.problem = ""
        self._sink: Any = None
        self._source: Any = None
        self._out_io: Any = None
        self._in_io: Any = None
        self.played = 0  # bytes handed to the Qt sink during this call
        self._pump = QTimer(self)
        self._pump.setInterval(PUMP_MS)
        self._pump.timeout.connect(self.on_pump_timeout)

    # any thread: the agent's media factory takes these --------------------------------------------
    def sink(self) -> RingSink:
        return RingSink(self.playback)

    def source(self) -> RingSource:
        return RingSource(self.capture)

    # GUI thread ----------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self._pump.isActive()

    def start_call(self) -> str:
        """Opens the chosen headset (or says why not); returns the problem, '' when both ways work."""
        self.stop_call()
        self.playback.clear()
        self.capture.clear()
        self.played = 0
        problems = []
        module = _multimedia()
        outputs = self.devices.outputs()
        inputs = self.devices.inputs()
        self.output = choose(outputs, self.settings.phone_audio_output)
        self.input = choose(inputs, self.settings.phone_audio_input)
        if module is None or self.output is None:
            problems.append(no_device_text(outputs, inputs, self.devices.problem()))
        else:
            self._sink, self._out_io = self._open(module, module.QAudioSink, self.output)
            if self._out_io is None:
                problems.append(
                    QCoreApplication.translate("PhoneAudio", "The headset '%1' cannot be opened.").replace(
                        "%1", self.output.description
                    )
                )
        if module is not None and self.output is not None:
            if self.input is None:
                problems.append(no_device_text(outputs, inputs))
            else:
                self._source, self._in_io = self._open(module, module.QAudioSource, self.input)
                if self._in_io is None:
                    problems.append(
                        QCoreApplication.translate(
                            "PhoneAudio", "The microphone '%1' cannot be opened."
                        ).replace("%1", self.input.description)
                    )
        self.problem = " ".join(problems)
        if self.problem:
            log.info("call audio: %s", self.problem)
        self._pump.start()
        return self.problem

    def _open(self, module: Any, kind: Any, chosen: SoundDevice) -> tuple[Any, Any]:
        device = chosen.device if chosen.device is not None else module.QAudioDevice()
        endpoint = kind(device, pcm_format(module), self)
        endpoint.setBufferSize(DEVICE_BUFFER_BYTES)
        stream = endpoint.start()
        error = endpoint.error()
        if stream is None or error != type(error).NoError:  # QtAudio.Error (QAudio.Error before Qt 6.7)
            log.warning("sound device %r: %s", chosen.description, error)
            endpoint.stop()
            endpoint.deleteLater()
            return None, None
        return endpoint, stream

    def stop_call(self) -> None:
        self._pump.stop()
        for endpoint in (self._sink, self._source):
            if endpoint is not None:
                endpoint.stop()
                endpoint.deleteLater()
        self._sink = self._source = self._out_io = self._in_io = None

    def on_pump_timeout(self) -> None:
        if self._out_io is not None:
            room = self._sink.bytesFree()
            chunk = self.playback.pop(room) if room > 0 else b""
            if chunk:
                self._out_io.write(chunk)
                self.played += len(chunk)
        if self._in_io is not None:
            captured = bytes(self._in_io.readAll().data())
            if captured:
                self.capture.push(captured)


class Ringer(QObject):
    """Plays the ringtone in a loop on the ringing device while a call rings; without one, says so in the log
    (the pop-up blinks either way)."""

    def __init__(
        self,
        settings: Settings,
        devices: DeviceProvider | None = None,
        tone: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        from desktop.services.phone.ringtone import ringtone_path

        self.settings = settings
        self.devices = devices or MediaDevices()
        self.tone = tone or ringtone_path()
        self.ringing = False
        self.audible = False
        self._effect: Any = None
        self.devices.outputs()  # QtMultimedia's first look costs ~40 ms: here, not on the first ring

    def ring(self) -> bool:
        """Starts ringing; True when it is audible, False when only the screen rings."""
        if self.ringing:
            return self.audible
        self.ringing = True
        module = _multimedia()
        device = choose(self.devices.outputs(), self.settings.phone_ring_device)
        if module is None or device is None or device.device is None or not self.tone.is_file():
            log.info("ringing on screen only: no ringing device (or no ringtone file %s)", self.tone)
            self.audible = False
            return False
        effect = module.QSoundEffect(device.device, self)
        effect.setSource(QUrl.fromLocalFile(str(self.tone)))
        effect.setLoopCount(module.QSoundEffect.Loop.Infinite.value)
        effect.setVolume(0.8)
        effect.play()
        self._effect = effect
        self.audible = True
        return True

    def stop(self) -> None:
        self.ringing = False
        self.audible = False
        effect, self._effect = self._effect, None
        if effect is not None:
            effect.stop()
            effect.deleteLater()
