"""`popup`: INVITE on the wire -> ringing pop-up on screen with the caller's history, p50/p95.

A desk agent (the hotline extension) registers with a loopback Kamailio; a raw UDP caller sends it INVITEs
straight to its SIP port, each from a number of the store (so every pop-up has a real history to show).
The path measured is the desk's own: the agent's event thread -> the phone session's history lookup ->
the bridge's queued signal -> the pop-up filled, the ringtone started on the ringing device (if the machine
has one), the pop-up shown and painted (offscreen Qt). Baseline, same calls:
the agent's INVITE -> `IncomingCall` event time. The call-log writes run on the session's writer thread,
on a private copy of the store. Every call is then refused (486), as an operator's Esc would.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import Size, figure, log, percentile
from bench.dataset import copy_store, open_bench_store, raw_connection, store_for
from bench.history import known_numbers
from bench.sip_lab import RawCaller, lab, password, wait_until

BASELINE = "the SIP agent's own INVITE -> IncomingCall event, same calls"
SPACING_S = 0.15


class NumberedCaller(RawCaller):
    """The raw caller, with the citizen's number of each call in From and P-Asserted-Identity."""

    def invite_from(self, port: int, user: str, n: int, number: str) -> str:
        call_id = f"bench-popup-{n}-{time.monotonic_ns()}@127.0.0.1"
        branch = f"z9hG4bKpopup{n}x{time.monotonic_ns()}"
        offer = str(lab().OFFER)
        message = (
            f"INVITE sip:{user}@127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.port};branch={branch};rport\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:{number}@127.0.0.1:{self.port}>;tag=t{n}\r\n"
            f"To: <sip:{user}@127.0.0.1>\r\n"
            f"Call-ID: {call_id}\r\n"
            "CSeq: 1 INVITE\r\n"
            f"Contact: <sip:{number}@127.0.0.1:{self.port}>\r\n"
            f"P-Asserted-Identity: <sip:{number}@127.0.0.1>\r\n"
            "Content-Type: application/sdp\r\n"
            f"Content-Length: {len(offer.encode())}\r\n\r\n{offer}"
        ).encode()
        self.sent[call_id] = time.monotonic()
        self.sock.sendto(message, ("127.0.0.1", port))
        return call_id


def _measure(data_dir: Path, kamailio: Any, numbers: list[str]) -> tuple[list[float], list[float], int]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QObject, Qt
    from PySide6.QtWidgets import QApplication

    from desktop.services.phone.session import PhoneSession, RingingCall
    from desktop.settings import Settings
    from desktop.telephony import (
        AgentPolicy,
        IncomingCall,
        RegistrationChanged,
        RegistrationState,
        SipAccount,
        SipAgent,
        TelephonyEvent,
    )
    from desktop.ui.phone.audio import Ringer
    from desktop.ui.phone.bridge import PhoneBridge
    from desktop.ui.phone.call_popup import CallPopup

    app = QApplication.instance() or QApplication([])
    store = open_bench_store(data_dir)
    session = PhoneSession(store, "bench")
    bridge = PhoneBridge(session)
    popup = CallPopup()
    ringer = Ringer(Settings())  # the machine's ringing device, if it has one
    event_at: dict[str, float] = {}
    shown_at: dict[str, float] = {}
    rows: list[int] = []
    registered = threading.Event()
    agent: SipAgent | None = None

    def listener(event: TelephonyEvent) -> None:
        """SIP event thread: the baseline's clock stops here, then the desk's own bridge runs."""
        if isinstance(event, IncomingCall):
            event_at[event.call_id] = time.monotonic()
        elif isinstance(event, RegistrationChanged) and event.state is RegistrationState.REGISTERED:
            registered.set()
        bridge(event)

    class Screen(QObject):
        def on_bridge_call_ringing(self, ringing: RingingCall) -> None:
            popup.show_call(ringing)
            popup.set_audible(ringer.ring())  # as the desk does: the ringtone starts with the pop-up
            popup.repaint()  # painted, not just scheduled
            shown_at[ringing.sip_call_id] = time.monotonic()
            rows.append(popup.history_rows()["tickets"])
            assert agent is not None
            ringer.stop()
            threading.Thread(target=agent.reject, args=(ringing.sip_call_id, 486), daemon=True).start()

    screen = Screen()
    bridge.call_ringing.connect(screen.on_bridge_call_ringing, Qt.ConnectionType.QueuedConnection)
    account = SipAccount(
        "127.0.0.1",
        "1001",
        password("1001"),
        server_port=kamailio.port,
        rtp_port_low=21000,
        rtp_port_high=21999,
    )
    agent = SipAgent(account, listener, AgentPolicy(), session.audio_for)
    agent.start()
    caller = NumberedCaller()

    def pump_until(predicate: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            app.processEvents()
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out waiting for {what}")
            time.sleep(0.001)

    try:
        wait_until(registered.is_set, 5.0, "the desk agent's registration")
        ids = []
        for n, stored in enumerate(numbers):
            ids.append(caller.invite_from(agent.local_address[1], "1001", n, "0" + stored[3:]))
            pump_until(lambda i=ids[-1]: i in shown_at, 5.0, "the pop-up")
            end = time.monotonic() + SPACING_S
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.005)
        session.flush(30)
    finally:
        caller.close()
        agent.stop()
        session.close()
        store.close()
        # Qt objects go before the interpreter's final GC (PySide6 may crash deleting them there).
        bridge.call_ringing.disconnect(screen.on_bridge_call_ringing)
        for qt_object in (popup, screen, bridge, ringer):
            qt_object.deleteLater()
        app.processEvents()
        app.sendPostedEvents(None, 0)
    ours = [(shown_at[i] - caller.sent[i]) * 1000 for i in ids]
    base = [(event_at[i] - caller.sent[i]) * 1000 for i in ids]
    return ours, base, min(rows) if rows else 0


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    calls = 20 if quick else 50
    source = store_for(size)
    bare = raw_connection(source / "tongdai1022.sqlite3")
    numbers = known_numbers(bare, calls, seed=1022)
    bare.close()
    with tempfile.TemporaryDirectory(prefix="bench-popup-") as name:
        log(f"popup: copying the {size.label} store (the call log is written during the run)")
        data_dir = copy_store(source, Path(name) / "store")
        kamailio = lab().Kamailio(Path(name) / "kamailio").start()
        try:
            log(f"popup: {calls} INVITEs, {SPACING_S * 1000:.0f} ms apart, each pop-up refused with 486")
            ours, base, fewest = _measure(data_dir, kamailio, numbers)
        finally:
            kamailio.stop()
    if fewest < 1:
        raise AssertionError("a pop-up showed no ticket for a number taken from the tickets")
    dataset = f"{size.label}; {calls} callers picked from random tickets"
    for p in (50, 95):
        yield figure(
            "popup",
            f"p{p}_ms",
            percentile(ours, p),
            BASELINE,
            percentile(base, p),
            n=calls,
            dataset=dataset,
            target="p95 <= 50 ms" if p == 95 else "n/a (p95 is the target)",
        )
