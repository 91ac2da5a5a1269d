"""Call audio between the SIP media thread and a sound device: small bounded PCM rings, never blocking."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from desktop.telephony.audio import SAMPLE_BYTES, SAMPLE_RATE, AudioSink

BYTES_PER_MS = SAMPLE_RATE * SAMPLE_BYTES // 1000  # 16 bytes: 8 kHz, 16-bit mono


class PcmRing:
    """A bounded FIFO of 16-bit PCM. The writer never waits: past `max_ms` the oldest audio is dropped.

    The lock is held only to copy bytes, so neither the media thread nor the GUI thread can stall the other.
    """

    def __init__(self, max_ms: int = 200) -> None:
        self.limit = max(SAMPLE_BYTES, max_ms * BYTES_PER_MS // SAMPLE_BYTES * SAMPLE_BYTES)
        self._data = bytearray()
        self._lock = threading.Lock()
        self.received = 0  # bytes pushed since the last clear
        self.dropped = 0  # bytes pushed out unread because the reader fell behind (or there is none)

    def push(self, pcm: bytes) -> None:
        with self._lock:
            self._data += pcm
            self.received += len(pcm)
            excess = len(self._data) - self.limit
            if excess > 0:
                excess += excess % SAMPLE_BYTES  # never split a sample
                del self._data[:excess]
                self.dropped += excess

    def pop(self, size: int) -> bytes:
        size -= size % SAMPLE_BYTES
        with self._lock:
            chunk = bytes(self._data[:size])
            del self._data[:size]
            return chunk

    def contents(self) -> bytes:
        with self._lock:
            return bytes(self._data)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.received = 0
            self.dropped = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)


class RingSink:
    """The far end's audio into a ring the sound device plays from (`write` runs on the media thread)."""

    def __init__(self, ring: PcmRing) -> None:
        self.ring = ring
        self.closed = False

    def write(self, pcm: bytes) -> None:
        if not self.closed:
            self.ring.push(pcm)

    def close(self) -> None:
        self.closed = True


class RingSource:
    """Our microphone's audio from a ring the sound device fills; empty means silence (the agent pads)."""

    def __init__(self, ring: PcmRing) -> None:
        self.ring = ring

    def read(self, size: int) -> bytes:
        return self.ring.pop(size)


class TeeSink:
    """Hands every frame to each sink (the recorder, the headset); one failing does not stop the rest."""

    def __init__(self, sinks: Iterable[AudioSink]) -> None:
        self.sinks = list(sinks)
        self.errors = 0

    def write(self, pcm: bytes) -> None:
        for sink in self.sinks:
            try:
                sink.write(pcm)
            except Exception:
                self.errors += 1

    def close(self) -> None:
        for sink in self.sinks:
            try:
                sink.close()
            except Exception:
                self.errors += 1
