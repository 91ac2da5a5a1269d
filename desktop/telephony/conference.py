"""The three-way call mixed on the desk: two answered calls joined so each far end hears the operator and
the other far end, and the operator hears both.

Every call's audio passes through a `LegAudio`. Of a joined pair, the first leg (the citizen's call) carries
the operator's headset: its sink gets both far ends mixed and its source is the only one the microphone is
read from, the second leg gets a copy (one headset, two calls: reading the microphone twice would split
its frames between them). Both `write` (a far end's audio arrives) and `read` (our audio is due) run on the
one media thread; `join`/`split` come from other threads, hence the lock.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable

from desktop.domain.codes import CallDirection
from desktop.telephony.audio import SAMPLE_BYTES, SAMPLE_RATE, CallAudio

MAX_BACKLOG = SAMPLE_RATE * SAMPLE_BYTES // 5  # 200 ms: a leg whose clock runs slow drops the oldest audio


def mix(first: bytes, second: bytes) -> bytes:
    """Two stretches of 16-bit PCM of the same length added sample by sample, clipped to 16 bits."""
    a, b = array("h", first), array("h", second)
    return array("h", (max(-32768, min(32767, x + y)) for x, y in zip(a, b, strict=True))).tobytes()


class _Backlog:
    """PCM waiting to be taken by the other leg's clock, bounded."""

    def __init__(self) -> None:
        self._pcm = bytearray()

    def put(self, pcm: bytes) -> None:
        self._pcm += pcm
        if len(self._pcm) > MAX_BACKLOG:
            del self._pcm[: len(self._pcm) - MAX_BACKLOG]

    def take(self, size: int) -> bytes:
        chunk = bytes(self._pcm[:size])
        del self._pcm[:size]
        return chunk.ljust(size, b"\x00")


class LegAudio:
    """One call's sink and source as the agent sees them: the application's, plus the joined leg's."""

    def __init__(self, audio: CallAudio, lock: threading.Lock) -> None:
        self._audio = audio
        self._lock = lock
        self.peer: LegAudio | None = None
        self.primary = False  # of a joined pair: the leg the operator's headset is on
        self._to_peer = _Backlog()  # our far end's words, for the other far end
        self._to_operator = _Backlog()  # secondary leg: our far end's words, for the primary's headset
        self._microphone = _Backlog()  # primary leg: the operator's words, for the secondary leg

    def write(self, pcm: bytes) -> None:
        with self._lock:
            peer = self.peer
            if peer is not None:
                self._to_peer.put(pcm)
                if not self.primary:
                    self._to_operator.put(pcm)
                    return  # the operator hears this leg through the primary's headset
                pcm = mix(pcm, peer._to_operator.take(len(pcm)))
        self._audio.sink.write(pcm)

    def close(self) -> None:
        self._audio.sink.close()

    def read(self, size: int) -> bytes:
        with self._lock:
            peer = self.peer
            if peer is not None and not self.primary:
                return mix(peer._microphone.take(size), peer._to_peer.take(size))
        own = self._audio.source.read(size) if self._audio.source is not None else b""
        own = own[:size].ljust(size, b"\x00")
        with self._lock:
            peer = self.peer
            if peer is None:
                return own
            self._microphone.put(own)
            return mix(own, peer._to_peer.take(size))

    def clear(self) -> None:
        self.peer = None
        self.primary = False
        self._to_peer, self._to_operator, self._microphone = _Backlog(), _Backlog(), _Backlog()


class Bridges:
    """Every call's `LegAudio` by call id, and which pairs are joined."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._legs: dict[str, LegAudio] = {}

    def wrap(
        self, factory: Callable[[str, CallDirection], CallAudio]
    ) -> Callable[[str, CallDirection], CallAudio]:
        """The application's audio factory, each call's audio passing through a joinable leg."""

        def leg_audio(call_id: str, direction: CallDirection) -> CallAudio:
            leg = LegAudio(factory(call_id, direction), self._lock)
            with self._lock:
                self._legs[call_id] = leg
            return CallAudio(leg, leg)

        return leg_audio

    def join(self, first: str, second: str) -> None:
        with self._lock:
            a, b = self._legs.get(first), self._legs.get(second)
            if a is None or b is None:
                raise KeyError(first if a is None else second)
            for leg in (a, b):
                if leg.peer is not None:
                    leg.peer.clear()
                leg.clear()
            a.peer, b.peer = b, a
            a.primary = True

    def split(self, call_id: str) -> None:
        with self._lock:
            leg = self._legs.get(call_id)
            if leg is not None and leg.peer is not None:
                leg.peer.clear()
                leg.clear()

    def peer_of(self, call_id: str) -> str | None:
        with self._lock:
            leg = self._legs.get(call_id)
            if leg is None or leg.peer is None:
                return None
            return next((cid for cid, other in self._legs.items() if other is leg.peer), None)

    def forget(self, call_id: str) -> None:
        """The call ended: its partner goes back to a two-party call."""
        self.split(call_id)
        with self._lock:
            self._legs.pop(call_id, None)
