"""A BYE the desk sends over UDP is retransmitted on RFC 3261 timers (§17.1.2: Timer E from T1 doubling to
T2, Timer F gives up at 64*T1) until the far end answers; a far end that never answers does not keep the
call alive: it ends at once on the desk, and the unanswered BYE is logged when Timer F fires.

The far end is a sipp trunk reached through the lab's Kamailio, which does not record-route: the BYE goes
straight to sipp, so what sipp received is what the desk sent.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time

from conftest import TEST_POLICY, AgentFactory, SippFactory
from test_outbound import CITIZEN, registered

from desktop.telephony import CallEnded, CallState, CallStateChanged, EndReason, TimerValues


def _byes_received(messages: str) -> list[str]:
    """The BYE requests in sipp's message trace, retransmissions included."""
    return re.findall(r"message received \[\d+\] bytes :\s+BYE sip:", messages)


def test_a_bye_the_far_end_answers_late_is_sent_again_until_the_answer_and_no_more(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    kamailio = lab.kamailio()
    agent, events = registered(agent_factory(kamailio, user))  # T1 0.5 s, T2 4 s: the RFC's values
    trunk = sipp.uas("uas_bye_slow.xml", kamailio.trunk_port, "-d", "2000")  # answers the BYE 2 s late

    call_id = agent.dial(CITIZEN)
    events.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED)
    hung_up = time.monotonic()
    agent.hangup(call_id)

    _, ended = events.wait_for(CallEnded)
    assert ended.reason is EndReason.LOCAL_HANGUP and time.monotonic() - hung_up < 1.0  # not 2 s later
    assert trunk.wait(10) == 0, trunk.output()
    time.sleep(3.0)  # a fourth BYE would come 3.5 s after the first (0.5 + 1 + 2)
    byes = _byes_received(trunk.messages())
    assert len(byes) == 3, trunk.messages()  # the first, then at +0.5 s and +1.5 s; none after the 200


def test_a_bye_never_answered_is_given_up_on_timer_f_and_the_call_still_ends_logged(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user, caplog
):
    timers = TimerValues(t1=0.1, t2=0.4)  # Timer F = 6.4 s instead of 32 s
    policy = dataclasses.replace(TEST_POLICY, timers=timers)
    kamailio = lab.kamailio()
    agent, events = registered(agent_factory(kamailio, user, policy=policy))
    trunk = sipp.uas("uas_bye_slow.xml", kamailio.trunk_port, "-d", "9000")  # past Timer F
    caplog.set_level(logging.WARNING, logger="desktop.telephony.calls")

    call_id = agent.dial(CITIZEN)
    events.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED)
    agent.hangup(call_id)

    _, ended = events.wait_for(CallEnded, timeout=1.0)  # over for the desk at once
    assert (ended.reason, ended.answered) == (EndReason.LOCAL_HANGUP, True)
    deadline = time.monotonic() + timers.timeout + 3.0
    while time.monotonic() < deadline and not any("no answer" in r.getMessage() for r in caplog.records):
        time.sleep(0.1)
    unanswered = [r.getMessage() for r in caplog.records if "no answer" in r.getMessage()]
    assert unanswered and call_id in unanswered[0], [r.getMessage() for r in caplog.records]
    sent_by_then = len(_byes_received(trunk.messages()))
    time.sleep(1.0)
    byes = _byes_received(trunk.messages())
    # 0, 0.1, 0.3, 0.7, then every T2 (0.4 s) until 6.4 s: about 18, and nothing once Timer F fired
    assert 12 <= len(byes) <= 20 and len(byes) == sent_by_then, len(byes)
    assert trunk.wait(15) == 0, trunk.output()
