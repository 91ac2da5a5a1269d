"""SIP over TCP (RFC 3261 §18): stream framing, one reused connection to the registrar, calls both ways.

The lab's "strict_tcp" Kamailio listens on UDP and TCP and record-routes; sipp stays on UDP, so every
call crosses transports at the proxy (as a trunk on UDP and a desk phone on TCP would).
"""

from __future__ import annotations

import time

from conftest import AgentFactory, SippFactory

from desktop.telephony import (
    CallEnded,
    CallState,
    CallStateChanged,
    EndReason,
    IncomingCall,
    RegistrationChanged,
    RegistrationState,
    SipAgent,
    TelephonyEvent,
)
from desktop.telephony.transport import frame_stream

OPTIONS = b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 0\r\n\r\n"
WITH_BODY = b"MESSAGE sip:a@b SIP/2.0\r\nl: 5\r\nCall-ID: 2\r\n\r\nhello"


def test_a_stream_is_cut_into_messages_by_content_length():
    buffer = bytearray(b"\r\n\r\n" + OPTIONS + WITH_BODY + WITH_BODY[:30])

    assert frame_stream(buffer) == [OPTIONS, WITH_BODY]  # CRLF keepalives dropped, compact "l:" read
    assert bytes(buffer) == WITH_BODY[:30]  # the incomplete message waits for the rest

    buffer += WITH_BODY[30:]
    assert frame_stream(buffer) == [WITH_BODY]
    assert buffer == bytearray()


def test_a_body_split_across_reads_waits_for_its_last_byte():
    buffer = bytearray(WITH_BODY[:-1])

    assert frame_stream(buffer) == []
    buffer += WITH_BODY[-1:]
    assert frame_stream(buffer) == [WITH_BODY]


def answer_calls(agent: SipAgent, event: TelephonyEvent) -> None:
    if isinstance(event, IncomingCall):
        agent.answer(event.call_id)


def test_registers_over_tcp_and_keeps_one_connection_to_the_registrar(lab, agent_factory: AgentFactory, user):
    kamailio = lab.kamailio("strict_tcp")
    agent, events = agent_factory(kamailio, user, transport="tcp")

    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    time.sleep(2.5)  # a REGISTER challenge round trip and two OPTIONS keepalives (every 1 s in tests)

    assert kamailio.contacts(user) == [f"sip:{user}@127.0.0.1:{agent.local_address[1]};transport=tcp"]
    assert agent.resource_counts()["connections"] == 1
    assert agent.registration_state is RegistrationState.REGISTERED


def test_an_inbound_call_reaches_a_tcp_agent_and_the_caller_hangs_up(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    kamailio = lab.kamailio("strict_tcp")
    _, events = agent_factory(kamailio, user, transport="tcp", react=answer_calls)
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)

    keys = ["-s", user, "-key", "caller", "0912345678", "-key", "display", "A", "-key", "pai", "0912345678"]
    run = sipp.uac("uac_hotline_short.xml", kamailio.port, *keys, "-key", "codecs", "8 0 101", "-d", "300")

    _, call = events.wait_for(IncomingCall)
    _, ended = events.wait_for(CallEnded, timeout=5.0)
    assert call.number == "0912345678"
    assert (ended.reason, ended.answered) == (EndReason.REMOTE_HANGUP, True)
    assert run.wait(10) == 0, run.output()  # its ACK and BYE reached us through the proxy, over TCP


def test_a_callback_from_a_tcp_agent_is_acked_and_hung_up_on_a_strict_trunk(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    kamailio = lab.kamailio("strict_tcp")
    agent, events = agent_factory(kamailio, user, transport="tcp")
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    trunk = sipp.uas("uas_trunk.xml", kamailio.trunk_port)  # checks the ACK's To-tag

    call_id = agent.dial("0901234567")
    events.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED)
    time.sleep(0.3)
    agent.hangup(call_id)

    _, ended = events.wait_for(CallEnded)
    assert ended.reason is EndReason.LOCAL_HANGUP
    assert trunk.wait(10) == 0, trunk.output()
