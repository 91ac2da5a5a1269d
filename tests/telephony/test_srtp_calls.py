"""SRTP (SDES) calls against a real baresip through Kamailio: encrypted both ways with no plaintext audio
on the wire, a plain caller refused by a desk that requires SRTP, and plain calls still working when off."""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import pytest
from baresip_lab import Baresip
from conftest import AgentFactory, EventLog, Lab, SippFactory
from rtp_capture import Datagram, LoopbackCapture, g711_tone_fraction, tone_fraction
from telephony_lab import PASSWORDS, Kamailio, free_port_block, free_sip_port

from desktop.telephony import (
    CallEnded,
    CallHoldChanged,
    CallState,
    CallStateChanged,
    IncomingCall,
    SipAgent,
)
from desktop.telephony.audio import CallAudio, MemorySink, ToneSource
from desktop.telephony.rtcp import RR, SR, parse_compound

DESK_TONE = 400.0  # what the desk says (ToneSource), Hz
CALLER_TONE = 1000.0  # what baresip says (its aufile source), Hz
SUITE = "AES_CM_128_HMAC_SHA1_80"
CALL_SECONDS = 4


class Desk:
    """The desk's agent on RTP ports of its own: answers every call, says a tone, keeps what it hears."""

    def __init__(
        self, agent_factory: AgentFactory, lab: Lab, user: str, srtp: str, kamailio: Kamailio | None = None
    ) -> None:
        self.rtp_low = free_port_block(20)
        self.heard = MemorySink()
        self.agent: SipAgent
        self.log: EventLog

        def react(agent: SipAgent, event: object) -> None:
            if isinstance(event, IncomingCall):
                agent.answer(event.call_id)

        self.agent, self.log = agent_factory(
            kamailio or lab.kamailio(),
            user,
            audio=lambda _id, _direction: CallAudio(self.heard, ToneSource(DESK_TONE)),
            react=react,
            srtp=srtp,
            rtp_port_low=self.rtp_low,
            rtp_port_high=self.rtp_low + 9,
        )

    @property
    def caller_rtp(self) -> tuple[int, int]:
        return self.rtp_low + 10, self.rtp_low + 19

    @property
    def rtp_ports(self) -> set[int]:
        return set(range(self.rtp_low, self.rtp_low + 20))

    def rtp(self, capture: LoopbackCapture) -> tuple[list[Datagram], list[Datagram]]:
        """The captured RTP to the desk and from it: on its RTP ports, which are even (RTCP is port + 1)."""
        ours = range(self.rtp_low, self.rtp_low + 10, 2)
        to_desk = [d for d in capture.datagrams if d.destination_port in ours]
        return to_desk, [d for d in capture.datagrams if d.source_port in ours]


def _caller(tmp_path: Path, lab: Lab, desk: Desk, mediaenc: str) -> Baresip:
    return Baresip(
        tmp_path / "baresip",
        kamailio_port=lab.kamailio().port,
        sip_port=free_sip_port(),
        rtp_ports=desk.caller_rtp,
        mediaenc=mediaenc,
        tone_hz=CALLER_TONE,
    )


def _wait_registered(log: EventLog) -> None:
    from desktop.telephony import RegistrationChanged, RegistrationState

    log.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)


def _call(caller: Baresip, desk: Desk, user: str, seconds: float = CALL_SECONDS) -> None:
    _wait_registered(desk.log)
    caller.dial(user, seconds)
    try:
        assert caller.wait(seconds + 10) == 0, caller.log()[-2000:]
    finally:
        caller.stop()


@pytest.mark.parametrize(
    ("mediaenc", "srtp"),
    [
        ("srtp-mand", "offered"),  # RTP/SAVP
        ("srtp", "offered"),  # best effort: a=crypto on RTP/AVP is taken too
        ("srtp-mand", "required"),
    ],
)
def test_an_srtp_caller_talks_both_ways_and_no_plaintext_audio_is_on_the_wire(
    lab: Lab, agent_factory: AgentFactory, user: str, tmp_path: Path, mediaenc: str, srtp: str
) -> None:
    desk = Desk(agent_factory, lab, user, srtp)
    caller = _caller(tmp_path, lab, desk, mediaenc)

    with LoopbackCapture(desk.rtp_ports) as capture:
        _call(caller, desk, user)
        _, ended = desk.log.wait_for(CallEnded, timeout=5)

    _, answered = desk.log.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED)
    assert answered.srtp_suite == SUITE and ended.srtp_suite == SUITE
    assert "SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)" in caller.log()
    assert ended.answered and ended.packets_sent > 100 and ended.packets_received > 100
    # the decrypted streams carry each side's tone
    assert tone_fraction(b"".join(desk.heard.frames()[25:]), CALLER_TONE) > 0.8
    assert tone_fraction(caller.heard()[8000:], DESK_TONE) > 0.8
    # ... and the wire carries neither: every RTP packet each way is SRTP (12 + 160 + the 10-byte tag)
    to_desk, from_desk = desk.rtp(capture)
    assert len(to_desk) > 100 and len(from_desk) > 100
    assert {len(datagram.payload) for datagram in to_desk + from_desk} == {12 + 160 + 10}
    for datagram in capture.datagrams:  # RTCP included (baresip sends some to our unused RTCP port)
        assert g711_tone_fraction(datagram.payload, DESK_TONE) < 0.2
        assert g711_tone_fraction(datagram.payload, CALLER_TONE) < 0.2


