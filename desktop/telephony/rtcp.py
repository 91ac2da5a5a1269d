"""RTCP of one call (RFC 3550 §6, appendix A): reception statistics, SR/RR/SDES/BYE, the report clock."""

from __future__ import annotations

import random
import secrets
import struct
import time
from dataclasses import dataclass, field

from desktop.telephony.events import CallQuality

SR, RR, SDES, BYE = 200, 201, 202, 203
CLOCK_RATE = 8000  # G.711 and telephone-event
NTP_EPOCH_OFFSET = 2208988800  # seconds from 1900-01-01 to 1970-01-01
_MAX_DROPOUT, _MAX_MISORDER, _SEQ_MOD = 3000, 100, 1 << 16
_COMPENSATION = 2.71828 - 1.5  # RFC 3550 §6.3.1: the randomised interval is divided by e - 3/2
_BLOCK = struct.Struct("!IIIIII")  # ssrc, fraction+cumulative lost, ext. highest seq, jitter, LSR, DLSR


def is_rtcp(data: bytes) -> bool:
    """Whether a datagram is RTCP (RFC 5761 §4: version 2, packet type 192-223), muxed or not."""
    return len(data) >= 8 and data[0] >> 6 == 2 and 192 <= data[1] <= 223


def ntp_now(now: float | None = None) -> int:
    """The wall clock as a 64-bit NTP timestamp."""
    seconds = (time.time() if now is None else now) + NTP_EPOCH_OFFSET
    return int(seconds * (1 << 32)) & 0xFFFF_FFFF_FFFF_FFFF


def _middle(ntp: int) -> int:
    """The middle 32 bits of an NTP timestamp (LSR, and the arrival time of an RTT estimate)."""
    return (ntp >> 16) & 0xFFFF_FFFF


class ReceptionStats:
    """One source's sequence and timing statistics (RFC 3550 A.1, A.3 loss, A.8 interarrival jitter)."""

    def __init__(self, ssrc: int, sequence: int) -> None:
        self.ssrc = ssrc
        self._restart(sequence)
        self._transit: int | None = None
        self.jitter = 0.0  # in timestamp units (1/8000 s)
        self._jitter_sum = 0.0
        self._jitter_samples = 0

    def _restart(self, sequence: int) -> None:
        self.base_seq = sequence
        self.max_seq = sequence
        self.cycles = 0
        self.received = 1
        self._bad_seq = _SEQ_MOD + 1
        self._expected_prior = 0
        self._received_prior = 0

    def update(self, sequence: int) -> None:
        """A packet of this source arrived (A.1 `update_seq`, without the probation of a new source)."""
        delta = (sequence - self.max_seq) & 0xFFFF
        if 0 < delta < _MAX_DROPOUT:
            if sequence < self.max_seq:
                self.cycles += _SEQ_MOD
            self.max_seq = sequence
        elif delta >= _SEQ_MOD - _MAX_MISORDER or delta == 0:
            pass  # duplicate or reordered: counted as received, nothing else changes
        elif sequence == self._bad_seq:  # two in sequence after a big jump: the source restarted
            self._restart(sequence)
            return
        else:
            self._bad_seq = (sequence + 1) & 0xFFFF
            return
        self.received += 1

    def timing(self, rtp_timestamp: int, arrival: float) -> None:
        """A.8: the jitter estimate moves by 1/16 of each transit-time difference (`arrival` in seconds)."""
        transit = int(arrival * CLOCK_RATE) - rtp_timestamp
        if self._transit is not None:
            difference = (transit - self._transit) & 0xFFFF_FFFF
            if difference >= 1 << 31:
                difference = (1 << 32) - difference
            self.jitter += (difference - self.jitter) / 16
            self._jitter_sum += self.jitter
            self._jitter_samples += 1
        self._transit = transit

    @property
    def extended_max(self) -> int:
        return self.cycles + self.max_seq

    @property
    def expected(self) -> int:
        return self.extended_max - self.base_seq + 1

    @property
    def lost(self) -> int:
        """Cumulative packets lost (A.3): negative when duplicates outnumber losses."""
        return self.expected - self.received

    @property
    def mean_jitter(self) -> float:
        """The jitter estimate averaged over the stream, in timestamp units."""
        return self._jitter_sum / self._jitter_samples if self._jitter_samples else 0.0

    def block(self, lsr: int, dlsr: int) -> bytes:
        """This source's report block; starts a new interval for the fraction lost (A.3)."""
        expected, received = self.expected, self.received
        expected_interval = expected - self._expected_prior
        lost_interval = expected_interval - (received - self._received_prior)
        self._expected_prior, self._received_prior = expected, received
        fraction = (lost_interval << 8) // expected_interval if expected_interval and lost_interval > 0 else 0
        cumulative = max(-(1 << 23), min(self.lost, (1 << 23) - 1)) & 0xFFFFFF
        return _BLOCK.pack(
            self.ssrc,
            (min(fraction, 255) << 24) | cumulative,
            self.extended_max & 0xFFFF_FFFF,
            int(self.jitter) & 0xFFFF_FFFF,
            lsr,
            dlsr,
        )


