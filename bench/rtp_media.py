"""`rtp_media`: the media thread's CPU time for one 20 ms RTP packet each way, SRTP against plain, p50/p99.

Two `RtpSession`s on loopback sockets, driven by hand as the media engine drives them: one 20 ms clock
tick of the sender (G.711 encode, RTP header, SRTP protect, sendto) then the receiver's read (recv,
SRTP unprotect, parse, jitter buffer, G.711 decode, sink). Baseline in the same run: the same two
sessions without SRTP; a new pair every tenth of the run, SRTP and plain in turn, so that the machine's
other load falls on both alike. Thread CPU time, not wall time: on a shared machine the wall clock
mostly measures the other processes. A frame's budget is 20,000 us; the target is that SRTP stays a small
part of it (tens of microseconds per packet at most).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from bench import Size, figure, log, percentile
from desktop.telephony.audio import MemorySink, ToneSource
from desktop.telephony.media import RtpEndpoint
from desktop.telephony.rtp import RtpSession
from desktop.telephony.srtp import Crypto

BASELINE = "the same two RTP sessions without SRTP (plain RTP), same packets"


def _packets(count: int, encrypted: bool) -> list[float]:
    """CPU microseconds of each sender tick + receiver read, for `count` packets."""
    ours, theirs = Crypto.new(), Crypto.new()
    sender_end, receiver_end = RtpEndpoint("127.0.0.1", 40000, 40999), RtpEndpoint("127.0.0.1", 41000, 41999)
    sink = MemorySink(max_seconds=1.0)
    sender = RtpSession(
        sender_end,
        ("127.0.0.1", receiver_end.port),
        8,
        101,
        MemorySink(max_seconds=1.0),
        ToneSource(400),
        lambda _digit: None,
        srtp=(ours, theirs) if encrypted else None,
    )
    receiver = RtpSession(
        receiver_end,
        ("127.0.0.1", sender_end.port),
        8,
        101,
        sink,
        None,
        lambda _digit: None,
        srtp=(theirs, ours) if encrypted else None,
    )
    durations = []
    now = time.monotonic()
    try:
        for _ in range(count):
            began = time.thread_time()
            sender.clock_tick(now)
            while receiver.packets_in == sender.packets_out - 1:  # loopback delivery is not instant
                receiver.receive_ready()
            durations.append((time.thread_time() - began) * 1e6)
            now += 0.02
    finally:
        sender.stop()
        receiver.stop()
        sender_end.close()
        receiver_end.close()
    if receiver.packets_rejected or not sink.frames():
        raise RuntimeError("the receiver did not hear the sender: the harness is broken")
    return durations


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    count = 20_000 if quick else 100_000
    del size  # no store involved
    log(f"rtp_media: {count} packets of 20 ms, SRTP (AES_CM_128_HMAC_SHA1_80) then plain RTP")
    _packets(500, True)  # warm-up: imports, libsrtp's first context, socket buffers
    encrypted: list[float] = []
    plain: list[float] = []
    for _ in range(10):  # interleaved, so that the machine's other load falls on both alike
        encrypted += _packets(count // 10, True)
        plain += _packets(count // 10, False)
    dataset = f"{count} G.711 packets of 160 samples, sender tick + receiver read on loopback (CPU time)"
    for name, p in (("p50_us", 50), ("p99_us", 99)):
        yield figure(
            "rtp_media",
            f"packet_{name}",
            percentile(encrypted, p),
            BASELINE,
            percentile(plain, p),
            n=count,
            dataset=dataset,
            target="SRTP adds tens of microseconds at most to a 20,000 us frame",
        )
