"""RTP for one call (RFC 3550): G.711 both ways, a small jitter buffer, RFC 4733 DTMF in and out."""

from __future__ import annotations

import contextlib
import logging
import secrets
import select
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from desktop.telephony import g711
from desktop.telephony.audio import AudioSink, AudioSource
from desktop.telephony.media import RtpEndpoint
from desktop.telephony.transport import Address

log = logging.getLogger(__name__)

FRAME_SAMPLES = 160  # 20 ms at 8 kHz
FRAME_SECONDS = 0.02
DTMF_EVENTS = "0123456789*#ABCD"
_HEADER = struct.Struct("!BBHII")


@dataclass(frozen=True)
class RtpPacket:
    payload_type: int
    marker: bool
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes


def parse_rtp(data: bytes) -> RtpPacket | None:
    """An RTP packet (CSRCs, extension and padding skipped); None when it is not RTP version 2."""
    if len(data) < _HEADER.size:
        return None
    first, second, sequence, timestamp, ssrc = _HEADER.unpack_from(data)
    if first >> 6 != 2:
        return None
    offset = _HEADER.size + 4 * (first & 0x0F)
    if first & 0x10:  # header extension
        if len(data) < offset + 4:
            return None
        offset += 4 + 4 * struct.unpack_from("!H", data, offset + 2)[0]
    end = len(data)
    if first & 0x20 and end > offset:  # padding
        end -= data[-1]
    if offset > end:
        return None
    return RtpPacket(second & 0x7F, bool(second & 0x80), sequence, timestamp, ssrc, data[offset:end])


def build_rtp(
    payload_type: int, marker: bool, sequence: int, timestamp: int, ssrc: int, payload: bytes
) -> bytes:
    second = (0x80 if marker else 0) | payload_type
    return _HEADER.pack(0x80, second, sequence & 0xFFFF, timestamp & 0xFFFFFFFF, ssrc) + payload


def _before(a: int, b: int) -> bool:
    """Whether 16-bit sequence number `a` comes before `b` (wrap-around aware)."""
    return a != b and ((b - a) & 0xFFFF) < 0x8000


class JitterBuffer:
    """Puts packets back in sequence order; waits for a missing one until `depth` later packets are there."""

    def __init__(self, depth: int = 3) -> None:
        self.depth = depth
        self._packets: dict[int, bytes] = {}
        self._next: int | None = None
        self.lost = 0

    def push(self, sequence: int, payload: bytes) -> None:
        if self._next is not None and (sequence == self._next - 1 or _before(sequence, self._next)):
            return  # late or duplicate: already played past it
        self._packets[sequence] = payload
        if self._next is None:
            self._next = sequence

    def pop_ready(self) -> list[bytes]:
        """Payloads that can be played now, in order."""
        ready: list[bytes] = []
        while self._next is not None and self._packets:
            if self._next in self._packets:
                ready.append(self._packets.pop(self._next))
                self._next = (self._next + 1) & 0xFFFF
            elif len(self._packets) >= self.depth:
                expected = self._next
                earliest = min(self._packets, key=lambda seq: (seq - expected) & 0xFFFF)
                self.lost += (earliest - expected) & 0xFFFF
                self._next = earliest
            else:
                break
        return ready

    def reset(self) -> None:
        self._packets.clear()
        self._next = None


