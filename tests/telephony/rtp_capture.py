"""What is on the wire: UDP datagrams of chosen ports captured on the loopback with a raw packet socket,
and how much of a known tone a stretch of audio or a G.711 payload carries."""

from __future__ import annotations

import math
import os
import select
import socket
import struct
import threading
from dataclasses import dataclass

from lab_tools import lab_tool_missing

from desktop.telephony import g711

ETH_P_ALL = 0x0003
_ETHERNET_HEADER = 14
_RTP_HEADER = 12


@dataclass(frozen=True)
class Datagram:
    source_port: int
    destination_port: int
    payload: bytes


class LoopbackCapture:
    """Every UDP datagram to or from `ports` on `lo` while running (root: AF_PACKET)."""

    def __init__(self, ports: set[int]) -> None:
        if not hasattr(socket, "AF_PACKET") or os.geteuid() != 0:
            lab_tool_missing("capturing packets on the loopback needs Linux and root (AF_PACKET)")
        self.ports = ports
        self.datagrams: list[Datagram] = []
        self._sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self._sock.bind(("lo", 0))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rtp-capture", daemon=True)

    def __enter__(self) -> LoopbackCapture:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._sock], [], [], 0.05)
            if not ready:
                continue
            frame, address = self._sock.recvfrom(65535)
            if address[2] == socket.PACKET_OUTGOING:
                continue  # the loopback shows each packet twice: outgoing, then incoming
            datagram = _udp(frame[_ETHERNET_HEADER:])
            if datagram is not None and {datagram.source_port, datagram.destination_port} & self.ports:
                self.datagrams.append(datagram)


def _udp(packet: bytes) -> Datagram | None:
    """The UDP datagram of an IPv4 packet, or None."""
    if len(packet) < 20 or packet[0] >> 4 != 4 or packet[9] != socket.IPPROTO_UDP:
        return None
    offset = (packet[0] & 0x0F) * 4
    source, destination, length = struct.unpack_from("!HHH", packet, offset)
    return Datagram(source, destination, packet[offset + 8 : offset + length])


def tone_fraction(pcm: bytes, frequency: float, rate: int = 8000) -> float:
    """The share of the signal's energy at `frequency` (Goertzel): ~1 for that pure tone, ~0.01 for noise;
    0 for less than 10 ms (too short to tell)."""
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm[: len(pcm) // 2 * 2])
    if len(samples) < rate // 100:
        return 0.0
    coefficient = 2 * math.cos(2 * math.pi * frequency / rate)
    previous = before = 0.0
    for sample in samples:
        previous, before = sample + coefficient * previous - before, previous
    power = previous * previous + before * before - coefficient * previous * before
    total = sum(sample * sample for sample in samples)
    return 0.0 if total == 0 else 2 * power / (len(samples) * total)


def g711_tone_fraction(payload: bytes, frequency: float) -> float:
    """The tone's share in an RTP payload read as plaintext G.711 (either law): what an eavesdropper
    hears from one packet."""
    audio = payload[_RTP_HEADER:]
    return max(tone_fraction(g711.decode(audio, law), frequency) for law in set(g711.PAYLOAD_LAWS.values()))
