"""The desk's three-way mix: who hears whom once two calls are joined, and one microphone read once."""

from __future__ import annotations

import struct

from desktop.domain.codes import CallDirection
from desktop.telephony.audio import CallAudio, MemorySink
from desktop.telephony.conference import Bridges, mix

FRAME = 320  # 20 ms of 16-bit PCM at 8 kHz


def _frame(value: int) -> bytes:
    return struct.pack("<h", value) * (FRAME // 2)


class CountingSource:
    def __init__(self, value: int) -> None:
        self.value, self.reads = value, 0

    def read(self, size: int) -> bytes:
        self.reads += 1
        return _frame(self.value)[:size]


def test_mixing_adds_samples_and_clips_at_16_bits() -> None:
    assert mix(_frame(1000), _frame(-300)) == _frame(700)
    assert mix(_frame(30000), _frame(30000)) == _frame(32767)
    assert mix(_frame(-30000), _frame(-30000)) == _frame(-32768)


def test_joined_calls_hear_each_other_and_the_operator_and_the_headset_gets_both() -> None:
    bridges = Bridges()
    heard = {"citizen": MemorySink(), "specialist": MemorySink()}
    microphones = {"citizen": CountingSource(100), "specialist": CountingSource(100)}
    factory = bridges.wrap(lambda call_id, _d: CallAudio(heard[call_id], microphones[call_id]))
    citizen = factory("citizen", CallDirection.INBOUND)
    specialist = factory("specialist", CallDirection.OUTBOUND)
    assert citizen.source is not None and specialist.source is not None

    bridges.join("citizen", "specialist")
    specialist.sink.write(_frame(20))  # the specialist speaks
    citizen.sink.write(_frame(3))  # the citizen speaks

    assert citizen.source.read(FRAME) == _frame(100 + 20)  # the citizen hears the operator and the specialist
    assert specialist.source.read(FRAME) == _frame(
        100 + 3
    )  # the specialist hears the operator and the citizen
    assert microphones["citizen"].reads == 1 and microphones["specialist"].reads == 0  # the mic is read once
    assert heard["citizen"].frames() == [
        _frame(3 + 20)
    ]  # the headset gets both far ends, on the citizen's call
    assert heard["specialist"].frames() == []
    assert bridges.peer_of("citizen") == "specialist" and bridges.peer_of("specialist") == "citizen"


def test_a_call_that_ends_leaves_the_other_a_two_party_call_again() -> None:
    bridges = Bridges()
    heard = MemorySink()
    factory = bridges.wrap(lambda call_id, _d: CallAudio(heard, CountingSource(7)))
    citizen = factory("citizen", CallDirection.INBOUND)
    factory("specialist", CallDirection.OUTBOUND)
    bridges.join("citizen", "specialist")

    bridges.forget("specialist")

    assert bridges.peer_of("citizen") is None
    assert citizen.source is not None and citizen.source.read(FRAME) == _frame(7)
    citizen.sink.write(_frame(5))
    assert heard.frames()[-1] == _frame(5)


def test_a_slow_clock_never_lets_the_backlog_grow_beyond_200_ms() -> None:
    bridges = Bridges()
    factory = bridges.wrap(lambda call_id, _d: CallAudio(MemorySink(), CountingSource(0)))
    citizen = factory("citizen", CallDirection.INBOUND)
    specialist = factory("specialist", CallDirection.OUTBOUND)
    bridges.join("citizen", "specialist")
    for _ in range(500):  # 10 s of the citizen with nobody reading the specialist's leg
        citizen.sink.write(_frame(1))
    assert specialist.source is not None
    reads = [specialist.source.read(FRAME) for _ in range(12)]
    assert reads[9] == _frame(1) and reads[10] == _frame(0)  # 10 frames (200 ms) were kept, no more
