"""Call audio checked by content: the caller's pcap decoded, our audio echoed back, DTMF both ways."""

from __future__ import annotations

import math
import os
import struct
import wave
from pathlib import Path

import pytest
from conftest import AgentFactory, SippFactory
from lab_tools import lab_tool_missing

from desktop.telephony import (
    AgentPolicy,
    CallAudio,
    CallEnded,
    CallState,
    CallStateChanged,
    DtmfReceived,
    IncomingCall,
    MemorySink,
    PcmSource,
    RegistrationChanged,
    RegistrationState,
    WavRecorder,
)
from desktop.telephony.g711 import decode, encode
from desktop.telephony.rtp import JitterBuffer, build_rtp, parse_rtp

PCAP = Path("/usr/share/sip-tester/g711a.pcap")
POLICY = AgentPolicy(keepalive_interval=1.0, unregister_timeout=0.5)


def pcap_rtp_payloads(path: Path) -> list[bytes]:
    """The RTP payloads of a libpcap file of Ethernet/IPv4/UDP/RTP packets, in file order."""
    data = path.read_bytes()
    payloads, offset = [], 24
    while offset < len(data):
        included = struct.unpack_from("<I", data, offset + 8)[0]
        frame = data[offset + 16 : offset + 16 + included]
        offset += 16 + included
        udp = 14 + (frame[14] & 0x0F) * 4
        packet = parse_rtp(frame[udp + 8 :])
        assert packet is not None
        payloads.append(packet.payload)
    return payloads


def chirp(seconds: float) -> bytes:
    samples = int(seconds * 8000)
    return struct.pack(
        f"<{samples}h",
        *(int(9000 * math.sin(2 * math.pi * (300 + 900 * n / samples) * n / 8000)) for n in range(samples)),
    )


def test_the_callers_audio_arrives_decoded_exactly_and_its_key_press_is_reported(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    if not PCAP.exists():
        lab_tool_missing("sip-tester's pcap files are missing (apt-get install -y sip-tester)")
    if os.geteuid() != 0:
        lab_tool_missing("sipp plays pcap audio only as root (CI runs as root)")
    kamailio = lab.kamailio()
    sink = MemorySink()
    agent, events = agent_factory(
        kamailio, user, policy=POLICY, audio=lambda call_id, direction: CallAudio(sink)
    )
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    keys = ["-s", user, "-key", "caller", "0912345678", "-key", "display", "A", "-key", "pai", "0912345678"]
    run = sipp.uac("uac_hotline_audio.xml", kamailio.port, *keys, "-key", "codecs", "8 101")
    _, call = events.wait_for(IncomingCall)
    agent.answer(call.call_id)

    events.wait_for(CallEnded, timeout=10)
    assert run.wait(10) == 0, run.output()

    expected = [decode(payload, "alaw") for payload in pcap_rtp_payloads(PCAP)]
    received = sink.frames()
    assert len(received) >= 40  # 1.2 s of the 1.5 s played (30 ms packets)
    assert received == expected[: len(received)]  # bit-exact, in order, nothing lost or repeated
    assert [e.digit for e in events.of(DtmfReceived)] == ["1"]
    assert sink.closed


@pytest.mark.parametrize(("codecs", "law"), [("8 101", "alaw"), ("0 101", "ulaw")])
def test_our_audio_and_keys_reach_the_far_end_encoded_right(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user, codecs, law
):
    """sipp echoes our RTP: we must hear back exactly G.711(our audio), and our own key press."""
    kamailio = lab.kamailio()
    sink, spoken = MemorySink(), chirp(0.6)
    agent, events = agent_factory(
        kamailio, user, policy=POLICY, audio=lambda call_id, direction: CallAudio(sink, PcmSource(spoken))
    )
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    keys = ["-s", user, "-key", "caller", "0912345678", "-key", "display", "A", "-key", "pai", "0912345678"]
    run = sipp.uac(
        "uac_hotline_echo.xml", kamailio.port, *keys, "-key", "codecs", codecs, "-d", "1500", "-rtp_echo"
    )
    _, call = events.wait_for(IncomingCall)
    agent.answer(call.call_id)
    events.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED)
    agent.send_dtmf(call.call_id, "5")

    events.wait_for(CallEnded, timeout=10)
    assert run.wait(10) == 0, run.output()

    frames = [spoken[i : i + 320].ljust(320, b"\x00") for i in range(0, 320 * 100, 320)]
    expected = [decode(encode(frame, law), law) for frame in frames]
    received = sink.frames()
    assert len(received) >= 40
    assert received == expected[: len(received)]
    assert [e.digit for e in events.of(DtmfReceived)] == ["5"]


def test_the_wav_recorder_writes_what_it_hears(tmp_path: Path):
    audio = chirp(0.1)
    recorder = WavRecorder(tmp_path / "call.wav")
    for start in range(0, len(audio), 320):
        recorder.write(audio[start : start + 320])
    recorder.close()

    with wave.open(str(tmp_path / "call.wav"), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 8000)
        assert wav.readframes(wav.getnframes()) == audio


def test_the_jitter_buffer_reorders_drops_duplicates_and_skips_a_lost_packet():
    buffer = JitterBuffer(depth=3)
    for sequence in (65534, 0, 65535, 65535, 1):  # wraps around; 65535 arrives late and twice
        buffer.push(sequence, bytes([sequence % 251]))
    assert buffer.pop_ready() == [bytes([65534 % 251]), bytes([65535 % 251]), b"\x00", b"\x01"]

    for sequence in (3, 4, 5):  # 2 is lost
        buffer.push(sequence, bytes([sequence]))
    assert buffer.pop_ready() == [b"\x03", b"\x04", b"\x05"]
    assert buffer.lost == 1


def test_rtp_packets_round_trip():
    packet = parse_rtp(build_rtp(8, True, 65535, 2**32 - 1, 1234, b"abc"))

    assert packet is not None
    assert (
        packet.payload_type,
        packet.marker,
        packet.sequence,
        packet.timestamp,
        packet.ssrc,
        packet.payload,
    ) == (
        8,
        True,
        65535,
        2**32 - 1,
        1234,
        b"abc",
    )
    assert parse_rtp(b"\x00" * 12) is None  # not version 2
