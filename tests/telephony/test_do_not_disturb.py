"""Do not disturb (issue #12 point 9): a not-ready desk's agent answers new calls 486 through Kamailio,
raises no event and sends no 180; calls ring again once it is lifted."""

from __future__ import annotations

import pytest
from conftest import AgentFactory, SippFactory
from test_inbound import caller_keys, registered

from desktop.telephony import CallEnded, IncomingCall


def test_a_not_ready_agent_answers_busy_without_ringing_and_rings_again_when_ready(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    kamailio = lab.kamailio()
    agent, events = registered(agent_factory(kamailio, user))

    agent.set_do_not_disturb(486)
    busy = sipp.uac("uac_hotline_busy.xml", kamailio.port, *caller_keys(user, pai=False))
    assert busy.wait(10) == 0, busy.output()  # 486, and no 180 before it
    assert events.of(IncomingCall) == [] and agent.calls() == []  # nothing rang, nothing to log

    agent.set_do_not_disturb(None)
    rings = sipp.uac("uac_hotline_rejected.xml", kamailio.port, *caller_keys(user, pai=False))
    _, call = events.wait_for(IncomingCall)
    agent.reject(call.call_id, 486)
    events.wait_for(CallEnded)
    assert rings.wait(10) == 0, rings.output()


def test_do_not_disturb_takes_only_the_answers_a_pbx_reads_as_try_elsewhere():
    from desktop.telephony import SipAccount, SipAgent

    agent = SipAgent(SipAccount(server_host="127.0.0.1", user="1002", password="x"), lambda _e: None)
    with pytest.raises(ValueError):
        agent.set_do_not_disturb(603)  # "decline" tells a forking PBX to stop trying other desks
    agent.set_do_not_disturb(480)
    assert agent.do_not_disturb == 480  # kept for the call manager the agent builds at start
