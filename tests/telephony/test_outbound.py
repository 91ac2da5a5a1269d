"""Outbound calls (callbacks to citizens) through Kamailio to a sipp trunk: ACK, routes, auth, failures."""

from __future__ import annotations

import re
import time

import pytest
from conftest import AgentFactory, EventLog, SippFactory

from desktop.domain.codes import CallDirection, CallOutcome
from desktop.telephony import (
    CallEnded,
    CallState,
    CallStateChanged,
    EndReason,
    RegistrationChanged,
    RegistrationState,
    SipAgent,
)

CITIZEN = "0901234567"  # 0xxxxxxxxx goes, after digest auth, to the trunk
STOCK = "stock pyVoIP 1.6.8"


def registered(agent_and_log: tuple[SipAgent, EventLog]) -> tuple[SipAgent, EventLog]:
    agent, events = agent_and_log
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    return agent, events


def states(events: EventLog, call_id: str) -> list[CallState]:
    return [e.state for e in events.of(CallStateChanged) if e.call_id == call_id]


@pytest.mark.parametrize("mode", ["default", "auth407", "strict"])
def test_callback_is_answered_acked_in_dialog_and_hung_up(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user, mode
):
    """default: 401 on INVITE; auth407: 407 with qop; strict: the ACK and BYE must follow Record-Route."""
    kamailio = lab.kamailio(mode)
    agent, events = registered(agent_factory(kamailio, user))
    trunk = sipp.uas("uas_trunk.xml", kamailio.trunk_port)  # checks the ACK's To-tag (defect 3)

    call_id = agent.dial(CITIZEN)
    events.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED)
    time.sleep(0.3)
    agent.hangup(call_id)

    assert trunk.wait(10) == 0, trunk.output()
    assert states(events, call_id) == [CallState.DIALING, CallState.RINGING, CallState.ANSWERED]
    _, ended = events.wait_for(CallEnded)
    assert (ended.reason, ended.direction, ended.outcome) == (
        EndReason.LOCAL_HANGUP,
        CallDirection.OUTBOUND,
        CallOutcome.ANSWERED,
    )
    log = trunk.messages()
    assert re.search(rf"ACK sip:trunk@127\.0\.0\.1:{kamailio.trunk_port} SIP/2\.0", log), "ACK to the Contact"
    assert re.search(rf"BYE sip:trunk@127\.0\.0\.1:{kamailio.trunk_port} SIP/2\.0", log), "BYE to the Contact"


def invite_200s_sent(trunk_messages: str) -> int:
    """How many times the trunk sent (or re-sent) its 200 OK to the INVITE, from sipp's message trace."""
    blocks = trunk_messages.split("-----------------------------------------------")
    return sum(
        1
        for block in blocks
        if "message sent" in block
        and "SIP/2.0 200 OK" in block
        and re.search(r"^\s*CSeq:\s*\d+ INVITE", block, re.MULTILINE | re.IGNORECASE)
    )