@dataclass(frozen=True)
class ReportBlock:
    """What a report says about one source (RFC 3550 §6.4.1)."""

    ssrc: int
    fraction_lost: int  # out of 256, since the previous report
    cumulative_lost: int
    highest_sequence: int  # extended
    jitter: int  # timestamp units
    lsr: int
    dlsr: int  # 1/65536 s


@dataclass(frozen=True)
class Report:
    """One SR or RR of a compound packet: the sender, its sender info (SR only) and its blocks."""

    ssrc: int
    ntp: int | None  # an SR's NTP timestamp, None for an RR
    packets: int | None
    blocks: tuple[ReportBlock, ...]


def parse_compound(data: bytes) -> list[Report] | None:
    """The SRs and RRs of a compound RTCP packet (SDES, BYE and APP skipped); None when it is not RTCP."""
    reports: list[Report] = []
    offset = 0
    while offset + 4 <= len(data):
        first, packet_type, words = struct.unpack_from("!BBH", data, offset)
        end = offset + 4 * (words + 1)
        if first >> 6 != 2 or end > len(data):
            return None
        count = first & 0x1F
        if packet_type in (SR, RR):
            body = offset + 8 + (20 if packet_type == SR else 0)
            if body + count * _BLOCK.size > end:
                return None
            ssrc = struct.unpack_from("!I", data, offset + 4)[0]
            ntp = packets = None
            if packet_type == SR:
                high, low, _rtp, packets, _octets = struct.unpack_from("!IIIII", data, offset + 8)
                ntp = (high << 32) | low
            blocks = []
            for index in range(count):
                source, lost, highest, jitter, lsr, dlsr = _BLOCK.unpack_from(data, body + index * 24)
                cumulative = lost & 0xFFFFFF
                if cumulative & 0x800000:
                    cumulative -= 1 << 24
                blocks.append(ReportBlock(source, lost >> 24, cumulative, highest, jitter, lsr, dlsr))
            reports.append(Report(ssrc, ntp, packets, tuple(blocks)))
        offset = end
    return reports if offset == len(data) and offset else None


