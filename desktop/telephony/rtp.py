"""RTP for one call (RFC 3550): G.711 both ways, a small jitter buffer, RFC 4733 DTMF in and out, and its
RTCP (reports sent on the next port or muxed, the far end's read; SRTCP on SRTP calls)."""

from __future__ import annotations

import contextlib
import logging
import platform
import secrets
import socket
import struct
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from desktop.telephony import g711
from desktop.telephony.audio import AudioSink, AudioSource
from desktop.telephony.events import CallQuality
from desktop.telephony.media import RtpEndpoint
from desktop.telephony.media_engine import MediaEngine
from desktop.telephony.rtcp import RtcpSession, is_rtcp
from desktop.telephony.srtp import Crypto, SrtpStreams
from desktop.telephony.transport import Address

log = logging.getLogger(__name__)

FRAME_SAMPLES = 160  # 20 ms at 8 kHz
FRAME_SECONDS = 0.02
DTMF_EVENTS = "0123456789*#ABCD"
_HEADER = struct.Struct("!BBHII")
# Kernel receive timestamps (Linux SO_TIMESTAMPNS): the jitter of the network, not of a busy media thread.
_SO_TIMESTAMPNS = 35 if sys.platform == "linux" and platform.machine() in ("x86_64", "aarch64") else None
_TIMESPEC = struct.Struct("@qq")


def _stamp_arrivals(sock: socket.socket) -> bool:
    if _SO_TIMESTAMPNS is None or not hasattr(sock, "recvmsg"):
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
    except OSError:
        return False
    return True