@pytest.mark.slow
def test_a_callback_lasting_over_60_s_stays_up_on_a_strict_trunk(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    """Defect 3 on the clock: a PBX that never matched our ACK would re-send its 200 OK until Timer H
    (32 s) and then drop the call. Through a record-routing proxy, the trunk gets the ACK in its dialog
    at once (one 200 OK, never re-sent), nobody hangs up for 61 s, and our BYE still ends the call.
    """
    kamailio = lab.kamailio("strict")
    agent, events = registered(agent_factory(kamailio, user))
    trunk = sipp.uas("uas_trunk.xml", kamailio.trunk_port, timeout_s=100)

    call_id = agent.dial(CITIZEN)
    events.wait_for(CallStateChanged, lambda e: e.state is CallState.ANSWERED)
    time.sleep(61.0)

    assert events.of(CallEnded) == []
    assert [c.state for c in agent.calls()] == [CallState.ANSWERED]
    assert trunk.process is not None and trunk.process.poll() is None, trunk.output()  # the trunk is still up
    agent.hangup(call_id)

    assert trunk.wait(10) == 0, trunk.output()
    _, ended = events.wait_for(CallEnded)
    assert (ended.reason, ended.answered) == (EndReason.LOCAL_HANGUP, True)
    assert invite_200s_sent(trunk.messages()) == 1


def test_the_far_end_hanging_up_ends_the_callback(lab, agent_factory: AgentFactory, sipp: SippFactory, user):
    kamailio = lab.kamailio("strict")
    agent, events = registered(agent_factory(kamailio, user))
    trunk = sipp.uas("uas_trunk_bye.xml", kamailio.trunk_port, "-d", "300")

    agent.dial(CITIZEN)

    _, ended = events.wait_for(CallEnded)
    assert (ended.reason, ended.answered) == (EndReason.REMOTE_HANGUP, True)
    assert trunk.wait(10) == 0, trunk.output()


@pytest.mark.parametrize(
    ("scenario", "status", "reason", "expected"),
    [
        ("uas_busy.xml", 486, "Busy Here", EndReason.BUSY),
        ("uas_decline.xml", 603, "Decline", EndReason.DECLINED),
        ("uas_unavailable.xml", 480, "Temporarily Unavailable", EndReason.NO_ANSWER),
    ],
)
def test_a_refused_callback_fails_with_the_sip_cause_and_is_acked(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user, scenario, status, reason, expected
):
    kamailio = lab.kamailio()
    agent, events = registered(agent_factory(kamailio, user))
    trunk = sipp.uas(scenario, kamailio.trunk_port)

    call_id = agent.dial(CITIZEN)

    _, ended = events.wait_for(CallEnded)
    assert (ended.call_id, ended.reason, ended.code, ended.detail) == (call_id, expected, status, reason)
    assert trunk.wait(10) == 0, trunk.output()  # the trunk got its ACK
    assert agent.calls() == []


def test_an_unknown_number_fails_not_found(lab, agent_factory: AgentFactory, user):
    agent, events = registered(agent_factory(lab.kamailio(), user))

    agent.dial("9999")

    _, ended = events.wait_for(CallEnded)
    assert (ended.reason, ended.code) == (EndReason.NOT_FOUND, 404)


def test_refused_credentials_fail_the_callback_with_auth_failed(lab, agent_factory: AgentFactory, user):
    agent, events = agent_factory(lab.kamailio("auth407"), user, password="wrong")
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.AUTH_FAILED)

    agent.dial(CITIZEN)

    _, ended = events.wait_for(CallEnded)
    assert (ended.reason, ended.code) == (EndReason.AUTH_FAILED, 407)


def test_the_operator_cancels_a_ringing_callback(lab, agent_factory: AgentFactory, sipp: SippFactory, user):
    kamailio = lab.kamailio()
    agent, events = registered(agent_factory(kamailio, user))
    trunk = sipp.uas("uas_ring_cancel.xml", kamailio.trunk_port)  # requires CANCEL, then ACKs its 487

    call_id = agent.dial(CITIZEN)
    events.wait_for(CallStateChanged, lambda e: e.state is CallState.RINGING)
    agent.cancel(call_id)

    _, ended = events.wait_for(CallEnded)
    assert (ended.reason, ended.answered) == (EndReason.CANCELLED, False)
    assert trunk.wait(10) == 0, trunk.output()


@pytest.mark.xfail(strict=True, reason=f"defect 3: {STOCK} ACKs the 2xx with a fresh To-tag")
def test_stock_pyvoip_acks_a_callback_in_its_dialog(lab, stock_factory, sipp: SippFactory, user):
    from pyVoIP.VoIP import CallState as StockState

    kamailio = lab.kamailio()
    phone = stock_factory(kamailio, user)
    trunk = sipp.uas("uas_trunk.xml", kamailio.trunk_port)
    call = phone.phone.call(CITIZEN)
    deadline = time.monotonic() + 5
    while call.state != StockState.ANSWERED and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)
    call.hangup()

    assert trunk.wait(3) == 0


@pytest.mark.xfail(strict=True, reason=f"defect 5: {STOCK} leaves a call refused with 486 DIALING")
def test_stock_pyvoip_ends_a_busy_callback(lab, stock_factory, sipp: SippFactory, user):
    from pyVoIP.VoIP import CallState as StockState

    kamailio = lab.kamailio()
    phone = stock_factory(kamailio, user)
    sipp.uas("uas_busy.xml", kamailio.trunk_port)
    call = phone.phone.call(CITIZEN)
    deadline = time.monotonic() + 3
    while call.state != StockState.ENDED and time.monotonic() < deadline:
        time.sleep(0.02)

    assert call.state == StockState.ENDED
