"""The desk's phone against a PBX on another host: registered from the route's address, calls both ways,
and registered again by itself when the desk's address changes mid-shift.

The PBX (Kamailio) and the citizens and callee (sipp) run in a network namespace of their own at
198.18.110.2; the desk, in this namespace, reaches it through a veth link from 198.18.110.1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.domain.codes import CallOutcome
from desktop.services.phone_codes import CallbackKind
from desktop.store import models

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "telephony"))
from lab_tools import lab_tool_missing
from netlab import NetLab, netns_usable

SCENARIOS = Path(__file__).with_name("scenarios")


@pytest.fixture
def pbx_host() -> Iterator[Any]:
    why = netns_usable()
    if why:
        lab_tool_missing(why)
    lab = NetLab(prefix=f"td{os.getpid() % 10000}", first_subnet=110)
    try:
        yield lab.add_host("pbx")
    finally:
        lab.close()


@pytest.fixture
def remote_kamailio(siplab: Any, pbx_host: Any, tmp_path: Path) -> Iterator[Any]:
    instance = siplab.Kamailio(tmp_path / "pbx", host=pbx_host.address, netns=pbx_host.netns).start()
    yield instance
    instance.stop()


def registered(qtbot: Any, desk: Any) -> None:
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)


def last_call(store: Any) -> models.Call:
    with store.sessions() as session:
        row = session.scalars(select(models.Call).order_by(models.Call.started_at.desc())).first()
        assert row is not None
        return row


def caller_rings(qtbot: Any, desk: Any, sipp: Any, kamailio: Any, host: Any, number: str) -> Any:
    keys = ["-s", "1022", "-key", "from", f"{number}@{host.address}", "-key", "caller", number]
    run = sipp.uac(
        str(SCENARIOS / "uac_from_wait_bye.xml"),
        kamailio.port,
        *keys,
        "-key",
        "display",
        "Nguoi dan",
        "-key",
        "codecs",
        "8 101",
        host=host,
    )
    popup = desk.phone.popup
    try:
        qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=8000)
    except Exception:
        print("sipp:", run.output(), "kamailio:", kamailio.log_tail(40), sep="\n")  # why it did not ring
        raise
    return run


def answer_then_hang_up(qtbot: Any, desk: Any, run: Any) -> None:
    qtbot.keyClick(desk.phone.popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.phone.active_call is not None, timeout=5000)
    qtbot.keyClick(desk.window, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=10000)
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_2)
    assert run.wait(10) == 0, run.output()


def test_the_desk_registers_to_a_pbx_on_another_host_and_calls_go_both_ways(
    qtbot, make_desk, remote_kamailio, pbx_host, sipp, store
):
    desk = make_desk(remote_kamailio, user="1001", record=False)
    registered(qtbot, desk)
    contacts = remote_kamailio.contacts("1001")
    assert any(pbx_host.peer_address in contact for contact in contacts), contacts

    run = caller_rings(qtbot, desk, sipp, remote_kamailio, pbx_host, "0912345678")
    answer_then_hang_up(qtbot, desk, run)
    assert desk.session.flush()
    row = last_call(store)
    assert (row.direction, row.phone, row.outcome) == ("vao", "+84912345678", CallOutcome.ANSWERED.value)

    callee = sipp.uas("uas_trunk_bye.xml", remote_kamailio.trunk_port, "-d", "800", host=pbx_host)
    callback_id = desk.session.callbacks.enqueue(CallbackKind.MISSED, "0907654321")
    panel = desk.phone.callbacks
    panel.reload()
    qtbot.waitUntil(lambda: panel.current() is not None and panel.current().id == callback_id, timeout=5000)
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # call the citizen back through the PBX's trunk
    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=10000)
    assert callee.wait(10) == 0, callee.output()
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_Return)
    assert desk.session.flush()
    row = last_call(store)
    assert (row.direction, row.phone, row.outcome) == ("ra", "+84907654321", CallOutcome.ANSWERED.value)


def test_a_new_desk_address_mid_shift_is_registered_again_by_itself(
    qtbot, make_desk, remote_kamailio, pbx_host, sipp, store
):
    desk = make_desk(remote_kamailio, user="1001", record=False)
    registered(qtbot, desk)
    old_address = pbx_host.peer_address

    pbx_host.move_peer_address("198.18.110.7")  # DHCP gave this PC another address

    qtbot.waitUntil(
        lambda: any("198.18.110.7" in contact for contact in remote_kamailio.contacts("1001")), timeout=15000
    )
    registered(qtbot, desk)
    assert old_address != pbx_host.peer_address
    run = caller_rings(qtbot, desk, sipp, remote_kamailio, pbx_host, "0912345678")
    answer_then_hang_up(qtbot, desk, run)
    assert desk.session.flush()
    assert last_call(store).outcome == CallOutcome.ANSWERED.value
