"""Only the PBX is believed: a forged caller identity, a BYE from a third address and a flood of INVITEs
from a neighbour on the wire change nothing (real Kamailio and sipp; the intruder is a raw UDP socket on
another port, as on a shared LAN)."""

from __future__ import annotations

import re
import socket
import time

from conftest import AgentFactory, EventLog
from telephony_lab import OFFER, RawSip

from desktop.telephony import (
    AgentPolicy,
    CallEnded,
    CallState,
    CallStateChanged,
    EndReason,
    IncomingCall,
    RegistrationChanged,
    RegistrationState,
    SipAgent,
)

FORGED = 'P-Asserted-Identity: "Ủy ban nhân dân tỉnh" <sip:02773851234@127.0.0.1>\r\n'


def registered(agent_and_log: tuple[SipAgent, EventLog]) -> tuple[SipAgent, EventLog]:
    agent, events = agent_and_log
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    return agent, events


def test_an_asserted_identity_from_outside_the_pbx_is_not_believed(lab, agent_factory: AgentFactory, user):
    agent, events = registered(agent_factory(lab.kamailio(), user))
    intruder = RawSip()
    try:
        mark = events.mark()
        invite = intruder.request(
            "INVITE", agent.local_address[1], extra=FORGED + "Content-Type: application/sdp\r\n", body=OFFER
        )
        intruder.send(invite, agent.local_address[1])
        incoming = events.wait_for(IncomingCall, after=mark)[1]
        assert incoming.identity_source == "From" and incoming.number == "0912345678"
        assert "Ủy ban" not in incoming.display_name
    finally:
        intruder.close()


def test_a_bye_from_a_third_address_does_not_end_an_answered_call(
    lab, agent_factory: AgentFactory, sipp, user
):
    kamailio = lab.kamailio()
    agent, events = registered(agent_factory(kamailio, user))
    keys = ["-s", user, "-key", "caller", "0912345678", "-key", "display", "A", "-key", "codecs", "8 0 101"]
    run = sipp.uac("uac_hotline_wait_bye.xml", kamailio.port, *keys, "-key", "pai", "0912345678")
    incoming = events.wait_for(IncomingCall)[1]
    agent.answer(incoming.call_id)
    events.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED)
    call = agent._manager()._calls[incoming.call_id]  # the dialog's ids, as a sniffer on the LAN sees them
    intruder = RawSip()
    try:
        bye = (
            f"BYE sip:{user}@127.0.0.1:{agent.local_address[1]} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{intruder.port};branch=z9hG4bKforged{time.monotonic_ns()}\r\n"
            "Max-Forwards: 70\r\n"
            f"From: {call.remote_party}\r\nTo: {call.local_party}\r\nCall-ID: {call.call_id}\r\n"
            "CSeq: 99 BYE\r\nContent-Length: 0\r\n\r\n"
        )
        intruder.send(bye, agent.local_address[1])
        assert intruder.receive_status() == 403
        info = bye.replace("BYE", "INFO").replace("z9hG4bKforged", "z9hG4bKinfo")
        intruder.send(info, agent.local_address[1])
        assert intruder.receive_status() == 403  # INFO too must come from the dialog's route
        time.sleep(0.3)
        assert not events.of(CallEnded) and call.state is CallState.ANSWERED
    finally:
        intruder.close()
    agent.hangup(incoming.call_id)  # the real end: our BYE, which sipp waits for
    assert run.wait(10) == 0, run.output()