def _receive(sock: socket.socket, stamped: bool) -> tuple[bytes, float]:
    """One datagram and when it arrived (wall clock seconds): the kernel's stamp when there is one."""
    if not stamped:
        return sock.recv(2048), time.time()
    data, ancillary, _flags, _address = sock.recvmsg(2048, socket.CMSG_SPACE(_TIMESPEC.size))
    for level, kind, value in ancillary:
        if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS and len(value) >= _TIMESPEC.size:
            seconds, nanoseconds = _TIMESPEC.unpack_from(value)
            return data, seconds + nanoseconds / 1e9
    return data, time.time()


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
    """One call's audio both ways on the agent's `MediaEngine` (one thread for all calls), 20 ms paced.

    `direction` is ours as in SDP (RFC 3264): "sendonly" (we hold the far end), "recvonly" (it holds us),
    "inactive", or "sendrecv". `update()` changes the far end, codec or direction mid-call (re-INVITE).
    """

    def __init__(
        self,
        endpoint: RtpEndpoint,
        remote: Address,
        payload_type: int,
        telephone_event: int | None,
        sink: AudioSink,
        source: AudioSource | None,
        on_dtmf: Callable[[str], None],
        engine: MediaEngine | None = None,
        direction: str = "sendrecv",
        srtp: tuple[Crypto, Crypto] | None = None,
        *,
        rtcp_port: int | None = None,
        rtcp_mux: bool = False,
        rtcp_interval: float = 5.0,
    ) -> None:
        """Without `engine` the session runs on an engine (a thread) of its own, stopped with it.
        `srtp` = (our key, theirs): SRTP and SRTCP both ways; a packet that fails authentication is dropped.
        RTCP goes to the far end's `rtcp_port` (SDP a=rtcp, RFC 3605; default its RTP port + 1), or to its
        RTP port with `rtcp_mux` (RFC 5761); reports are read on both our ports whatever was negotiated."""
        self._sock = endpoint.socket
        self._sock.setblocking(False)
        self._rtcp_sock = endpoint.rtcp_socket
        self._rtcp_sock.setblocking(False)
        self._stamped = _stamp_arrivals(self._sock)
        self.port = endpoint.port
        self.name = f"rtp-{endpoint.port}"
        self._remote = remote
        self._rtcp_port = rtcp_port
        self._rtcp_mux = rtcp_mux
        self._payload_type = payload_type
        self._law = g711.PAYLOAD_LAWS[payload_type]
        self._telephone_event = telephone_event
        self._direction = direction
        self._sink = sink
        self._source = source
        self._on_dtmf = on_dtmf
        self._jitter = JitterBuffer()
        self._srtp = SrtpStreams(*srtp) if srtp is not None else None
        self._ssrc_in: int | None = None
        self._last_dtmf_timestamp: int | None = None
        self._ssrc = secrets.randbits(32)
        self._sequence = secrets.randbits(16)
        self._timestamp = secrets.randbits(32)
        self._dtmf_queue: deque[str] = deque()
        self._dtmf_packets: deque[tuple[bool, int, bytes]] = deque()
        self._own_engine = engine is None
        self._engine = engine if engine is not None else MediaEngine(name=f"sip-rtp-{endpoint.port}")
        self._next_send: float | None = None
        self._started = False
        self._stopped = False
        self.packets_in = 0
        self.packets_out = 0
        self._octets_out = 0
        self._rtcp = RtcpSession(self._ssrc, self._sequence, interval=rtcp_interval)

    @property
    def rtcp_socket(self) -> socket.socket:
        return self._rtcp_sock

    @property
    def socket(self) -> socket.socket:
        return self._sock

    @property
    def rtcp_remote(self) -> Address:
        """Where our reports go."""
        if self._rtcp_mux:
            return self._remote
        return (self._remote[0], self._rtcp_port or self._remote[1] + 1)

    def quality(self) -> CallQuality:
        """Loss and jitter of what we received, and the far end's report of our stream, so far."""
        with self._engine.lock:
            return self._rtcp.quality()

    @property
    def direction(self) -> str:
        return self._direction

    @property
    def remote(self) -> Address:
        return self._remote

    @property
    def srtp_suite(self) -> str:
        """The crypto suite protecting the audio now, "" for plain RTP."""
        return self._srtp.suite if self._srtp is not None else ""

    @property
    def packets_rejected(self) -> int:
        """Datagrams dropped because SRTP found them not authentic (forged, replayed or plain)."""
        return self._srtp.rejected if self._srtp is not None else 0

    def start(self) -> None:
        if self._own_engine:
            self._engine.start()
        self._started = True
        self._engine.add(self)

    def update(
        self,
        remote: Address | None = None,
        payload_type: int | None = None,
        telephone_event: int | None = None,
        direction: str | None = None,
        *,
        srtp: tuple[Crypto, Crypto] | None = None,
        rtcp_port: int | None = None,
        rtcp_mux: bool | None = None,
    ) -> None:
        """Apply a new offer/answer: far-end address, codec, telephone-event payload type, direction, and
        the SRTP keys (None: plain RTP; a changed key gets a new context, an unchanged one keeps its own)."""
        with self._engine.lock:
            if remote is not None:
                self._rtcp_port = rtcp_port
            if rtcp_mux is not None:
                self._rtcp_mux = rtcp_mux
            if srtp is None:
                self._srtp = None
            elif self._srtp is None:
                self._srtp = SrtpStreams(*srtp)
            else:
                self._srtp.rekey(*srtp)
            if remote is not None:
                self._remote = remote
            if payload_type is not None and payload_type in g711.PAYLOAD_LAWS:
                self._payload_type = payload_type
                self._law = g711.PAYLOAD_LAWS[payload_type]
            if telephone_event is not None:
                self._telephone_event = telephone_event
            if direction is not None:
                self._direction = direction

    def send_dtmf(self, digits: str) -> None:
        """Queue RFC 4733 events (100 ms each, 60 ms apart); ValueError for a non-DTMF character."""
        if self._telephone_event is None:
            raise ValueError("the far end did not accept telephone-event")
        for digit in digits.upper():
            if digit not in DTMF_EVENTS:
                raise ValueError(f"not a DTMF digit: {digit!r}")
            self._dtmf_queue.append(digit)

    def stop(self, timeout: float = 0.5) -> None:
        """Stop sending and receiving, with a last report and an RTCP BYE (RFC 3550 §6.6); the sink is
        closed once the media thread has let go of it."""
        if self._stopped:
            return
        self._stopped = True
        if self._started:
            self._engine.remove(self)
            self._send_report(time.monotonic(), goodbye=True)  # the media thread no longer runs it
        if self._own_engine:
            self._engine.stop(timeout)
        self._sink.close()

    def receive_ready(self) -> None:
        """Media thread: everything that has arrived, into the jitter buffer and on to the sink."""
        self._receive_all()

    def clock_tick(self, now: float) -> float:
        """Media thread: one packet per 20 ms (silence/DTMF/source audio) unless we must not send."""
        if self._next_send is None:
            self._next_send = now
        if self._direction in ("sendrecv", "sendonly"):
            self._send_next()
        else:
            self._timestamp += FRAME_SAMPLES  # the clock runs on while muted (RFC 3550 §5.1)
        self._next_send += FRAME_SECONDS
        if now - self._next_send > 0.2:  # the thread was starved: resynchronise, do not burst
            self._next_send = now + FRAME_SECONDS
        if self._rtcp.due(now):
            self._send_report(now)
        return self._next_send

    def _send_report(self, now: float, *, goodbye: bool = False) -> None:
        """An SR while we send audio (an RR while we hold or are inactive), SRTCP on an SRTP call."""
        sending = self._direction in ("sendrecv", "sendonly") and self.packets_out > 0
        sent = (self._timestamp, self.packets_out, self._octets_out) if sending else None
        packet = self._rtcp.compound(now, sent=sent, goodbye=goodbye)
        if self._srtp is not None:
            protected = self._srtp.protect_rtcp(packet)
            if protected is None:
                return
            packet = protected
        sock = self._sock if self._rtcp_mux else self._rtcp_sock
        with contextlib.suppress(OSError):
            sock.sendto(packet, self.rtcp_remote)

    def _report_in(self, data: bytes) -> None:
        if self._srtp is not None:
            unprotected = self._srtp.unprotect_rtcp(data)
            if unprotected is None:
                return
            data = unprotected
        if not self._rtcp.report_arrived(data, time.monotonic()):
            log.debug("RTCP on %s not understood (%d bytes)", self.name, len(data))

    def _receive_all(self) -> None:
        while True:
            try:
                data = self._rtcp_sock.recv(2048)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as error:
                log.debug("RTCP receive on %s: %s", self.name, error)
                break
            if is_rtcp(data):
                self._report_in(data)
        while True:
            try:
                data, arrival = _receive(self._sock, self._stamped)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as error:  # e.g. ICMP port unreachable from the far end: keep serving
                log.debug("RTP receive on %s: %s", self.name, error)
                break
            if is_rtcp(data):  # muxed on the RTP port (RFC 5761 §4)
                self._report_in(data)
                continue
            if self._srtp is not None:
                unprotected = self._srtp.unprotect(data)
                if unprotected is None:
                    continue
                data = unprotected
            packet = parse_rtp(data)
            if packet is None:
                continue
            self.packets_in += 1
            if packet.payload_type == self._telephone_event:
                self._dtmf_in(packet)
                if packet.ssrc == self._ssrc_in:
                    self._jitter.push(packet.sequence, b"")  # it holds a sequence number of the stream
                    self._rtcp.received(packet.ssrc, packet.sequence, None, arrival)
            elif packet.payload_type == self._payload_type:
                if packet.ssrc != self._ssrc_in:
                    self._ssrc_in = packet.ssrc
                    self._jitter.reset()
                self._jitter.push(packet.sequence, packet.payload)
                self._rtcp.received(packet.ssrc, packet.sequence, packet.timestamp, arrival)
        hearing = self._direction in ("sendrecv", "recvonly")
        for payload in self._jitter.pop_ready():
            if payload and hearing:
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
        if self._srtp is not None:
            protected = self._srtp.protect(packet)
            if protected is None:
                return
            packet = protected
        with contextlib.suppress(OSError):
            self._sock.sendto(packet, self._remote)
            self.packets_out += 1
            self._octets_out += len(payload)
