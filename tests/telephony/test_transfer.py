"""Transfer and the three-way call through the lab's Kamailio: a citizen (baresip, which acts on REFER) calls
the desk; the desk hands it to a specialist by a blind REFER, or after a consultation call by a REFER with
Replaces, or mixes the three of them; what the specialist decodes proves whose audio reaches it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from baresip_lab import Baresip, tone_wav
from conftest import AgentFactory, EventLog, Lab
from rtp_capture import LoopbackCapture, g711_tone_fraction, tone_fraction
from telephony_lab import PASSWORDS, Kamailio, Sipp, free_port_block, free_sip_port

from desktop.telephony import (
    AgentPolicy,
    CallEnded,
    CallHoldChanged,
    CallState,
    CallStateChanged,
    EndReason,
    IncomingCall,
    RegistrationChanged,
    RegistrationState,
    SipAgent,
    TransferChanged,
    TransferState,
    g711,
)
from desktop.telephony.audio import CallAudio, MemorySink, ToneSource

DESK_TONE = 400.0  # the operator (ToneSource), Hz
CITIZEN_TONE = 1000.0  # the citizen (baresip's aufile source)
SPECIALIST_TONE = 1600.0  # the specialist (another baresip)
DESK, SPECIALIST = "1003", "1004"
POLICY = AgentPolicy(keepalive_interval=1.0, unregister_timeout=0.5, transfer_timeout=15.0)


class Centre:
    """A private Kamailio, the desk (answers every call, says a tone, keeps what each call says), a
    registered specialist that answers by itself, and a citizen that dials the desk."""

    def __init__(self, lab: Lab, agent_factory: AgentFactory, tmp_path: Path, seconds: float) -> None:
        self.kamailio: Kamailio = lab.private_kamailio().start()
        self.rtp_low = free_port_block(30)
        self.heard: dict[str, MemorySink] = {}

        def audio(call_id: str, _direction: object) -> CallAudio:
            self.heard[call_id] = MemorySink()
            return CallAudio(self.heard[call_id], ToneSource(DESK_TONE))

        def react(agent: SipAgent, event: object) -> None:
            if isinstance(event, IncomingCall):
                agent.answer(event.call_id)

        self.agent, self.log = agent_factory(
            self.kamailio,
            DESK,
            policy=POLICY,
            audio=audio,
            react=react,
            srtp="off",
            rtp_port_low=self.rtp_low,
            rtp_port_high=self.rtp_low + 9,
        )
        self.specialist = Baresip(
            tmp_path / "specialist",
            kamailio_port=self.kamailio.port,
            sip_port=free_sip_port(),
            rtp_ports=(self.rtp_low + 10, self.rtp_low + 19),
            tone_hz=SPECIALIST_TONE,
            user=SPECIALIST,
            password=PASSWORDS[SPECIALIST],
        ).answer(seconds + 4)
        self.citizen = Baresip(
            tmp_path / "citizen",
            kamailio_port=self.kamailio.port,
            sip_port=free_sip_port(),
            rtp_ports=(self.rtp_low + 20, self.rtp_low + 29),
            tone_hz=CITIZEN_TONE,
        )
        deadline = time.monotonic() + 5
        while not self.kamailio.contacts(SPECIALIST) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.log.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)

    def citizen_calls(self, seconds: float) -> str:
        """The citizen dials the desk; the desk answers; returns the answered call's id."""
        self.citizen.dial(DESK, seconds)
        _, answered = self.log.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED, timeout=10)
        return answered.call_id

    def close(self) -> None:
        for phone in (self.citizen, self.specialist):
            phone.stop()
        self.kamailio.stop()


CentreFactory = Callable[[float], Centre]


@pytest.fixture
def centre_factory(lab: Lab, agent_factory: AgentFactory, tmp_path: Path) -> Iterator[CentreFactory]:
    made: list[Centre] = []

    def make(seconds: float) -> Centre:
        made.append(Centre(lab, agent_factory, tmp_path, seconds))
        return made[-1]

    yield make
    for centre in made:
        centre.close()


def _transfer_events(log: EventLog, call_id: str) -> list[TransferState]:
    return [e.state for e in log.of(TransferChanged) if e.call_id == call_id]


