"""The desk's phone against a PBX on another host: registered from the route's address, calls both ways,
and registered again by itself when the desk's address changes mid-shift; a neighbour on a host of its own
cannot call the desk around the PBX, nor end or cancel the citizen's call; a listed host's flood rings at
most the allowed number, and the strangers still ringing when the desk stops leave nothing behind.

The PBX (Kamailio) and the citizens and callee (sipp) run in a network namespace of their own at
198.18.110.2; the desk, in this namespace, reaches it through a veth link from 198.18.110.1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.domain.codes import CallOutcome
from desktop.services.phone.codes import CallbackKind
from desktop.store import models
from desktop.telephony import AgentPolicy

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "telephony"))
from lab_tools import lab_tool_missing
from netlab import NetLab, netns_usable

SCENARIOS = Path(__file__).with_name("scenarios")


@pytest.fixture
def netlab() -> Iterator[NetLab]:
    why = netns_usable()
    if why:
        lab_tool_missing(why)
    lab = NetLab(prefix=f"td{os.getpid() % 10000}", first_subnet=110)
    try:
        yield lab
    finally:
        lab.close()


@pytest.fixture
def pbx_host(netlab: NetLab) -> Any:
    return netlab.add_host("pbx")


@pytest.fixture
def intruder_host(netlab: NetLab, pbx_host: Any) -> Any:
    """A neighbour on another host (198.18.111.2) that can reach the desk's address on the PBX's link."""
    host = netlab.add_host("intruder")
    subprocess.run(
        ["ip", "-n", host.netns, "route", "add", f"{pbx_host.peer_address}/32", "via", host.peer_address],
        check=True,
        capture_output=True,
        timeout=10,
    )
    return host


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


SEND_FROM_HOST = r"""
import socket, sys
source, target, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
counts = [int(count) for count in sys.argv[4:]]
payloads = sys.stdin.buffer.read().split(b"\0")
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((source, 0))  # a port of its own for every run: no retransmission meant for an earlier one
sock.settimeout(2)
for payload, count in zip(payloads, counts):  # one socket: a CANCEL comes from where its INVITE came
    for n in range(count):
        sock.sendto(payload.replace(b"@N@", str(n).encode()), (target, port))
    try:
        while True:
            answer = sock.recv(65535).decode()
            call_id = next(l for l in answer.split("\r\n") if l.startswith("Call-ID:")).split()[1]
            cseq = next(l for l in answer.split("\r\n") if l.startswith("CSeq:")).split()[2]
            print(answer.split("\r\n", 1)[0], cseq, call_id, sep="|")
    except OSError:
        pass
"""


def intruder_request(
    host: Any,
    target: tuple[str, int],
    method: str,
    *,
    extra: str = "",
    body: str = "",
    name: str = "intrus",
) -> str:
    """A request from the intruder; `@N@` in its ids is the request's number in a flood, `name` keeps the
    ids of one flood apart from another's."""
    me = f"{host.address}:5070"
    return (
        f"{method} sip:1001@{target[0]}:{target[1]} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {me};branch=z9hG4bK-{name}-@N@;rport\r\n"
        "Max-Forwards: 70\r\n"
        f'From: "Nguoi la" <sip:0912345678@{me}>;tag={name}-@N@\r\n'
        f"To: <sip:1001@{target[0]}>\r\n"
        f"Call-ID: {name}-@N@@{host.address}\r\n"
        f"CSeq: 1 {method}\r\n"
        f"Contact: <sip:0912345678@{me}>\r\n"
        f"{extra}"
        f"Content-Length: {len(body.encode())}\r\n\r\n{body}"
    )


