"""`sip_invite`: INVITE on the wire -> incoming-call event, p50/p95, beside stock pyVoIP 1.6.8 (same run).

Both user agents register with the same loopback Kamailio; a raw UDP socket then sends each of them the
same INVITEs straight to their SIP port, `SPACING_S` apart, and the time from just before `sendto` to the
listener (ours: `IncomingCall`; stock: `callCallback`) is one sample. Every call is refused with 486 at
once (the raw caller ACKs the 486); stock calls are left ringing, as its `deny()` raises AttributeError.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import Size, figure, log, percentile
from bench.sip_lab import RawCaller, lab, password, wait_until
from desktop.telephony import (
    AgentPolicy,
    IncomingCall,
    RegistrationChanged,
    RegistrationState,
    SipAccount,
    SipAgent,
    TelephonyEvent,
)

SPACING_S = 0.05
STOCK = "stock pyVoIP 1.6.8, same INVITEs"


def _ours(kamailio: Any, calls: int) -> list[float]:
    delivered: dict[str, float] = {}
    registered = threading.Event()
    agent: SipAgent | None = None

    def listener(event: TelephonyEvent) -> None:
        if isinstance(event, IncomingCall):
            delivered[event.call_id] = time.monotonic()
            assert agent is not None
            agent.reject(event.call_id, 486)
        elif isinstance(event, RegistrationChanged) and event.state is RegistrationState.REGISTERED:
            registered.set()

    account = SipAccount(
        "127.0.0.1",
        "1002",
        password("1002"),
        server_port=kamailio.port,
        rtp_port_low=21000,
        rtp_port_high=21999,
    )
    agent = SipAgent(account, listener, AgentPolicy())
    agent.start()
    caller = RawCaller()
    try:
        if not registered.wait(5):
            raise RuntimeError("our agent did not register")
        return _drive(caller, agent.local_address[1], "1002", calls, delivered)
    finally:
        caller.close()
        agent.stop()


def _stock(kamailio: Any, calls: int) -> list[float]:
    from pyVoIP.VoIP import VoIPPhone

    from desktop.telephony import _pyvoip  # noqa: F401  (pyVoIP's import order workaround)

    delivered: dict[str, float] = {}

    def on_call(call: Any) -> None:
        delivered[call.call_id] = time.monotonic()  # left ringing: its deny() raises (RTPClient.sin)

    port = lab().free_udp_port()
    phone = VoIPPhone(
        "127.0.0.1",
        kamailio.port,
        "1003",
        password("1003"),
        myIP="127.0.0.1",
        sipPort=port,
        rtpPortLow=22000,
        rtpPortHigh=22999,
        callCallback=on_call,
    )
    phone.start()
    caller = RawCaller()
    try:
        time.sleep(1.1)  # its receive thread only starts 1 s after start()
        return _drive(caller, port, "1003", calls, delivered)
    finally:
        caller.close()
        phone.stop()


def _drive(caller: RawCaller, port: int, user: str, calls: int, delivered: dict[str, float]) -> list[float]:
    ids = []
    for n in range(calls):
        ids.append(caller.invite(port, user, n))
        time.sleep(SPACING_S)
    wait_until(lambda: all(i in delivered for i in ids), 10.0, f"{calls} incoming-call events")
    return [(delivered[i] - caller.sent[i]) * 1000 for i in ids]


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    calls = 30 if quick else 100
    with tempfile.TemporaryDirectory(prefix="bench-sip-invite-") as name:
        kamailio = lab().Kamailio(Path(name) / "kamailio").start()
        try:
            log(f"sip_invite: {calls} INVITEs to our agent")
            ours = _ours(kamailio, calls)
            log(f"sip_invite: {calls} INVITEs to {STOCK.split(',')[0]}")
            stock = _stock(kamailio, calls)
        finally:
            kamailio.stop()
    dataset = f"{calls} raw INVITEs on loopback, {SPACING_S * 1000:.0f} ms apart, each refused 486"
    for p in (50, 95):
        yield figure(
            "sip_invite",
            f"p{p}_ms",
            percentile(ours, p),
            STOCK,
            percentile(stock, p),
            n=calls,
            dataset=dataset,
            target="p95 <= 20 ms",
        )
