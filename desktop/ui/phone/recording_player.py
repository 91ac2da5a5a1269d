"""The desk's player of call recordings: decrypted audio played from memory to the headset (QtMultimedia).

The PCM comes from `services.phone.listening` (decrypted on a worker, never written anywhere); it goes to a
QAudioSink through a QBuffer, and the buffer is emptied when playing stops. Without a sound device the
player says so in one sentence and the desk goes on: nothing else depends on it.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from desktop.settings import Settings
from desktop.ui.phone.audio import DeviceProvider, MediaDevices, _multimedia, choose, pcm_format

log = logging.getLogger(__name__)

BYTES_PER_MS = 16  # 16-bit 8 kHz mono, as recordings are made


def _clock(ms: int) -> str:
    seconds = max(ms, 0) // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class RecordingPlayer(QObject):
    """Plays one recording at a time on the headset chosen for calls (F8); GUI thread only."""

    started = Signal()
    stopped = Signal()  # at the end of the recording, or when stopped

    def __init__(
        self, settings: Settings, devices: DeviceProvider | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.devices = devices or MediaDevices()
        self.duration_ms = 0
        self.device_name = ""
        self._sink: Any = None
        self._buffer: QBuffer | None = None
        self._watch = QTimer(self)
        self._watch.setInterval(100)
        self._watch.timeout.connect(self.on_watch_timeout)

    @property
    def playing(self) -> bool:
        return self._sink is not None

    def problem(self) -> str:
        """Why nothing could be heard now ('' when a headset or speaker is there)."""
        if _multimedia() is None or choose(self.devices.outputs(), self.settings.phone_audio_output) is None:
            lead = self.devices.problem()
            return (f"{lead} " if lead else "") + self.tr(
                "No sound device was found on this computer: the recording cannot be played. Plug in a "
                "headset or speakers, then press Play again."
            )
        return ""

    def play(self, pcm: bytes) -> str:
        """Starts playing `pcm`; returns '' or the Vietnamese reason it cannot be heard."""
        self.stop()
        problem = self.problem()
        if problem:
            return problem
        module = _multimedia()
        chosen = choose(self.devices.outputs(), self.settings.phone_audio_output)
        assert chosen is not None and module is not None
        device = chosen.device if chosen.device is not None else module.QAudioDevice()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pcm))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        sink = module.QAudioSink(device, pcm_format(module), self)
        self._sink, self._buffer = sink, buffer
        sink.start(buffer)
        error = sink.error()
        if error != type(error).NoError:  # QtAudio.Error (QAudio.Error before Qt 6.7)
            log.warning("recording player: device %r: %s", chosen.description, error)
            self.stop(quiet=True)
            return self.tr("The headset '%1' cannot be opened: the recording cannot be played.").replace(
                "%1", chosen.description
            )
        self.duration_ms = len(pcm) // BYTES_PER_MS
        self.device_name = chosen.description
        self._watch.start()
        self.started.emit()
        return ""

    def position_ms(self) -> int:
        return int(self._sink.processedUSecs() // 1000) if self._sink is not None else 0

    def on_watch_timeout(self) -> None:
        """The end: the buffer is read out and the sink has played it, or gone idle (polled: not every
        backend reports the idle state of a pulled buffer)."""
        sink, buffer = self._sink, self._buffer
        if sink is None or buffer is None or not buffer.atEnd():
            return
        state = sink.state()
        if state == type(state).IdleState or self.position_ms() >= self.duration_ms:
            self.stop()

    def stop(self, *, quiet: bool = False) -> None:
        """Stops playing and drops the decrypted audio from memory."""
        self._watch.stop()
        sink, buffer = self._sink, self._buffer
        self._sink = self._buffer = None
        if sink is not None:
            sink.stop()
            sink.deleteLater()
        if buffer is not None:
            buffer.close()
            buffer.setData(QByteArray())
            buffer.deleteLater()
        if sink is not None and not quiet:
            self.stopped.emit()


class RecordingBar(QWidget):
    """In the status bar while a recording plays: what is heard, how far, and a Stop button."""

    def __init__(self, player: RecordingPlayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordingBar")
        self.player = player
        self.label = QLabel(self)
        self.label.setObjectName("recordingLabel")
        self.stop_button = QToolButton(self)
        self.stop_button.setObjectName("recordingStop")
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop playing the recording"))
        self.stop_button.clicked.connect(lambda: player.stop())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.stop_button)
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self.on_tick_timeout)
        player.started.connect(self.on_player_started)
        player.stopped.connect(self.on_player_stopped)
        self.hide()

    def on_player_started(self) -> None:
        self.on_tick_timeout()
        self.show()
        self._tick.start()

    def on_player_stopped(self) -> None:
        self._tick.stop()
        self.hide()

    def on_tick_timeout(self) -> None:
        self.label.setText(
            self.tr("Playing a call's recording: %1 / %2")
            .replace("%1", _clock(self.player.position_ms()))
            .replace("%2", _clock(self.player.duration_ms))
        )