def test_an_off_desk_talks_plain_with_a_plain_caller_and_the_capture_hears_it(
    lab: Lab, agent_factory: AgentFactory, user: str, tmp_path: Path
) -> None:
    desk = Desk(agent_factory, lab, user, "off")
    caller = _caller(tmp_path, lab, desk, "")

    with LoopbackCapture(desk.rtp_ports) as capture:
        _call(caller, desk, user)
        _, ended = desk.log.wait_for(CallEnded, timeout=5)

    assert ended.answered and ended.srtp_suite == ""
    assert tone_fraction(b"".join(desk.heard.frames()[25:]), CALLER_TONE) > 0.8
    assert tone_fraction(caller.heard()[8000:], DESK_TONE) > 0.8
    # the same eavesdropper that finds nothing in an SRTP call hears both tones here
    to_desk, from_desk = desk.rtp(capture)
    assert sum(g711_tone_fraction(d.payload, DESK_TONE) > 0.8 for d in from_desk) > 100
    assert sum(g711_tone_fraction(d.payload, CALLER_TONE) > 0.8 for d in to_desk) > 100


@pytest.mark.parametrize(("srtp", "mediaenc"), [("required", ""), ("off", "srtp-mand")])
def test_a_desk_refuses_with_488_a_caller_it_cannot_match_before_it_rings(
    lab: Lab,
    agent_factory: AgentFactory,
    user: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    srtp: str,
    mediaenc: str,
) -> None:
    desk = Desk(agent_factory, lab, user, srtp)
    caller = _caller(tmp_path, lab, desk, mediaenc)

    with caplog.at_level(logging.WARNING, logger="desktop.telephony.refused"):
        _call(caller, desk, user)

    assert "488" in caller.log(), caller.log()[-2000:]
    assert not desk.log.of(IncomingCall)  # the operator never picked up a call that could not connect
    refusal = "SRTP required" if srtp == "required" else "turned off on this desk"
    assert any(refusal in record.getMessage() for record in caplog.records)


