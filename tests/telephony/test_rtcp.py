"""RTCP (RFC 3550): loss and jitter of what arrives (A.3, A.8), reports built and read back, reports between
two calls' RTP sessions on real sockets (plain, SRTCP, muxed), and a lost packet counted from the wire."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from desktop.telephony import MemorySink
from desktop.telephony.media import RtpEndpoint
from desktop.telephony.media_engine import MediaEngine
from desktop.telephony.rtcp import BYE, RR, SDES, SR, ReceptionStats, RtcpSession, is_rtcp, parse_compound
from desktop.telephony.rtp import RtpSession, build_rtp
from desktop.telephony.srtp import Crypto


def test_every_tenth_packet_missing_is_ten_per_cent_lost_across_the_sequence_wrap():
    stats = ReceptionStats(ssrc=7, sequence=65000)
    for n in range(1, 1000):
        if n % 10:
            stats.update((65000 + n) & 0xFFFF)

    assert stats.expected == 1000
    assert stats.lost == 99  # 1..999: 99 multiples of ten never came
    assert stats.extended_max == 65000 + 999  # one wrap counted in the cycles


def test_a_duplicate_counts_as_received_and_a_late_packet_is_not_lost():
    stats = ReceptionStats(ssrc=7, sequence=10)
    for sequence in (12, 11, 13, 13):  # 11 arrives late, 13 twice
        stats.update(sequence)

    assert stats.expected == 4
    assert stats.lost == -1  # RFC 3550 A.3: duplicates can make the count negative


def test_jitter_follows_the_spread_of_transit_times():
    paced = ReceptionStats(ssrc=1, sequence=0)
    wobbly = ReceptionStats(ssrc=1, sequence=0)
    for n in range(500):
        paced.timing(n * 160, 100.0 + n * 0.02)
        wobbly.timing(n * 160, 100.0 + n * 0.02 + (0.010 if n % 2 else 0.0))  # every other one 10 ms late

    assert paced.jitter == pytest.approx(0.0, abs=1.0)
    assert wobbly.jitter == pytest.approx(80.0, rel=0.02)  # 10 ms in 8 kHz timestamp units


def test_a_sender_report_says_what_we_sent_and_what_we_heard_of_the_far_end():
    ours = RtcpSession(ssrc=0x1111, first_sequence=100)
    for n in range(50):
        if n != 20:
            ours.received(0x2222, n, n * 160, 10.0 + n * 0.02)

    data = ours.compound(11.0, sent=(123456, 49, 49 * 160), goodbye=True)

    assert is_rtcp(data)
    assert [data[1], *_types(data)][:1] == [SR] and _types(data) == [SR, SDES, BYE]
    reports = parse_compound(data)
    assert reports is not None and len(reports) == 1
    report = reports[0]
    assert report.ssrc == 0x1111 and report.packets == 49 and report.ntp is not None
    (block,) = report.blocks
    assert (block.ssrc, block.cumulative_lost, block.highest_sequence) == (0x2222, 1, 49)
    assert block.fraction_lost == 256 // 50  # one in fifty since the start


def test_a_report_of_our_stream_becomes_the_far_ends_figures():
    far = RtcpSession(ssrc=0x2222, first_sequence=0)
    for n in range(200):
        if n % 5 != 2:  # one in five of ours never reaches it
            far.received(0x1111, 1001 + n, n * 160, n * 0.02)
    ours = RtcpSession(ssrc=0x1111, first_sequence=1001)

    assert ours.report_arrived(far.compound(5.0, sent=None), 5.0)

    quality = ours.quality()
    assert quality.reports_received == 1
    assert quality.remote_packets_expected == 200
    assert quality.remote_packets_lost == 40
    assert quality.remote_loss_percent == 20.0


def test_a_receiver_report_without_blocks_and_garbage_are_told_apart():
    quiet = RtcpSession(ssrc=5, first_sequence=0)
    data = quiet.compound(1.0, sent=None)
    assert _types(data) == [RR, SDES]
    assert parse_compound(data) is not None
    assert parse_compound(b"\x80\xc9\x00\x09" + b"\x00" * 8) is None  # says 40 bytes, has 12
    assert not is_rtcp(build_rtp(8, False, 1, 160, 5, b"\xd5" * 160))


def _types(data: bytes) -> list[int]:
    types, offset = [], 0
    while offset < len(data):
        types.append(data[offset + 1])
        offset += 4 * (int.from_bytes(data[offset + 2 : offset + 4], "big") + 1)
    return types


@pytest.fixture
def engine() -> Iterator[MediaEngine]:
    media = MediaEngine(name="sip-media-rtcp-test")
    media.start()
    yield media
    media.stop()


def _pair(
    engine: MediaEngine, *, srtp: bool = False, srtp_b: bool | None = None, mux: bool = False
) -> tuple[RtpSession, RtpSession]:
    """Two calls' RTP sessions talking to each other on loopback, reporting every ~0.4 s."""
    end_a, end_b = RtpEndpoint("127.0.0.1", 26000, 26999), RtpEndpoint("127.0.0.1", 26000, 26999)
    key_a, key_b = Crypto.new(), Crypto.new()
    use_b = srtp if srtp_b is None else srtp_b
    a = RtpSession(
        end_a, ("127.0.0.1", end_b.port), 8, 101, MemorySink(), None, lambda _: None, engine=engine,
        srtp=(key_a, key_b) if srtp else None, rtcp_mux=mux, rtcp_interval=0.4,
    )  # fmt: skip
    b = RtpSession(
        end_b, ("127.0.0.1", end_a.port), 8, 101, MemorySink(), None, lambda _: None, engine=engine,
        srtp=(key_b, key_a) if use_b else None, rtcp_mux=mux, rtcp_interval=0.4,
    )  # fmt: skip
    a.start()
    b.start()
    return a, b