def test_a_blind_transfer_hands_the_citizen_to_the_specialist_and_the_desk_leaves(
    centre_factory: CentreFactory,
) -> None:
    centre = centre_factory(14)
    citizen_call = centre.citizen_calls(12)
    time.sleep(1.5)

    centre.agent.transfer(citizen_call, SPECIALIST)

    _, done = centre.log.wait_for(
        TransferChanged, lambda e: e.state in (TransferState.SUCCEEDED, TransferState.FAILED), timeout=15
    )
    assert done.state is TransferState.SUCCEEDED and done.code == 200, done
    _, ended = centre.log.wait_for(CallEnded, lambda e: e.call_id == citizen_call)
    assert ended.reason is EndReason.TRANSFERRED and ended.answered
    assert _transfer_events(centre.log, citizen_call)[0] is TransferState.REQUESTED
    assert TransferState.TRYING in _transfer_events(centre.log, citizen_call)
    assert centre.citizen.wait(20) == 0, centre.citizen.log()[-2000:]
    # read once baresip has exited: on a loaded machine its line comes after our CallEnded
    assert f"Call established: sip:{SPECIALIST}@" in centre.citizen.log()
    # the specialist decoded the citizen's voice, and not the operator's: the citizen's RTP reaches it
    heard = centre.specialist.heard()
    assert len(heard) > 8000 * 2 * 3, "the specialist heard less than 3 s"
    assert tone_fraction(heard[8000:], CITIZEN_TONE) > 0.8
    assert tone_fraction(heard[8000:], DESK_TONE) < 0.05


def test_an_attended_transfer_replaces_the_consultation_and_the_citizen_talks_to_the_specialist(
    lab: Lab, agent_factory: AgentFactory, tmp_path: Path
) -> None:
    """sipp plays both far ends (baresip 1.0 neither sends nor honours Replaces): the citizen calls the
    desk, is held, the desk consults the specialist on the trunk and completes; the citizen's INVITE to
    the specialist carries Replaces with the consultation's dialog, and the citizen's RTP reaches it."""
    kamailio = lab.private_kamailio("strict_open_trunk").start()
    specialist_number = "0241234567"
    desk_heard: dict[str, MemorySink] = {}

    def audio(call_id: str, _direction: object) -> CallAudio:
        desk_heard[call_id] = MemorySink()
        return CallAudio(desk_heard[call_id], ToneSource(DESK_TONE))

    agent, log = agent_factory(
        kamailio,
        DESK,
        policy=AgentPolicy(keepalive_interval=1.0, unregister_timeout=0.5, replaced_hangup=4.0),
        audio=audio,
        react=lambda agent, event: agent.answer(event.call_id) if isinstance(event, IncomingCall) else None,
        srtp="off",
    )
    log.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    specialist = Sipp(
        "uas_transfer_target.xml",
        tmp_path / "specialist",
        remote=None,
        local_port=kamailio.trunk_port,
        calls=2,
    )
    citizen_dir = tmp_path / "citizen"
    citizen_dir.mkdir()
    tone = tone_wav(tmp_path / "citizen.wav", CITIZEN_TONE, seconds=20)
    (citizen_dir / "citizen.alaw").write_bytes(g711.encode(tone.read_bytes()[44:], "alaw"))
    citizen = Sipp(
        "uac_transferee.xml",
        citizen_dir,
        remote=f"127.0.0.1:{kamailio.port}",
        extra=["-s", DESK, "-key", "caller", "0912345678"],
    )
    try:
        specialist.start()
        with LoopbackCapture({specialist.media_port}) as capture:
            citizen.start()
            _, answered = log.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED, timeout=10)
            citizen_call = answered.call_id
            time.sleep(0.5)
            agent.hold(citizen_call)
            log.wait_for(CallHoldChanged, lambda e: e.call_id == citizen_call and e.local_hold)
            consultation = agent.dial(specialist_number)
            log.wait_for(
                CallStateChanged, lambda e: e.call_id == consultation and e.state is CallState.ANSWERED
            )
            time.sleep(1.0)  # the operator tells the specialist who is waiting

            agent.attended_transfer(citizen_call, consultation)

            _, done = log.wait_for(
                TransferChanged,
                lambda e: e.state in (TransferState.SUCCEEDED, TransferState.FAILED),
                timeout=10,
            )
            assert done.state is TransferState.SUCCEEDED and done.consultation == consultation, done
            for call_id in (citizen_call, consultation):
                _, ended = log.wait_for(CallEnded, lambda e, c=call_id: e.call_id == c, timeout=5)
                assert ended.reason is EndReason.TRANSFERRED
            assert ended.detail == "", "the specialist's BYE ended the consultation, not the desk's fallback"
            assert citizen.wait(15) == 0, citizen.output()
            assert specialist.wait(10) == 0, specialist.output()
    finally:
        citizen.stop()
        specialist.stop()
        kamailio.stop()
    # the specialist got the citizen's INVITE naming the consultation's dialog as it knows it
    replaced = [m for m in specialist.messages().split("\n\n") if "Replaces:" in m and "INVITE sip:" in m]
    assert replaced, specialist.messages()[-3000:]
    assert f"Replaces: {consultation};to-tag=" in replaced[0]
    # ... and the citizen's audio reached the specialist's media port afterwards
    from_citizen = [d for d in capture.datagrams if d.destination_port == specialist.media_port]
    assert sum(g711_tone_fraction(d.payload, CITIZEN_TONE) > 0.8 for d in from_citizen) > 50


