"""Where call audio goes and comes from: 16-bit little-endian mono PCM at 8 kHz, sinks and sources."""

from __future__ import annotations

import math
import struct
import threading
import wave
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

SAMPLE_RATE = 8000
SAMPLE_BYTES = 2


class AudioSink(Protocol):
    """Receives the far end's audio. `write` runs on the media thread (all calls share it): never block."""

    def write(self, pcm: bytes) -> None: ...

    def close(self) -> None: ...


class AudioSource(Protocol):
    """Supplies our audio. `read` runs on the shared media thread; a short answer is padded with silence."""

    def read(self, size: int) -> bytes: ...


class NullSink:
    """Discards audio (the default until the desk plugs in a sound device)."""

    def write(self, pcm: bytes) -> None:
        pass

    def close(self) -> None:
        pass


class MemorySink:
    """Keeps the last `max_seconds` of audio, as frames in arrival order (tests, previews)."""

    def __init__(self, max_seconds: float = 60.0) -> None:
        self._frames: deque[bytes] = deque()
        self._bytes = 0
        self._limit = int(max_seconds * SAMPLE_RATE * SAMPLE_BYTES)
        self._lock = threading.Lock()
        self.closed = False

    def write(self, pcm: bytes) -> None:
        with self._lock:
            self._frames.append(pcm)
            self._bytes += len(pcm)
            while self._bytes > self._limit:
                self._bytes -= len(self._frames.popleft())

    def frames(self) -> list[bytes]:
        with self._lock:
            return list(self._frames)

    def close(self) -> None:
        self.closed = True


class WavRecorder:
    """Writes the far end's audio to a WAV file (mono, 16-bit, 8 kHz)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._wav = wave.open(str(path), "wb")  # noqa: SIM115  (closed in close())
        self._wav.setnchannels(1)
        self._wav.setsampwidth(SAMPLE_BYTES)
        self._wav.setframerate(SAMPLE_RATE)
        self._lock = threading.Lock()
        self._closed = False

    def write(self, pcm: bytes) -> None:
        with self._lock:
            if not self._closed:
                self._wav.writeframes(pcm)

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._wav.close()


class PcmSource:
    """Plays a fixed PCM buffer once, then silence."""

    def __init__(self, pcm: bytes) -> None:
        self._pcm = pcm
        self._position = 0

    def read(self, size: int) -> bytes:
        chunk = self._pcm[self._position : self._position + size]
        self._position += len(chunk)
        return chunk


class ToneSource:
    """A steady 440 Hz tone (16-bit PCM, 8 kHz, about -12 dBFS): a test call the far end can hear."""

    def __init__(self, frequency: float = 440.0, amplitude: int = 8000) -> None:
        period = [
            round(amplitude * math.sin(2 * math.pi * frequency * n / SAMPLE_RATE)) for n in range(SAMPLE_RATE)
        ]
        self._second = struct.pack(f"<{SAMPLE_RATE}h", *period)  # one second loops without a click at 440 Hz
        self._position = 0

    def read(self, size: int) -> bytes:
        out = bytearray()
        while len(out) < size:
            chunk = self._second[self._position : self._position + size - len(out)]
            out += chunk
            self._position = (self._position + len(chunk)) % len(self._second)
        return bytes(out)


@dataclass
class CallAudio:
    """The sink and source of one call, chosen by the application's media factory."""

    sink: AudioSink
    source: AudioSource | None = None