def test_a_flood_of_invites_rings_at_most_the_allowed_number_the_rest_get_486(
    lab, agent_factory: AgentFactory, user
):
    policy = AgentPolicy(keepalive_interval=1.0, unregister_timeout=0.5, max_ringing=3)
    agent, events = registered(agent_factory(lab.kamailio(), user, policy=policy))
    flooder = RawSip()
    try:
        for _ in range(30):
            invite = flooder.request(
                "INVITE", agent.local_address[1], extra="Content-Type: application/sdp\r\n", body=OFFER
            )
            flooder.send(invite, agent.local_address[1])
        busy: set[str] = set()  # Call-IDs refused 486 (each 486 is retransmitted until ACKed)
        while (answer := flooder.receive(timeout=1.0)) is not None:
            if answer.startswith(b"SIP/2.0 486"):
                busy.add(re.search(rb"Call-ID: (\S+)", answer).group(1).decode())  # type: ignore[union-attr]
        assert len(busy) == 27
        assert len(events.of(IncomingCall)) == 3
    finally:
        flooder.close()


def cancel_of(invite: str) -> str:
    """The CANCEL of a hand-written INVITE (RFC 3261 §9.1): its Request-URI, Via, From, To, Call-ID and
    CSeq number, method CANCEL."""
    head = invite.split("\r\n\r\n", 1)[0].split("\r\n")
    request_uri = head[0].split(" ")[1]
    kept = [
        line for line in head[1:] if line.split(":", 1)[0] in ("Via", "From", "To", "Call-ID", "Max-Forwards")
    ]
    cseq = next(line for line in head if line.startswith("CSeq:")).split()[1]
    return (
        f"CANCEL {request_uri} SIP/2.0\r\n"
        + "\r\n".join(kept)
        + f"\r\nCSeq: {cseq} CANCEL\r\nContent-Length: 0\r\n\r\n"
    )


def test_a_cancel_ends_a_ringing_call_only_from_where_its_invite_came(lab, agent_factory: AgentFactory, user):
    agent, events = registered(agent_factory(lab.kamailio(), user))
    caller, sniffer = RawSip(), RawSip()
    try:
        invite = caller.request(
            "INVITE", agent.local_address[1], extra="Content-Type: application/sdp\r\n", body=OFFER
        )
        caller.send(invite, agent.local_address[1])
        incoming = events.wait_for(IncomingCall)[1]

        sniffer.send(cancel_of(invite), agent.local_address[1])  # the ids copied off the wire, another port
        assert sniffer.receive_status() == 481
        time.sleep(0.3)
        assert not events.of(CallEnded) and incoming.still_ringing()

        caller.send(cancel_of(invite), agent.local_address[1])
        ended = events.wait_for(CallEnded)[1]
        assert ended.call_id == incoming.call_id and ended.reason is EndReason.ABANDONED
        assert not incoming.still_ringing()  # what the desk asks before reading the caller's history
    finally:
        caller.close()
        sniffer.close()


class Neighbour(RawSip):
    """Another host on the LAN: the same hand-written SIP from 127.0.0.2 (the PBX is 127.0.0.1)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.2", 0))
        self.port = int(self.sock.getsockname()[1])


def test_a_new_call_from_a_host_that_is_not_the_pbx_gets_403_and_rings_nothing_unless_listed(
    lab, agent_factory: AgentFactory, user
):
    kamailio = lab.kamailio()
    agent, events = registered(agent_factory(kamailio, user))
    neighbour = Neighbour()
    try:
        invite = neighbour.request(
            "INVITE", agent.local_address[1], extra="Content-Type: application/sdp\r\n", body=OFFER
        )
        neighbour.send(invite, agent.local_address[1])
        assert neighbour.receive_status(skip_provisional=False) == 403  # not even a 100 Trying first
        time.sleep(0.3)
        assert not events.of(IncomingCall)

        listed = AgentPolicy(keepalive_interval=1.0, unregister_timeout=0.5, trusted_hosts=("127.0.0.2",))
        second, second_events = registered(agent_factory(kamailio, user, policy=listed))  # a second PBX node
        invite = neighbour.request(
            "INVITE", second.local_address[1], extra="Content-Type: application/sdp\r\n", body=OFFER
        )
        neighbour.send(invite, second.local_address[1])
        assert second_events.wait_for(IncomingCall)[1].number == "0912345678"
    finally:
        neighbour.close()
