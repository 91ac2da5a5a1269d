"""Call audio between the SIP media thread and a sound device: small bounded PCM rings without locks."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from desktop.telephony.audio import SAMPLE_BYTES, SAMPLE_RATE, AudioSink

BYTES_PER_MS = SAMPLE_RATE * SAMPLE_BYTES // 1000  # 16 bytes: 8 kHz, 16-bit mono


class PcmRing:
    """A bounded FIFO of 16-bit PCM between one writer thread and one reader thread, without a lock.

    Frames go into a `deque`, whose append/popleft are atomic: the writer (the SIP media thread for the
    headset, the GUI thread for the microphone) never waits for the reader, even one descheduled
    mid-read. Past `max_ms` the writer drops the oldest frames. Each counter has one owner thread.
    """

    def __init__(self, max_ms: int = 200) -> None:
        self.limit = max(SAMPLE_BYTES, max_ms * BYTES_PER_MS // SAMPLE_BYTES * SAMPLE_BYTES)
        self._frames: deque[bytes] = deque()
        self.received = 0  # writer: bytes pushed since the last clear
        self.dropped = 0  # writer: bytes pushed out unread because the reader fell behind (or there is none)
        self._taken = 0  # reader: bytes taken out of the deque
        self._partial = b""  # reader: the rest of a frame a read did not need

    def push(self, pcm: bytes) -> None:
        if not pcm:
            return
        self._frames.append(bytes(pcm))
        self.received += len(pcm)
        while self.received - self.dropped - self._taken > self.limit:
            try:
                self.dropped += len(self._frames.popleft())
            except IndexError:  # the reader took it meanwhile
                break

    def pop(self, size: int) -> bytes:
        size -= size % SAMPLE_BYTES
        chunks = [self._partial]
        have = len(self._partial)
        while have < size:
            try:
                frame = self._frames.popleft()
            except IndexError:
                break
            self._taken += len(frame)
            chunks.append(frame)
            have += len(frame)
        joined = b"".join(chunks)
        keep = min(size, len(joined) - len(joined) % SAMPLE_BYTES)
        self._partial = joined[keep:]
        return joined[:keep]

    def contents(self) -> bytes:
        """What is queued, oldest first (a snapshot, for tests and diagnostics)."""
        return self._partial + b"".join(list(self._frames))

    def clear(self) -> None:
        self._frames.clear()
        self._partial = b""
        self.received = self.dropped = self._taken = 0

    def __len__(self) -> int:
        return len(self.contents())


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