def _packet(packet_type: int, count: int, body: bytes) -> bytes:
    return struct.pack("!BBH", 0x80 | count, packet_type, len(body) // 4) + body


def _sdes(ssrc: int, cname: str) -> bytes:
    text = cname.encode("ascii")
    chunk = struct.pack("!IBB", ssrc, 1, len(text)) + text + b"\x00"  # CNAME item, then the end item
    chunk += b"\x00" * (-len(chunk) % 4)
    return _packet(SDES, 1, chunk)


@dataclass
class RtcpSession:
    """One call's RTCP state: our SSRC's reports on a randomised ~5 s clock, what the far end reports."""

    ssrc: int
    first_sequence: int  # our stream's first sequence number: how much the far end should have seen
    interval: float = 5.0
    cname: str = field(
        default_factory=lambda: f"td-{secrets.token_hex(6)}"
    )  # random (RFC 7022): says nothing
    source: ReceptionStats | None = None  # the far end's stream now
    reports_sent: int = 0
    reports_received: int = 0
    _next_report: float | None = None
    _last_sr: tuple[int, float] | None = None  # (middle of its NTP, our monotonic arrival)
    _remote_block: ReportBlock | None = None
    _round_trip: float | None = None
    _past_expected: int = 0  # streams the far end replaced (a new SSRC mid-call)
    _past_lost: int = 0
    _past_jitter: list[float] = field(default_factory=list)

    def received(self, ssrc: int, sequence: int, rtp_timestamp: int | None, arrival: float) -> None:
        """An RTP packet of the far end (`rtp_timestamp` None: not audio, e.g. a DTMF event, no timing)."""
        if self.source is None or self.source.ssrc != ssrc:
            if self.source is not None:
                self._past_expected += self.source.expected
                self._past_lost += self.source.lost
                self._past_jitter.append(self.source.mean_jitter)
            self.source = ReceptionStats(ssrc, sequence)
        else:
            self.source.update(sequence)
        if rtp_timestamp is not None:
            self.source.timing(rtp_timestamp, arrival)

    def due(self, now: float) -> bool:
        """Whether a report is due (the first after ~2.5 s, RFC 3550 §6.2 halves the first interval)."""
        if self._next_report is None:
            self._next_report = now + self._randomised(self.interval / 2)
        if now < self._next_report:
            return False
        self._next_report = now + self._randomised(self.interval)
        return True

    def _randomised(self, interval: float) -> float:
        return interval * random.uniform(0.5, 1.5) / _COMPENSATION

    def compound(self, now: float, *, sent: tuple[int, int, int] | None, goodbye: bool = False) -> bytes:
        """SR (when `sent` = (RTP timestamp now, packets, octets)) or RR, with the far end's block, SDES
        CNAME, and a BYE when we leave."""
        blocks = b""
        if self.source is not None:
            lsr = dlsr = 0
            if self._last_sr is not None:
                lsr = self._last_sr[0]
                dlsr = int((now - self._last_sr[1]) * 65536) & 0xFFFF_FFFF
            blocks = self.source.block(lsr, dlsr)
        count = 1 if blocks else 0
        if sent is not None:
            ntp = ntp_now()
            rtp_timestamp, packets, octets = sent
            info = struct.pack(
                "!IIIIII",
                self.ssrc,
                ntp >> 32,
                ntp & 0xFFFF_FFFF,
                rtp_timestamp & 0xFFFF_FFFF,
                packets & 0xFFFF_FFFF,
                octets & 0xFFFF_FFFF,
            )
            data = _packet(SR, count, info + blocks)
        else:
            data = _packet(RR, count, struct.pack("!I", self.ssrc) + blocks)
        data += _sdes(self.ssrc, self.cname)
        if goodbye:
            data += _packet(BYE, 1, struct.pack("!I", self.ssrc))
        self.reports_sent += 1
        return data

    def report_arrived(self, data: bytes, now: float) -> bool:
        """A compound packet from the far end: its SR time (for our LSR/DLSR), its block about us."""
        reports = parse_compound(data)
        if reports is None:
            return False
        if reports:  # an SR or RR (an APP or SDES alone, e.g. baresip's keepalive, is no report)
            self.reports_received += 1
        for report in reports:
            if report.ntp is not None:
                self._last_sr = (_middle(report.ntp), now)
            for block in report.blocks:
                if block.ssrc != self.ssrc:
                    continue
                self._remote_block = block
                if block.lsr:
                    arrival = _middle(ntp_now())
                    round_trip = ((arrival - block.lsr - block.dlsr) & 0xFFFF_FFFF) / 65536
                    if round_trip < 60:  # a wrapped or bogus value says nothing
                        self._round_trip = round_trip
        return True

    def quality(self) -> CallQuality:
        """The call's figures so far: our reception, and the far end's last report about our stream."""
        expected, lost = self._past_expected, self._past_lost
        jitters = list(self._past_jitter)
        if self.source is not None:
            expected += self.source.expected
            lost += self.source.lost
            jitters.append(self.source.mean_jitter)
        remote = self._remote_block
        remote_expected = None
        if remote is not None:
            remote_expected = ((remote.highest_sequence - self.first_sequence) & 0xFFFF_FFFF) + 1
        return CallQuality(
            packets_expected=expected,
            packets_lost=max(lost, 0),
            jitter_ms=round(max(jitters, default=0.0) * 1000 / CLOCK_RATE, 2),
            reports_sent=self.reports_sent,
            reports_received=self.reports_received,
            remote_packets_expected=remote_expected,
            remote_packets_lost=None if remote is None else max(remote.cumulative_lost, 0),
            remote_jitter_ms=None if remote is None else round(remote.jitter * 1000 / CLOCK_RATE, 2),
            round_trip_ms=None if self._round_trip is None else round(self._round_trip * 1000, 1),
        )