def test_a_blind_transfer_the_target_refuses_leaves_the_citizen_with_the_operator(
    centre_factory: CentreFactory,
) -> None:
    centre = centre_factory(10)
    citizen_call = centre.citizen_calls(8)
    time.sleep(1)

    centre.agent.transfer(citizen_call, "1009")  # nobody is registered there: the PBX answers 404

    _, done = centre.log.wait_for(
        TransferChanged, lambda e: e.state in (TransferState.SUCCEEDED, TransferState.FAILED), timeout=15
    )
    assert done.state is TransferState.FAILED and done.code == 404, done
    assert [c.call_id for c in centre.agent.calls() if c.state is CallState.ANSWERED] == [citizen_call]
    heard_before = len(centre.heard[citizen_call].frames())
    time.sleep(1)
    assert len(centre.heard[citizen_call].frames()) > heard_before + 25  # the citizen is still heard
    assert not [e for e in centre.log.of(CallEnded) if e.call_id == citizen_call]


def _heard_on_the_wire(capture: LoopbackCapture, ports: range, packets: int = 100) -> bytes:
    """The audio of the last `packets` RTP packets sent to `ports` (even ports: RTCP is on the odd ones)."""
    payloads = [d.payload for d in capture.datagrams if d.destination_port in ports[::2]]
    return b"".join(g711.decode(p[12:], "alaw") for p in payloads[-packets:] if p[1] & 0x7F == 8)


def test_a_three_way_call_mixes_operator_citizen_and_specialist_on_the_desk(
    centre_factory: CentreFactory,
) -> None:
    centre = centre_factory(12)
    phones = set(range(centre.rtp_low + 10, centre.rtp_low + 30))
    with LoopbackCapture(phones) as capture:
        citizen_call = centre.citizen_calls(8)
        centre.agent.hold(citizen_call)
        centre.log.wait_for(CallHoldChanged, lambda e: e.call_id == citizen_call and e.local_hold)
        consultation = centre.agent.dial(SPECIALIST)
        centre.log.wait_for(
            CallStateChanged,
            lambda e: e.call_id == consultation and e.state is CallState.ANSWERED,
            timeout=10,
        )
        time.sleep(1)

        centre.agent.join(citizen_call, consultation)

        centre.log.wait_for(CallHoldChanged, lambda e: e.call_id == citizen_call and not e.local_hold)
        assert centre.agent.joined(citizen_call) == consultation
        time.sleep(3)
        to_specialist = _heard_on_the_wire(capture, range(centre.rtp_low + 10, centre.rtp_low + 20))
        to_citizen = _heard_on_the_wire(capture, range(centre.rtp_low + 20, centre.rtp_low + 30))
        operator_heard_frames = centre.heard[citizen_call].frames()[-100:]
        centre.log.wait_for(CallEnded, lambda e: e.call_id == citizen_call, timeout=15)  # the citizen leaves
    assert centre.agent.joined(consultation) is None
    centre.agent.hangup(consultation)
    # each far end hears the operator and the other far end, about equally
    for heard, other in ((to_specialist, CITIZEN_TONE), (to_citizen, SPECIALIST_TONE)):
        assert len(heard) >= 100 * 320
        assert tone_fraction(heard, other) > 0.3
        assert tone_fraction(heard, DESK_TONE) > 0.3
    # the operator hears both, mixed on the citizen's call (one headset)
    operator_heard = b"".join(operator_heard_frames)
    assert tone_fraction(operator_heard, CITIZEN_TONE) > 0.3
    assert tone_fraction(operator_heard, SPECIALIST_TONE) > 0.3


def test_a_caller_whose_phone_refuses_the_refer_stays_with_the_operator(
    lab: Lab, agent_factory: AgentFactory, tmp_path: Path
) -> None:
    kamailio = lab.kamailio("strict")
    agent, log = agent_factory(
        kamailio,
        "1005",
        policy=POLICY,
        react=lambda agent, event: agent.answer(event.call_id) if isinstance(event, IncomingCall) else None,
        srtp="off",
    )
    log.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    caller = Sipp(
        "uac_refuses_refer.xml",
        tmp_path / "caller",
        remote=f"127.0.0.1:{kamailio.port}",
        extra=["-s", "1005", "-key", "caller", "0912345678"],
    )
    try:
        caller.start()
        _, answered = log.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED, timeout=10)

        agent.transfer(answered.call_id, "1004")

        _, failed = log.wait_for(TransferChanged, lambda e: e.state is TransferState.FAILED, timeout=10)
        assert failed.code == 405 and failed.call_id == answered.call_id
        assert [c.state for c in agent.calls()] == [CallState.ANSWERED]  # still the operator's
        agent.hangup(answered.call_id)
        _, ended = log.wait_for(CallEnded, lambda e: e.call_id == answered.call_id)
        assert ended.reason is EndReason.LOCAL_HANGUP
        assert caller.wait(10) == 0, caller.output()
    finally:
        caller.stop()
