"""SIP over TLS (RFC 3261 §26.2.1) against Kamailio's tls module, with a throwaway CA made by the fixture.

The "strict_tls" Kamailio listens on UDP and TLS and record-routes; sipp stays on UDP, so every call
crosses transports at the proxy. The agent has no certificate and accepts no connection: the proxy reaches
it on the connection the agent opened (Via ";alias", RFC 5923).
"""

from __future__ import annotations

import socket
import ssl
import time

from conftest import AgentFactory, SippFactory
from tls_certs import make_tls_files

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

CALLER = ["-key", "caller", "0912345678", "-key", "display", "A", "-key", "pai", "0912345678"]


def answer_calls(agent: SipAgent, event: TelephonyEvent) -> None:
    if isinstance(event, IncomingCall):
        agent.answer(event.call_id)


def test_the_lab_really_speaks_tls_with_the_fixture_certificate(lab):
    kamailio = lab.kamailio("strict_tls")
    context = ssl.create_default_context(cafile=str(lab.tls.ca))
    raw = socket.create_connection(("127.0.0.1", kamailio.port), timeout=2)
    with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        subject = dict(item[0] for item in tls.getpeercert()["subject"])
        assert subject["commonName"] == "127.0.0.1"


def test_registers_calls_in_and_out_over_one_verified_tls_connection(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    kamailio = lab.kamailio("strict_tls")
    agent, events = agent_factory(
        kamailio, user, transport="tls", tls_ca_file=str(lab.tls.ca), react=answer_calls
    )
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    assert kamailio.contacts(user) == [f"sip:{user}@127.0.0.1:{agent.local_address[1]};transport=tls"]

    run = sipp.uac("uac_hotline_short.xml", kamailio.port, "-s", user, *CALLER, "-key", "codecs", "8 0 101",
                   "-d", "300")  # fmt: skip
    _, call = events.wait_for(IncomingCall)
    _, ended = events.wait_for(CallEnded, timeout=5.0)
    assert call.number == "0912345678"
    assert (ended.reason, ended.answered) == (EndReason.REMOTE_HANGUP, True)
    assert run.wait(10) == 0, run.output()  # its ACK and BYE reached us through the proxy, over TLS

    trunk = sipp.uas("uas_trunk.xml", kamailio.trunk_port)  # checks the ACK's To-tag
    mark = events.mark()
    call_id = agent.dial("0987654321")
    events.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED, after=mark)
    time.sleep(0.2)
    agent.hangup(call_id)
    assert trunk.wait(10) == 0, trunk.output()
    assert agent.resource_counts()["connections"] == 1  # everything over the one connection we opened
    assert agent.registration_state is RegistrationState.REGISTERED


def test_a_server_certificate_from_an_unknown_ca_is_refused_with_the_reason(
    lab, agent_factory: AgentFactory, tmp_path, user
):
    kamailio = lab.kamailio("strict_tls")
    stranger = make_tls_files(tmp_path / "other", ca_name="Some other CA")
    agent, events = agent_factory(kamailio, user, transport="tls", tls_ca_file=str(stranger.ca))

    _, failed = events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.UNREACHABLE)
    assert "certificate" in failed.reason.lower()
    assert kamailio.contacts(user) == []
    assert agent.resource_counts()["connections"] == 0