def test_a_desk_that_requires_srtp_calls_an_srtp_phone_encrypted_both_ways(
    lab: Lab, agent_factory: AgentFactory, tmp_path: Path
) -> None:
    """Our offer: RTP/SAVP with our key, answered by a registered baresip (srtp-mand, auto answer)."""
    kamailio = lab.private_kamailio().start()  # its own: no registration left by another test answers
    desk = Desk(agent_factory, lab, "1003", "required", kamailio)
    phone = Baresip(
        tmp_path / "baresip",
        kamailio_port=kamailio.port,
        sip_port=free_sip_port(),
        rtp_ports=desk.caller_rtp,
        mediaenc="srtp-mand",
        tone_hz=CALLER_TONE,
        user="1004",
        password=PASSWORDS["1004"],
    ).answer(2 * CALL_SECONDS + 6)
    try:
        deadline = time.monotonic() + 5
        while not kamailio.contacts("1004") and time.monotonic() < deadline:
            time.sleep(0.05)
        _wait_registered(desk.log)
        with LoopbackCapture(desk.rtp_ports) as capture:
            call_id = desk.agent.dial("1004")
            _, answered = desk.log.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED)
            time.sleep(CALL_SECONDS)  # long enough for the phone's first RTCP report (~5 s in all)
            desk.agent.hold(call_id)  # re-INVITEs on the encrypted call: our key again, and theirs
            desk.log.wait_for(CallHoldChanged, lambda e: e.local_hold)
            heard_before_resume = len(desk.heard.frames())
            desk.agent.resume(call_id)
            desk.log.wait_for(CallHoldChanged, lambda e: not e.local_hold, after=desk.log.mark() - 1)
            time.sleep(CALL_SECONDS / 2)
            [info] = desk.agent.calls()
            desk.agent.hangup(call_id)
            _, ended = desk.log.wait_for(CallEnded)
            deadline = time.monotonic() + 5
            while "EX=BareSip;" not in phone.log() and time.monotonic() < deadline:
                time.sleep(0.1)  # its end-of-call RTCP summary (rtcpsummary), once our BYE arrived
    finally:
        phone.stop()
        desk.agent.stop()
        kamailio.stop()

    assert answered.srtp_suite == SUITE and ended.srtp_suite == SUITE, phone.log()[-2000:]
    assert "SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)" in phone.log()
    assert info.srtp_suite == SUITE  # still encrypted after hold and resume
    assert len(desk.heard.frames()) > heard_before_resume + 50  # and still heard after them
    assert tone_fraction(b"".join(desk.heard.frames()[-50:]), CALLER_TONE) > 0.8
    assert tone_fraction(phone.heard()[8000:], DESK_TONE) > 0.8
    to_desk, from_desk = desk.rtp(capture)
    assert len(to_desk) > 100 and len(from_desk) > 100
    assert {len(datagram.payload) for datagram in to_desk + from_desk} == {12 + 160 + 10}
    for datagram in capture.datagrams:
        assert g711_tone_fraction(datagram.payload, DESK_TONE) < 0.2
        assert g711_tone_fraction(datagram.payload, CALLER_TONE) < 0.2
    # our RTCP is SRTCP: it leaves encrypted (our CNAME "td-..." is nowhere in clear), and the phone read
    # it (rtcpsummary prints a call's figures only once it has taken an SR of ours)
    reports = [d for d in capture.datagrams if d.source_port in desk.rtp_ports and d.source_port % 2]
    assert reports and not any(b"td-" in d.payload for d in reports)
    summary = re.search(r"EX=BareSip;CS=\d+;CD=\d+;PR=(\d+);PS=(\d+);PL=(-?\d+),(-?\d+)", phone.log())
    # its figures count the stream since the resume re-INVITE (CALL_SECONDS / 2: 100 packets at most;
    # 76 on a loaded CI machine), so the check is that it received and reported some
    assert summary is not None and int(summary[1]) > 25, phone.log()[-1500:]


def test_an_srtp_callers_rtcp_is_srtcp_and_its_reports_of_our_audio_are_read(
    lab: Lab, agent_factory: AgentFactory, user: str, tmp_path: Path
) -> None:
    """baresip's first report comes after ~5 s: a longer call than the others."""
    desk = Desk(agent_factory, lab, user, "offered")
    caller = _caller(tmp_path, lab, desk, "srtp-mand")

    with LoopbackCapture(desk.rtp_ports) as capture:
        _call(caller, desk, user, seconds=12)
        _, ended = desk.log.wait_for(CallEnded, timeout=5)

    assert ended.srtp_suite == SUITE and ended.quality is not None
    assert ended.quality.reports_received >= 1, ended.quality  # authenticated, decrypted and read
    assert ended.quality.remote_packets_expected and ended.quality.remote_packets_lost == 0, ended.quality
    assert ended.quality.packets_lost == 0 and ended.quality.packets_expected > 400, ended.quality
    theirs = [d for d in capture.datagrams if d.destination_port in desk.rtp_ports and d.destination_port % 2]
    assert any(d.payload[1] in (SR, RR) for d in theirs)  # its reports went by, each one SRTCP:
    assert not any(parse_compound(d.payload) for d in theirs)  # not readable as RTCP (its plain keepalive
    # APP "PINGPONG" holds no report, and our SRTCP session refuses it)


def test_a_re_invite_that_drops_srtp_is_refused_and_the_call_stays_encrypted(
    lab: Lab, agent_factory: AgentFactory, sipp: SippFactory, user: str
) -> None:
    """sipp checks our answers: RTP/SAVP with our key, 488 to a plain re-offer, the same key again."""
    kamailio = lab.kamailio("strict")
    agent, log = agent_factory(kamailio, user, srtp="offered")
    _wait_registered(log)
    run = sipp.uac(
        "uac_hotline_srtp_downgrade.xml",
        kamailio.port,
        "-s",
        user,
        *["-key", "caller", "0912345678", "-key", "display", "A", "-key", "pai", "0912345678"],
    )
    _, call = log.wait_for(IncomingCall)
    agent.answer(call.call_id)

    _, ended = log.wait_for(CallEnded, timeout=10)
    assert run.wait(10) == 0, run.output()
    assert ended.srtp_suite == SUITE and ended.answered
    keys = re.findall(r"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:(\S+)", run.messages())
    sent_by_us = {key for key in keys if key != "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd"}
    assert len(sent_by_us) == 1  # one key of ours, kept through the refused downgrade and the refresh
