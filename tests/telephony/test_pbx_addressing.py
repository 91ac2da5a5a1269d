"""Any PBX's addressing: the domain (with its port when not the default) and an outbound proxy, as a
softphone writes them, against a Kamailio that refuses requests not addressed to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import TEST_POLICY, AgentFactory, EventLog
from telephony_lab import PASSWORDS, Kamailio

from desktop.telephony import (
    IncomingCall,
    RegistrationChanged,
    RegistrationState,
    SipAccount,
    SipAgent,
)

DOMAIN = "1022.lab.test"  # a name only the PBX knows: never resolved by the desk


def registered(events: EventLog) -> RegistrationChanged:
    _, event = events.wait_for(
        RegistrationChanged,
        lambda e: e.state in (RegistrationState.REGISTERED, RegistrationState.AUTH_FAILED),
    )
    return event


@pytest.fixture
def agents() -> Iterator[list[SipAgent]]:
    started: list[SipAgent] = []
    yield started
    for agent in started:
        agent.stop()


def start(agents: list[SipAgent], **account: object) -> EventLog:
    user = str(account["user"])
    log = EventLog()
    agent = SipAgent(
        SipAccount(password=PASSWORDS[user], rtp_port_low=21000, rtp_port_high=21999, **account),  # type: ignore[arg-type]
        log,
        TEST_POLICY,
    )
    agent.start()
    agents.append(agent)
    return log


def test_a_pbx_on_another_port_that_checks_its_requests_takes_the_desks_register_and_invite(
    lab, agent_factory: AgentFactory
) -> None:
    kamailio = lab.kamailio("strict_domain")
    _callee, callee_events = agent_factory(kamailio, "1003")
    caller, caller_events = agent_factory(kamailio, "1004")
    assert registered(callee_events).state is RegistrationState.REGISTERED
    assert registered(caller_events).state is RegistrationState.REGISTERED

    caller.dial("1003")

    _, ringing = callee_events.wait_for(IncomingCall)
    assert ringing.number == "1004"
    assert f"REQ REGISTER sip:127.0.0.1:{kamailio.port} " in kamailio.log_tail(100_000)
    assert f"REQ INVITE sip:1003@127.0.0.1:{kamailio.port} " in kamailio.log_tail(100_000)


def test_the_domain_and_an_outbound_proxy_are_written_as_a_softphone_writes_them(
    lab, agents: list[SipAgent]
) -> None:
    kamailio = Kamailio(lab.root / "kamailio-domain", "strict_domain", alias=DOMAIN).start()
    try:
        through_proxy = start(
            agents,
            server_host=DOMAIN,
            server_port=5060,
            user="1005",
            outbound_proxy=f"127.0.0.1:{kamailio.port}",
        )
        with_domain = start(
            agents, server_host="127.0.0.1", server_port=kamailio.port, user="1006", domain=DOMAIN
        )
        assert registered(through_proxy).state is RegistrationState.REGISTERED
        assert registered(with_domain).state is RegistrationState.REGISTERED

        agents[1].dial("1005")

        _, ringing = through_proxy.wait_for(IncomingCall)
        assert ringing.number == "1006"
        log = kamailio.log_tail(100_000)
        assert f"REQ REGISTER sip:{DOMAIN} " in log and f"REQ INVITE sip:1005@{DOMAIN} " in log
        assert "NOT FOR THIS DOMAIN" not in log
    finally:
        for agent in agents:
            agent.stop()
        agents.clear()
        kamailio.stop()
