"""The one media thread: a timer wheel that never fires early or loses an item, many calls served at once."""

from __future__ import annotations

import socket
import threading
import time

from desktop.telephony import MemorySink
from desktop.telephony.g711 import decode
from desktop.telephony.media import RtpEndpoint
from desktop.telephony.media_engine import MediaEngine, TimerWheel
from desktop.telephony.rtp import RtpSession, build_rtp, parse_rtp


def test_the_wheel_fires_each_item_once_in_deadline_order_and_never_early():
    wheel: TimerWheel[str] = TimerWheel(tick=0.001, slots=64, now=0.0)
    wheel.add("c", 0.0305)
    wheel.add("a", 0.0100)
    wheel.add("b", 0.0200)
    wheel.add("late", 5.0)  # beyond one turn: clamped to the last slot, still not before its turn ends

    assert wheel.expire(0.0099) == []
    assert wheel.next_deadline() == 0.010
    assert wheel.expire(0.0105) == ["a"]
    assert wheel.expire(0.0305) == ["b"]  # c is due at 31 ms (rounded up, never early)
    assert wheel.expire(0.031) == ["c"]
    assert len(wheel) == 1
    assert wheel.expire(10.0) == ["late"]  # starved for more than a turn: everything due comes out
    assert len(wheel) == 0 and wheel.next_deadline() is None


def test_one_thread_serves_many_calls_each_at_50_packets_a_second_and_hears_each_one():
    engine = MediaEngine(name="sip-media-test")
    engine.start()
    peers, sessions, sinks = [], [], []
    first_started = time.monotonic()
    try:
        for _ in range(20):
            peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            peer.bind(("127.0.0.1", 0))
            peer.setblocking(False)
            sink = MemorySink()
            session = RtpSession(
                RtpEndpoint("127.0.0.1", 24000, 24999), peer.getsockname(), 8, 101, sink, None,
                lambda digit: None, engine=engine,
            )  # fmt: skip
            session.start()
            peers.append((peer, session))
            sessions.append(session)
            sinks.append(sink)
        threads_during = [t.name for t in threading.enumerate() if t.name.startswith("sip-")]
        started = time.monotonic()
        for sequence in range(10):
            for index, (peer, session) in enumerate(peers):
                frame = bytes([0xD5 ^ index]) * 160
                peer.sendto(
                    build_rtp(8, False, sequence, sequence * 160, 99, frame), ("127.0.0.1", session.port)
                )
            time.sleep(0.02)
        time.sleep(0.3)
        elapsed = time.monotonic() - started

        assert threads_during == ["sip-media-test"]
        assert len(engine) == 20
        for index, sink in enumerate(sinks):
            assert sink.frames() == [decode(bytes([0xD5 ^ index]) * 160, "alaw")] * 10
        for peer, _ in peers:
            received = []
            while True:
                try:
                    received.append(parse_rtp(peer.recv(2048)))
                except BlockingIOError:
                    break
            # 50 packets a second from each call's start, never a burst (a starved thread skips, see rtp.py)
            assert elapsed / 0.02 * 0.6 <= len(received) <= (time.monotonic() - first_started) / 0.02 + 2
            sequences = [packet.sequence for packet in received if packet is not None]
            assert sequences == [(sequences[0] + n) & 0xFFFF for n in range(len(sequences))]
    finally:
        for session in sessions:
            session.stop()
        for peer, _ in peers:
            peer.close()
    assert len(engine) == 0
    assert all(sink.closed for sink in sinks)
    engine.stop()
    assert not engine.running


def test_a_stopped_session_is_never_touched_again():
    engine = MediaEngine(name="sip-media-test")
    engine.start()
    written = threading.Event()

    class Sink:
        closed = False

        def write(self, pcm: bytes) -> None:
            if self.closed:
                raise AssertionError("write after close")
            written.set()

        def close(self) -> None:
            self.closed = True

    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    endpoint = RtpEndpoint("127.0.0.1", 24000, 24999)
    session = RtpSession(endpoint, peer.getsockname(), 0, None, Sink(), None, lambda d: None, engine=engine)
    session.start()
    for sequence in range(200):
        peer.sendto(
            build_rtp(0, False, sequence, sequence * 160, 7, b"\xff" * 160), ("127.0.0.1", endpoint.port)
        )
        if sequence == 100:
            assert written.wait(1)
            session.stop()  # mid-stream: the sink is closed only once the media thread let go of it
            endpoint.close()
    time.sleep(0.1)
    assert engine.running and len(engine) == 0
    engine.stop()
    peer.close()
