"""Behind a NAT (RFC 3581): the agent learns its public address from the registrar's Via and uses it.

On loopback a NAT is simulated by an agent that believes it is 192.0.2.10:5099 (a private address it
advertises in Via and Contact) while its packets really come from 127.0.0.1:<port>: Kamailio answers
to the real source (rport) and says so in the Via (`received=127.0.0.1;rport=<port>`), exactly as it
would for a phone behind a home router.
"""

from __future__ import annotations

import re

from conftest import AgentFactory, SippFactory

from desktop.telephony import (
    IncomingCall,
    RegistrationChanged,
    RegistrationState,
    SipAgent,
    TelephonyEvent,
)
from desktop.telephony.config import AgentPolicy
from desktop.telephony.message import parse_message
from desktop.telephony.nat import PublicAddress

PRIVATE = ("192.0.2.10", 5099)  # TEST-NET-1: what the agent believes its address is
MEDIA = "198.51.100.7"  # TEST-NET-2: a configured public media address


def response_with_via(via: str) -> bytes:
    return (
        "SIP/2.0 200 OK\r\n"
        f"Via: {via}\r\n"
        "From: <sip:1002@127.0.0.1>;tag=a\r\nTo: <sip:1002@127.0.0.1>;tag=b\r\n"
        "Call-ID: x@y\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n"
    ).encode()


def test_received_and_rport_in_the_top_via_become_the_advertised_address():
    public = PublicAddress(*PRIVATE)

    via = "SIP/2.0/UDP 192.0.2.10:5099;branch=z9hG4bK1;received=203.0.113.5;rport=40312"
    changed = public.learn(parse_message(response_with_via(via)))

    assert changed
    assert (public.host, public.port) == ("203.0.113.5", 40312)
    assert public.contact_uri("1002") == "sip:1002@203.0.113.5:40312;transport=udp"
    assert public.via("z9hG4bK2") == "SIP/2.0/UDP 203.0.113.5:40312;branch=z9hG4bK2;rport"


def test_a_via_without_received_or_rport_changes_nothing():
    public = PublicAddress(*PRIVATE, media_host=MEDIA)

    via = "SIP/2.0/UDP 192.0.2.10:5099;branch=z9hG4bK1;rport"
    assert not public.learn(parse_message(response_with_via(via)))
    assert (public.host, public.port, public.sdp_host) == (*PRIVATE, MEDIA)


NATTED = {"contact_host": PRIVATE[0], "contact_port": PRIVATE[1], "media_host": MEDIA}


def answer_calls(agent: SipAgent, event: TelephonyEvent) -> None:
    if isinstance(event, IncomingCall):
        agent.answer(event.call_id)


def test_a_natted_agent_registers_its_public_address_and_receives_calls_there(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    kamailio = lab.kamailio()
    agent, events = agent_factory(kamailio, user, react=answer_calls, **NATTED)
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    real = f"sip:{user}@127.0.0.1:{agent.local_address[1]};transport=udp"

    assert agent.public_address == ("127.0.0.1", agent.local_address[1])
    assert kamailio.contacts(user) == [real]  # never the private address

    keys = ["-s", user, "-key", "caller", "0912345678", "-key", "display", "A", "-key", "pai", "0912345678"]
    run = sipp.uac("uac_hotline_short.xml", kamailio.port, *keys, "-key", "codecs", "8 0 101", "-d", "200")
    # the INVITE is routed to the registered (public) Contact; the ACK and BYE go to the 200's Contact
    assert run.wait(10) == 0, run.output()
    answer_200 = next(m for m in run.messages().split("-----") if "SIP/2.0 200 OK" in m and "m=audio" in m)
    assert f"Contact: <{real}>" in answer_200
    assert re.search(rf"c=IN IP4 {re.escape(MEDIA)}", answer_200), "the configured media address in SDP"


def test_with_learning_off_the_configured_contact_is_registered_as_is(lab, agent_factory: AgentFactory, user):
    """A port-forwarded setup: the operator configures the public address and the registrar must keep it."""
    kamailio = lab.kamailio()
    policy = AgentPolicy(keepalive_interval=1.0, unregister_timeout=0.5, learn_public_address=False)
    agent, events = agent_factory(kamailio, user, policy=policy, **NATTED)
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)

    assert agent.public_address == PRIVATE
    assert kamailio.contacts(user) == [f"sip:{user}@{PRIVATE[0]}:{PRIVATE[1]};transport=udp"]
