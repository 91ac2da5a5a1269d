"""STUN (RFC 5389): the agent learns its public address with a real Binding request at start and
advertises it in Contact, Via and SDP; a STUN server that does not answer costs at most `stun_timeout`."""

from __future__ import annotations

import re
import time

import pytest
from conftest import AgentFactory, SippFactory
from stun_responder import StunResponder
from telephony_lab import OFFER, RawSip

from desktop.telephony import (
    AgentPolicy,
    IncomingCall,
    RegistrationChanged,
    RegistrationState,
    SipAccount,
    StunResult,
)
from desktop.telephony.stun import StunServer, binding_request, mapped_address

NAT = ("198.51.100.7", 1000)  # the responder plays a NAT: public host, port + 1000


@pytest.fixture
def stun():
    started: list[StunResponder] = []

    def make(**kwargs) -> StunResponder:
        responder = StunResponder(**kwargs).start()
        started.append(responder)
        return responder

    yield make
    for responder in started:
        responder.stop()


def test_a_binding_response_is_read_only_for_our_transaction():
    transaction = bytes(range(12))
    request = binding_request(transaction)
    assert request[:8] == bytes.fromhex("000100002112a442") and request[8:] == transaction

    # RFC 5769 §2.2 test vector (IPv4): 192.0.2.1:32853, with SOFTWARE, MESSAGE-INTEGRITY, FINGERPRINT
    vector = bytes.fromhex(
        "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000080001a147e112a643"
        "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96"
    )
    assert mapped_address(vector, bytes.fromhex("b7e7a701bc34d686fa87dfae")) == ("192.0.2.1", 32853)
    assert mapped_address(vector, bytes(12)) is None  # someone else's transaction
    assert StunServer.parse("stun.example.vn") == StunServer("stun.example.vn", 3478)
    assert StunServer.parse("10.0.0.1:3479") == StunServer("10.0.0.1", 3479)


def test_the_public_address_from_stun_goes_into_contact_and_sdp(
    lab, agent_factory: AgentFactory, sipp: SippFactory, stun, user
):
    kamailio = lab.kamailio()
    responder = stun(nat=NAT)
    policy = AgentPolicy(keepalive_interval=1.0, unregister_timeout=0.5, learn_public_address=False)
    agent, events = agent_factory(kamailio, user, policy=policy, stun_server=f"127.0.0.1:{responder.port}")
    local_port = agent.local_address[1]

    _, result = events.wait_for(StunResult)
    assert result.mapped == (NAT[0], local_port + NAT[1]) and result.error == ""
    assert responder.requests[0] == ("127.0.0.1", local_port)  # asked from the SIP socket itself
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    assert agent.public_address == (NAT[0], local_port + NAT[1])
    assert kamailio.contacts(user) == [f"sip:{user}@{NAT[0]}:{local_port + NAT[1]};transport=udp"]

    # An INVITE sent straight to us: our 180 carries the Contact, our 200 the SDP address.

    raw = RawSip()
    try:
        raw.send(
            raw.request("INVITE", local_port, extra="Content-Type: application/sdp\r\n", body=OFFER),
            local_port,
        )
        _, call = events.wait_for(IncomingCall)
        agent.answer(call.call_id)
        answer = b""
        while not answer.startswith(b"SIP/2.0 200"):
            data = raw.receive(2.0)
            assert data is not None, "no 200 OK"
            answer = data
        text = answer.decode()
        assert f"Contact: <sip:{user}@{NAT[0]}:{local_port + NAT[1]};transport=udp>" in text
        assert re.search(rf"^c=IN IP4 {re.escape(NAT[0])}\r$", text, re.MULTILINE)
        agent.hangup(call.call_id)
    finally:
        raw.close()


def test_a_stun_server_that_does_not_answer_delays_start_by_its_timeout_only(
    lab, agent_factory: AgentFactory, stun, user
):
    kamailio = lab.kamailio()
    responder = stun(silent=True)
    policy = AgentPolicy(keepalive_interval=1.0, unregister_timeout=0.5, stun_timeout=0.8)
    started = time.monotonic()
    agent, events = agent_factory(kamailio, user, policy=policy, stun_server=f"127.0.0.1:{responder.port}")
    took = time.monotonic() - started

    _, result = events.wait_for(StunResult)
    assert result.mapped is None and "no answer" in result.error
    assert 0.7 < took < 2.0
    assert len(responder.requests) >= 2  # retransmitted
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    assert agent.public_address == agent.local_address  # falls back to what it had


def test_a_malformed_stun_server_setting_is_refused_at_once():
    with pytest.raises(ValueError):
        SipAccount("127.0.0.1", "1002", "x", stun_server="host:notaport")
