"""`phone_audio`: what handing a call's audio to the headset costs the SIP media thread, p50/p99/max.

A stand-in media thread writes 20 ms frames (320 bytes of 8 kHz 16-bit PCM) into the headset's
`RingSink` while a stand-in GUI thread drains the ring every 20 ms, as the desk's pump does, and
keeps the interpreter busy in between (the GUI thread's own work competes for the GIL). Baseline,
same harness and same competition: `NullSink.write`, which does nothing. The target is that a frame
never waits on the GUI thread: the write's p99 stays within a few GIL switches of the baseline's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

from bench import Size, figure, log, percentile
from desktop.services.phone.audio import PcmRing, RingSink
from desktop.telephony.audio import NullSink

FRAME = bytes(320)
BASELINE = "NullSink.write (discards), same frames, same competing GUI thread"


def _writes(sink: Any, frames: int, ring: PcmRing | None) -> list[float]:
    stop = threading.Event()

    def gui() -> None:  # drains like the 20 ms pump, then busy work until the next tick
        next_tick = time.perf_counter()
        while not stop.is_set():
            if ring is not None:
                ring.pop(1600)
            next_tick += 0.02
            while time.perf_counter() < next_tick and not stop.is_set():
                sum(range(200))

    thread = threading.Thread(target=gui, name="gui-stand-in", daemon=True)
    thread.start()
    durations = []
    try:
        for index in range(frames):
            began = time.perf_counter()
            sink.write(FRAME)
            durations.append((time.perf_counter() - began) * 1e6)
            if index % 50 == 49:
                time.sleep(0.001)  # the media thread's own pacing: it sleeps between ticks
    finally:
        stop.set()
        thread.join(5)
    return durations


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    frames = 20_000 if quick else 100_000
    del size  # no store involved
    log(f"phone_audio: {frames} frames of 20 ms into the headset ring, a GUI thread draining it")
    ring = PcmRing(300)
    ours = _writes(RingSink(ring), frames, ring)
    base = _writes(NullSink(), frames, None)
    dataset = f"{frames} frames of 320 bytes; ring of 300 ms; GUI stand-in draining every 20 ms"
    for name, p in (("p50_us", 50), ("p99_us", 99)):
        yield figure(
            "phone_audio",
            f"write_{name}",
            percentile(ours, p),
            BASELINE,
            percentile(base, p),
            n=frames,
            dataset=dataset,
            target="n/a" if p == 50 else "within a few GIL switches (5 ms) of the baseline's p99",
        )
    yield figure(
        "phone_audio",
        "write_max_us",
        max(ours),
        BASELINE,
        max(base),
        n=frames,
        dataset=dataset,
        target="< 20 ms (one frame): the media thread never misses a tick waiting for the GUI",
    )
