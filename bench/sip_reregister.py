"""`sip_reregister`: time to be registered again after the registrar restarts, and after it crashes.

The agent runs with the default policy (OPTIONS keepalive every 3 s, 2 s probe timeout, backoff 0.5, 1,
2, 3, 3... s). Each round stops Kamailio (SIGTERM: restart; SIGKILL of the process group: crash), waits
until the agent reports UNREACHABLE, keeps the registrar down 2.5 s more so the backoff grows, starts it
again and measures from "Kamailio answers OPTIONS" to the agent's REGISTERED event. The baseline is the
backoff cap (`AgentPolicy.retry_max`): the promise is "registered again < 5 s after the registrar returns".
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import BenchError, Size, figure, log
from bench.sip_lab import lab, password
from desktop.telephony import AgentPolicy, RegistrationChanged, RegistrationState, SipAccount, SipAgent
from desktop.telephony.events import TelephonyEvent

USER = "1005"
DOWN_S = 2.5


class _States:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.items: list[tuple[float, RegistrationState]] = []

    def __call__(self, event: TelephonyEvent) -> None:
        if isinstance(event, RegistrationChanged):
            with self._cond:
                self.items.append((time.monotonic(), event.state))
                self._cond.notify_all()

    def wait(self, state: RegistrationState, after: int, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for at, seen in self.items[after:]:
                    if seen is state:
                        return at
                if (remaining := deadline - time.monotonic()) <= 0:
                    raise BenchError(f"no {state.name} within {timeout} s: {[s.name for _, s in self.items]}")
                self._cond.wait(remaining)


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    rounds = 1 if quick else 3
    policy = AgentPolicy()
    times: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory(prefix="bench-sip-reregister-") as name:
        kamailio = lab().Kamailio(Path(name) / "kamailio", port=lab().free_udp_port()).start()
        states = _States()
        account = SipAccount("127.0.0.1", USER, password(USER), server_port=kamailio.port)
        agent = SipAgent(account, states, policy)
        try:
            started = time.monotonic()
            agent.start()
            first = states.wait(RegistrationState.REGISTERED, 0, 5) - started
            log(f"sip_reregister: first registration in {first * 1000:.0f} ms")
            for n in range(rounds):
                for crash in (False, True):
                    mark = len(states.items)
                    kamailio.stop(crash=crash)
                    states.wait(RegistrationState.UNREACHABLE, mark, 10)
                    time.sleep(DOWN_S)
                    kamailio.start()
                    back = time.monotonic()
                    again = states.wait(RegistrationState.REGISTERED, mark, 15) - back
                    times[crash].append(again)
                    log(f"sip_reregister: round {n + 1} {'crash' if crash else 'restart'}: {again:.2f} s")
        finally:
            agent.stop()
            kamailio.stop()
    for crash, metric in ((False, "restart_s"), (True, "crash_s")):
        yield figure(
            "sip_reregister",
            metric,
            statistics.median(times[crash]),
            "backoff cap (AgentPolicy.retry_max)",
            policy.retry_max,
            n=rounds,
            dataset=f"Kamailio {'SIGKILLed' if crash else 'SIGTERMed'}, down {DOWN_S} s after UNREACHABLE",
            target="< 5 s",
        )
