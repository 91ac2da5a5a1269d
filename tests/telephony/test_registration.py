"""Registration against a real Kamailio (defect 7): digest with and without qop, expiry, loss, outages."""

from __future__ import annotations

import time

import pytest
from conftest import AgentFactory
from telephony_lab import free_udp_port

from desktop.telephony import AgentPolicy, RegistrationChanged, RegistrationRefreshed, RegistrationState


def contact_of(agent_port: int, user: str) -> str:
    return f"sip:{user}@127.0.0.1:{agent_port};transport=udp"


@pytest.mark.parametrize("mode", ["default", "qop"])
def test_registers_with_digest_and_appears_in_the_location_table(
    lab, agent_factory: AgentFactory, user, mode
):
    kamailio = lab.kamailio(mode)
    agent, events = agent_factory(kamailio, user)

    _, registered = events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)

    assert registered.code == 200
    assert registered.expires == 3600
    assert contact_of(agent.local_address[1], user) in kamailio.contacts(user)
    states = [e.state for e in events.of(RegistrationChanged)]
    assert states == [RegistrationState.REGISTERING, RegistrationState.REGISTERED]


def test_stop_unregisters_and_returns_within_two_seconds(lab, agent_factory: AgentFactory, user):
    kamailio = lab.kamailio()
    agent, events = agent_factory(kamailio, user)
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    contact = contact_of(agent.local_address[1], user)

    started = time.monotonic()
    agent.stop()

    assert time.monotonic() - started < 2.0
    assert contact not in kamailio.contacts(user)


def test_wrong_password_is_auth_failed_with_the_servers_reason(lab, agent_factory: AgentFactory, user):
    agent, events = agent_factory(lab.kamailio("qop"), user, password="not-the-password")

    _, failed = events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.AUTH_FAILED)

    assert (failed.code, failed.reason) == (401, "Unauthorized")
    time.sleep(1.0)  # no retry storm: a refused password is final until the operator acts
    assert agent.registration_state is RegistrationState.AUTH_FAILED
    assert [e.state for e in events.of(RegistrationChanged)][-1] is RegistrationState.AUTH_FAILED


def test_refreshes_before_the_expiry_the_server_grants(lab, agent_factory: AgentFactory, user):
    kamailio = lab.kamailio("short_expiry")  # max_expires=10 although we ask for 3600
    agent, events = agent_factory(kamailio, user)

    _, registered = events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    _, refreshed = events.wait_for(RegistrationRefreshed, timeout=9.0)

    assert registered.expires == 10
    assert refreshed.expires == 10
    assert contact_of(agent.local_address[1], user) in kamailio.contacts(user)


def test_a_lost_register_is_retransmitted_on_timer_e(lab, agent_factory: AgentFactory, user):
    """The registrar is not there for the first REGISTER; Timer E's retransmission registers us."""
    kamailio = lab.private_kamailio()
    policy = AgentPolicy(keepalive_interval=1.0)
    agent, events = agent_factory(kamailio, user, policy=policy)  # kamailio not started yet
    try:
        time.sleep(0.7)  # the first REGISTER (t=0) and its retransmission (t=0.5) are lost
        kamailio.start()
        started = time.monotonic()

        at, _ = events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED, 5.0)

        assert at - started < 4.5  # the next Timer E retransmission is at most T2 = 4 s away (Timer F: 32 s)
        assert RegistrationState.UNREACHABLE not in [e.state for e in events.of(RegistrationChanged)]
    finally:
        agent.stop()
        kamailio.stop()


@pytest.mark.parametrize("crash", [False, True], ids=["restart", "crash"])
def test_registers_again_within_5_s_of_the_registrars_return(lab, agent_factory: AgentFactory, user, crash):
    port = free_udp_port()
    kamailio = lab.private_kamailio()
    kamailio.port = port
    kamailio.start()
    try:
        agent, events = agent_factory(kamailio, user)
        events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
        mark = events.mark()

        kamailio.stop(crash=crash)
        events.wait_for(
            RegistrationChanged, lambda e: e.state is RegistrationState.UNREACHABLE, 5.0, after=mark
        )
        time.sleep(2.5)  # down long enough for the backoff to grow
        kamailio.start()
        back = time.monotonic()

        at, _ = events.wait_for(
            RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED, 6.0, after=mark
        )

        assert at - back < 5.0
        assert contact_of(agent.local_address[1], user) in kamailio.contacts(user)
    finally:
        kamailio.stop()