class RtpSession:
    """Sends and receives one call's audio on its own daemon thread, paced at 20 ms per packet."""

    def __init__(
        self,
        endpoint: RtpEndpoint,
        remote: Address,
        payload_type: int,
        telephone_event: int | None,
        sink: AudioSink,
        source: AudioSource | None,
        on_dtmf: Callable[[str], None],
    ) -> None:
        self._sock = endpoint.socket
        self._sock.setblocking(False)
        self._remote = remote
        self._payload_type = payload_type
        self._law = g711.PAYLOAD_LAWS[payload_type]
        self._telephone_event = telephone_event
        self._sink = sink
        self._source = source
        self._on_dtmf = on_dtmf
        self._jitter = JitterBuffer()
        self._ssrc_in: int | None = None
        self._last_dtmf_timestamp: int | None = None
        self._ssrc = secrets.randbits(32)
        self._sequence = secrets.randbits(16)
        self._timestamp = secrets.randbits(32)
        self._dtmf_queue: deque[str] = deque()
        self._dtmf_packets: deque[tuple[bool, int, bytes]] = deque()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"sip-rtp-{endpoint.port}", daemon=True)
        self.packets_in = 0
        self.packets_out = 0

    def start(self) -> None:
        self._thread.start()

    def send_dtmf(self, digits: str) -> None:
        """Queue RFC 4733 events (100 ms each, 60 ms apart); ValueError for a non-DTMF character."""
        if self._telephone_event is None:
            raise ValueError("the far end did not accept telephone-event")
        for digit in digits.upper():
            if digit not in DTMF_EVENTS:
                raise ValueError(f"not a DTMF digit: {digit!r}")
            self._dtmf_queue.append(digit)

    def stop(self, timeout: float = 0.5) -> None:
        self._stopped.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        self._sink.close()

    def _run(self) -> None:
        """RTP thread: receive what has arrived, then send one packet every 20 ms."""
        next_send = time.monotonic()
        while not self._stopped.is_set():
            wait = max(0.0, next_send - time.monotonic())
            try:
                readable, _, _ = select.select([self._sock], [], [], wait)
                if readable:
                    self._receive_all()
                now = time.monotonic()
                if now >= next_send:
                    self._send_next()
                    next_send += FRAME_SECONDS
                    if now - next_send > 0.2:  # the thread was starved: resynchronise, do not burst
                        next_send = now + FRAME_SECONDS
            except (OSError, ValueError) as error:
                if self._stopped.is_set():
                    return
                log.warning("RTP error on %s (continuing): %s", self._thread.name, error)
                time.sleep(FRAME_SECONDS)
            except Exception:
                log.exception("RTP thread %s failed on a packet", self._thread.name)

    def _receive_all(self) -> None:
        while True:
            try:
                data = self._sock.recv(2048)
            except (BlockingIOError, InterruptedError):
                break
            packet = parse_rtp(data)
            if packet is None:
                continue
            self.packets_in += 1
            if packet.payload_type == self._telephone_event:
                self._dtmf_in(packet)
                if packet.ssrc == self._ssrc_in:
                    self._jitter.push(packet.sequence, b"")  # it holds a sequence number of the stream
            elif packet.payload_type == self._payload_type:
                if packet.ssrc != self._ssrc_in:
                    self._ssrc_in = packet.ssrc
                    self._jitter.reset()
                self._jitter.push(packet.sequence, packet.payload)
        for payload in self._jitter.pop_ready():
            if payload:
                self._sink.write(g711.decode(payload, self._law))

    def _dtmf_in(self, packet: RtpPacket) -> None:
        if len(packet.payload) < 4 or packet.payload[0] >= len(DTMF_EVENTS):
            return
        if packet.timestamp == self._last_dtmf_timestamp:
            return  # the same event again (continuation or end packets)
        self._last_dtmf_timestamp = packet.timestamp
        self._on_dtmf(DTMF_EVENTS[packet.payload[0]])

    def _send_next(self) -> None:
        if not self._dtmf_packets and self._dtmf_queue:
            self._plan_dtmf(self._dtmf_queue.popleft())
        if self._dtmf_packets:
            marker, timestamp, payload = self._dtmf_packets.popleft()
            assert self._telephone_event is not None
            self._send(self._telephone_event, marker, timestamp, payload)
            if not self._dtmf_packets:
                self._timestamp += 8 * FRAME_SAMPLES  # the event's duration plus the pause after it
            return
        pcm = self._source.read(FRAME_SAMPLES * 2) if self._source is not None else b""
        pcm = pcm.ljust(FRAME_SAMPLES * 2, b"\x00")
        self._send(self._payload_type, False, self._timestamp, g711.encode(pcm, self._law))
        self._timestamp += FRAME_SAMPLES

    def _plan_dtmf(self, digit: str) -> None:
        """5 packets of growing duration (100 ms), then the end packet sent 3 times (RFC 4733 §2.5.1.4)."""
        event = DTMF_EVENTS.index(digit)
        start = self._timestamp
        for step in range(1, 6):
            payload = struct.pack("!BBH", event, 10, step * FRAME_SAMPLES)
            self._dtmf_packets.append((step == 1, start, payload))
        for _ in range(3):
            self._dtmf_packets.append(
                (False, start, struct.pack("!BBH", event, 0x80 | 10, 5 * FRAME_SAMPLES))
            )

    def _send(self, payload_type: int, marker: bool, timestamp: int, payload: bytes) -> None:
        packet = build_rtp(payload_type, marker, self._sequence, timestamp, self._ssrc, payload)
        self._sequence = (self._sequence + 1) & 0xFFFF
        with contextlib.suppress(OSError):
            self._sock.sendto(packet, self._remote)
            self.packets_out += 1