def send_from(host: Any, target: tuple[str, int], *requests: tuple[str, int]) -> list[str]:
    """Datagrams sent from one socket inside the intruder's namespace, each request `count` times (its
    `@N@` numbered), in turn; what it heard back, as "status line|CSeq method|Call-ID"."""
    done = subprocess.run(
        ["ip", "netns", "exec", host.netns, sys.executable, "-c", SEND_FROM_HOST,
         host.address, target[0], str(target[1]), *(str(count) for _, count in requests)],
        input="\0".join(request for request, _ in requests).encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    return [line for line in done.stdout.decode().splitlines() if line]


def finals(heard: list[str], method: str) -> dict[str, int]:
    """Call-ID → the final status the desk gave to `method` requests."""
    codes: dict[str, int] = {}
    for line in heard:
        status, cseq_method, call_id = line.split("|")
        code = int(status.split()[1])
        if cseq_method == method and code >= 200:
            codes[call_id] = code
    return codes


OFFER_FROM_INTRUDER = (
    "v=0\r\no=x 1 1 IN IP4 198.18.111.2\r\ns=-\r\nc=IN IP4 198.18.111.2\r\nt=0 0\r\n"
    "m=audio 30000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
)


def test_a_neighbour_on_another_host_cannot_call_the_desk_nor_end_or_cancel_a_citizens_call(
    qtbot, make_desk, remote_kamailio, pbx_host, intruder_host, sipp, store
):
    desk = make_desk(remote_kamailio, user="1001", record=False)
    registered(qtbot, desk)
    target = desk.phone.agent.local_address
    assert target[0] == pbx_host.peer_address  # the desk listens on the PBX's link, where the intruder sends
    popup = desk.phone.popup

    forged = 'P-Asserted-Identity: "Uy ban nhan dan tinh" <sip:02773851234@198.18.111.2>\r\n'
    invite = intruder_request(
        intruder_host,
        target,
        "INVITE",
        extra=forged + "Content-Type: application/sdp\r\n",
        body=OFFER_FROM_INTRUDER,
    )
    flood = intruder_request(
        intruder_host, target, "INVITE", extra="Content-Type: application/sdp\r\n", body=OFFER_FROM_INTRUDER,
        name="flood",
    )  # fmt: skip
    heard = send_from(intruder_host, target, (invite, 1), (flood, 40))
    assert sorted(finals(heard, "INVITE").values()) == [403] * 41  # around the PBX: refused, never rung
    assert not any(line.startswith(("SIP/2.0 100", "SIP/2.0 180")) for line in heard)
    assert not popup.isVisible() and not desk.phone.busy()

    run = caller_rings(
        qtbot, desk, sipp, remote_kamailio, pbx_host, "0987000111"
    )  # a real citizen, via the PBX
    assert popup.number_label.text().replace(" ", "") == "0987000111"
    ringing = desk.phone.agent._manager()._calls[popup.ringing.sip_call_id]
    invite_seen = (
        ringing.invite
    )  # the PBX's INVITE, as a sniffer sees it: its CANCEL would hang the citizen up
    assert invite_seen is not None
    cancel = (
        f"CANCEL {invite_seen.uri} SIP/2.0\r\n"
        f"Via: {invite_seen.header_values('Via')[0]}\r\nMax-Forwards: 70\r\n"
        f"From: {invite_seen.header('From')}\r\nTo: {invite_seen.header('To')}\r\n"
        f"Call-ID: {invite_seen.call_id}\r\nCSeq: {invite_seen.cseq[0]} CANCEL\r\nContent-Length: 0\r\n\r\n"
    )
    assert finals(send_from(intruder_host, target, (cancel, 1)), "CANCEL") == {invite_seen.call_id: 481}
    assert popup.isVisible() and popup.ringing is not None  # the citizen still rings
    qtbot.keyClick(desk.phone.popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.phone.active_call is not None, timeout=5000)
    call = desk.phone.agent._manager()._calls[
        desk.phone.active_call
    ]  # the dialog's ids, as a sniffer sees them
    bye = (
        f"BYE sip:1001@{target[0]}:{target[1]} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {intruder_host.address}:5070;branch=z9hG4bK-bye-@N@;rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: {call.remote_party}\r\nTo: {call.local_party}\r\nCall-ID: {call.call_id}\r\n"
        "CSeq: 99 BYE\r\nContent-Length: 0\r\n\r\n"
    )
    assert finals(send_from(intruder_host, target, (bye, 1)), "BYE") == {call.call_id: 403}
    time.sleep(0.5)
    assert desk.phone.active_call is not None  # the citizen is still on the line

    qtbot.keyClick(desk.window, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=10000)
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_2)
    assert run.wait(10) == 0, run.output()


def test_a_flood_from_a_listed_host_rings_at_most_the_limit_and_what_rings_at_close_is_left_behind_by_nobody(
    qtbot, make_desk, remote_kamailio, pbx_host, intruder_host, store
):
    """The administrator listed the intruder's address (a second PBX node gone wrong, say): its calls ring,
    but never more than the limit; three are cancelled from where they came; the desk closes on the rest,
    and the tests that follow in the same session (the SRTP ones) register and ring as usual."""
    desk = make_desk(remote_kamailio, user="1001", record=False, start=False)
    desk.phone.settings.sip_trusted_hosts = [intruder_host.address]
    desk.phone.start()
    registered(qtbot, desk)
    target = desk.phone.agent.local_address
    popup = desk.phone.popup

    flood = intruder_request(
        intruder_host, target, "INVITE", extra="Content-Type: application/sdp\r\n", body=OFFER_FROM_INTRUDER,
        name="flood",
    )  # fmt: skip
    cancel_some = intruder_request(intruder_host, target, "CANCEL", name="flood")
    heard = send_from(intruder_host, target, (flood, 40), (cancel_some, 3))  # then it hangs up 3 of them
    ring_at_most = AgentPolicy().max_ringing
    assert sorted(finals(heard, "INVITE").values()) == [486] * (40 - ring_at_most) + [487] * 3
    assert sorted(finals(heard, "CANCEL").values()) == [200] * 3
    qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=8000)
    assert desk.phone.busy()  # five strangers still ring as the desk closes (the fixture stops it)
