"""A desk that stops (closed, restarted) while strangers' calls ring: every ringing call gets its final
response and is logged, and nothing of them is left behind (no pop-up, no work on the shared thread pool
that the next desk needs to register). Real Kamailio for the registration; the flood is a raw UDP socket."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QThreadPool
from sqlalchemy import func, select

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
