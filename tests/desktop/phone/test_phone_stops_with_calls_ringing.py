"""Several calls ringing at once on a real desk: a desk that stops (closed, restarted) while they ring gives
each its final response, logs it and leaves nothing behind (no pop-up, no work on the shared thread pool
that the next desk needs to register); the pop-up moves to a citizen still ringing when the one shown hangs
up; the ringing limit is the administrator's. Real Kamailio for the registration; the callers are raw UDP."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QThreadPool
from sqlalchemy import func, select

from desktop.services.phone.account import policy_from
from desktop.store import models
from desktop.telephony import AgentPolicy

FLOOD = 12


def test_calls_still_ringing_when_the_desk_stops_get_480_are_logged_and_leave_no_work_behind(
    qtbot, make_desk, kamailio, siplab, store
):
    desk = make_desk(kamailio, record=False)
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)
    port = desk.phone.agent.local_address[1]
    flooder: Any = siplab.RawSip()
    try:
        for _ in range(FLOOD):
            invite = flooder.request(
                "INVITE", port, extra="Content-Type: application/sdp\r\n", body=siplab.OFFER
            )
            flooder.send(invite, port)
        ringing = AgentPolicy().max_ringing
        qtbot.waitUntil(lambda: desk.phone.popup.isVisible(), timeout=8000)

        desk.phone.stop()  # the operator closes the desk while they ring
        desk.session.close()
        assert not desk.phone.popup.isVisible() and not desk.phone.busy()

        finals: dict[str, int] = {}
        while (answer := flooder.receive(timeout=1.0)) is not None:
            status = re.match(rb"SIP/2.0 (\d{3})", answer)
            call_id = re.search(rb"Call-ID: (\S+)", answer)
            if status and call_id and int(status.group(1)) >= 200:
                finals[call_id.group(1).decode()] = int(status.group(1))
        assert sorted(finals.values()) == [480] * ringing + [486] * (FLOOD - ringing)
    finally:
        flooder.close()

    qtbot.wait(500)  # the end events still queued towards the window arrive
    assert not desk.phone.popup.isVisible()
    assert desk.runner.pending == 0 and QThreadPool.globalInstance().waitForDone(1000)
    with store.sessions() as session:
        logged = session.scalar(
            select(func.count()).select_from(models.Call).where(models.Call.ended_at.is_not(None))
        )
    assert logged == ringing  # each ringing call is in the log with its end; the refused ones never rang


def cancel_of(invite: str) -> str:
    """The CANCEL of a hand-written INVITE (RFC 3261 §9.1): same Request-URI, Via, From, To, Call-ID."""
    head = invite.split("\r\n\r\n", 1)[0].split("\r\n")
    kept = [
        line for line in head[1:] if line.split(":", 1)[0] in ("Via", "From", "To", "Call-ID", "Max-Forwards")
    ]
    return (
        f"CANCEL {head[0].split(' ')[1]} SIP/2.0\r\n"
        + "\r\n".join(kept)
        + "\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n"
    )


def test_when_the_call_shown_hangs_up_the_pop_up_shows_a_citizen_still_ringing(
    qtbot, make_desk, kamailio, siplab
):
    desk = make_desk(kamailio, record=False)
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)
    port = desk.phone.agent.local_address[1]
    popup = desk.phone.popup
    first, second = siplab.RawSip(), siplab.RawSip()
    try:
        invite = first.request("INVITE", port, extra="Content-Type: application/sdp\r\n", body=siplab.OFFER)
        first.send(invite, port)
        qtbot.waitUntil(lambda: popup.ringing is not None, timeout=8000)
        waiting = popup.ringing.sip_call_id
        hanging_up = second.request(
            "INVITE", port, extra="Content-Type: application/sdp\r\n", body=siplab.OFFER
        )
        second.send(hanging_up, port)
        qtbot.waitUntil(
            lambda: popup.ringing is not None and popup.ringing.sip_call_id != waiting, timeout=8000
        )

        second.send(cancel_of(hanging_up), port)  # the citizen on screen gives up
        qtbot.waitUntil(
            lambda: popup.ringing is not None and popup.ringing.sip_call_id == waiting, timeout=8000
        )
        assert popup.isVisible()  # the first citizen, still ringing, is not left unseen

        first.send(cancel_of(invite), port)
        qtbot.waitUntil(lambda: not popup.isVisible(), timeout=8000)
        assert not desk.phone.busy() and not desk.phone.ringer.ringing
    finally:
        first.close()
        second.close()


def test_a_restart_of_the_agent_answers_the_calls_ringing_480_and_the_new_agent_rings_again(
    qtbot, make_desk, kamailio, siplab, store
):
    desk = make_desk(kamailio, record=False)
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)
    first_agent = desk.phone.agent
    port = first_agent.local_address[1]
    caller: Any = siplab.RawSip()
    try:
        for _ in range(3):
            caller.send(
                caller.request("INVITE", port, extra="Content-Type: application/sdp\r\n", body=siplab.OFFER),
                port,
            )
        qtbot.waitUntil(lambda: desk.phone.popup.isVisible(), timeout=8000)

        desk.phone.restart()  # the account saved again (F8), or the network changed
        qtbot.waitUntil(lambda: desk.phone.agent not in (None, first_agent), timeout=8000)
        qtbot.waitUntil(lambda: not desk.phone.popup.isVisible() and not desk.phone.busy(), timeout=8000)
        finals = set()
        while (answer := caller.receive(timeout=0.5)) is not None:
            status = re.match(rb"SIP/2.0 (\d{3})", answer)
            if status and int(status.group(1)) >= 200:
                finals.add((int(status.group(1)), re.search(rb"Call-ID: (\S+)", answer).group(1)))  # type: ignore[union-attr]
        assert sorted(code for code, _ in finals) == [480, 480, 480]

        qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)
        new_port = desk.phone.agent.local_address[1]
        caller.send(
            caller.request("INVITE", new_port, extra="Content-Type: application/sdp\r\n", body=siplab.OFFER),
            new_port,
        )
        qtbot.waitUntil(lambda: desk.phone.popup.isVisible(), timeout=8000)  # the restarted desk rings
    finally:
        caller.close()


def test_the_ringing_limit_is_the_administrators_to_set_and_a_nonsense_value_keeps_the_default(
    qtbot, make_desk, kamailio, siplab
):
    desk = make_desk(kamailio, record=False, start=False)
    desk.phone.settings.sip_max_ringing = 2  # settings.json: a desk that should never juggle more
    desk.phone.start()
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)
    port = desk.phone.agent.local_address[1]
    flooder: Any = siplab.RawSip()
    try:
        for _ in range(5):
            flooder.send(
                flooder.request("INVITE", port, extra="Content-Type: application/sdp\r\n", body=siplab.OFFER),
                port,
            )
        busy: set[bytes] = set()
        while (answer := flooder.receive(timeout=1.0)) is not None:
            if answer.startswith(b"SIP/2.0 486"):
                busy.add(re.search(rb"Call-ID: (\S+)", answer).group(1))  # type: ignore[union-attr]
        assert len(busy) == 3
    finally:
        flooder.close()

    for nonsense in (0, -4, "tám"):
        desk.phone.settings.sip_max_ringing = nonsense  # type: ignore[assignment]
        assert policy_from(desk.phone.settings, AgentPolicy()).max_ringing == AgentPolicy().max_ringing