def _wait(condition: object, timeout: float = 6.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)


@pytest.mark.parametrize("srtp", [False, True], ids=["rtcp", "srtcp"])
@pytest.mark.parametrize("mux", [False, True], ids=["port+1", "rtcp-mux"])
def test_two_sessions_exchange_reports_and_see_each_others_stream_whole(engine, srtp, mux):
    a, b = _pair(engine, srtp=srtp, mux=mux)
    try:
        _wait(lambda: a.quality().reports_received >= 2 and b.quality().reports_received >= 2)
        quality = a.quality()
    finally:
        a.stop()
        b.stop()

    assert quality.reports_sent >= 2 and quality.reports_received >= 2
    assert quality.packets_expected > 10 and quality.packets_lost == 0
    assert quality.remote_packets_lost == 0 and quality.remote_packets_expected
    assert quality.round_trip_ms is not None and 0 <= quality.round_trip_ms < 500
    assert a.packets_rejected == 0


def test_plain_rtcp_is_not_taken_on_an_srtp_call_nor_srtcp_on_a_plain_one(engine):
    a, b = _pair(engine, srtp=True, srtp_b=False)
    try:
        time.sleep(2.0)
        secure, plain = a.quality(), b.quality()
    finally:
        a.stop()
        b.stop()

    assert secure.reports_sent >= 1 and plain.reports_sent >= 1
    assert secure.reports_received == 0  # b's plain reports fail SRTCP authentication
    assert plain.reports_received == 0  # a's SRTCP is not a compound packet one can read
    assert a.packets_rejected > 0


def test_packets_missing_on_the_wire_are_counted_and_a_bye_report_follows_the_call(engine):
    far = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    far.bind(("127.0.0.1", 0))
    far_rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    far_rtcp.bind(("127.0.0.1", 0))
    far_rtcp.settimeout(3.0)
    endpoint = RtpEndpoint("127.0.0.1", 26000, 26999)
    session = RtpSession(
        endpoint, far.getsockname(), 8, 101, MemorySink(), None, lambda _: None, engine=engine,
        rtcp_port=far_rtcp.getsockname()[1],
    )  # fmt: skip
    session.start()
    try:
        for n in range(200):
            if n % 10 != 3:
                far.sendto(build_rtp(8, False, n, n * 160, 0xABC, b"\xd5" * 160), ("127.0.0.1", session.port))
            time.sleep(0.002)
        time.sleep(0.3)
    finally:
        session.stop()
    quality = session.quality()
    last = b""
    while True:
        try:
            last = far_rtcp.recv(2048)
        except TimeoutError:
            break
        far_rtcp.settimeout(0.3)
    far.close()
    far_rtcp.close()

    assert quality.packets_expected == 200 and quality.packets_lost == 20
    assert quality.loss_percent == 10.0
    assert BYE in _types(last)  # the last report says goodbye (RFC 3550 §6.6)
    reports = parse_compound(last)
    assert reports is not None and reports[0].blocks[0].cumulative_lost == 20
