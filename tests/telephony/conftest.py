"""Fixtures of the telephony tests: the real SIP lab (Kamailio per mode, sipp), our agent, stock pyVoIP.

Without the kamailio/kamcmd/sipp binaries the lab tests skip with the reason; the parser tests still run.
CI installs them: apt-get install -y kamailio sip-tester.
"""

from __future__ import annotations

import functools
import itertools
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from lab_tools import lab_tool_missing
from telephony_lab import (
    MODES,
    PASSWORDS,
    Kamailio,
    Sipp,
    free_udp_port,
    missing_binaries,
    tls_module_missing,
)
from tls_certs import TlsFiles, make_tls_files

from desktop.telephony import AgentPolicy, SipAccount, SipAgent, TelephonyEvent
from desktop.telephony.dialog import AudioFactory, no_audio

E = TypeVar("E")

# Fast detection for tests; the retry/backoff values that make the "within 5 s" promise stay default.
# max_ringing: the latency test rings 20 calls at once; test_trust sets the desk's own limit.
TEST_POLICY = AgentPolicy(keepalive_interval=1.0, unregister_timeout=0.5, max_ringing=64)


class EventLog:
    """The listener given to an agent: records (delivery time, event) and lets tests wait for one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.items: list[tuple[float, TelephonyEvent]] = []
        self.react: Callable[[TelephonyEvent], None] | None = None  # e.g. answer every IncomingCall

    def __call__(self, event: TelephonyEvent) -> None:
        with self._cond:
            self.items.append((time.monotonic(), event))
            self._cond.notify_all()
        if self.react is not None:
            self.react(event)

    def of(self, kind: type[E]) -> list[E]:
        with self._cond:
            return [event for _, event in self.items if isinstance(event, kind)]

    def wait_for(
        self,
        kind: type[E],
        predicate: Callable[[E], bool] = lambda _: True,
        timeout: float = 5.0,
        *,
        after: int = 0,
    ) -> tuple[float, E]:
        """The first (delivery time, event) of `kind` matching `predicate`, at index >= `after`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for at, event in self.items[after:]:
                    if isinstance(event, kind) and predicate(event):
                        return at, event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [type(e).__name__ + ":" + str(getattr(e, "state", "")) for _, e in self.items]
                    raise AssertionError(f"no {kind.__name__} within {timeout} s; events: {seen}")
                self._cond.wait(remaining)

    def wait_count(self, kind: type[E], count: int, timeout: float = 5.0) -> list[E]:
        """At least `count` events of `kind`; an event may reach us after the wire answer it follows."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(found := [event for _, event in self.items if isinstance(event, kind)]) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{len(found)} {kind.__name__} of {count} within {timeout} s")
                self._cond.wait(remaining)
            return found

    def mark(self) -> int:
        with self._cond:
            return len(self.items)


class Lab:
    """Kamailio instances, one per mode, started on first use and stopped at the end of the session."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._instances: dict[str, Kamailio] = {}
        self._counter = itertools.count()

    def kamailio(self, mode: str = "default") -> Kamailio:
        if mode not in self._instances:
            tls = None
            if "TLS" in MODES[mode]:
                if tls_module_missing():
                    lab_tool_missing(
                        "Kamailio's tls module is missing (apt-get install -y kamailio-tls-modules)"
                    )
                tls = (self.tls.certificate, self.tls.key)
            self._instances[mode] = Kamailio(self.root / f"kamailio-{mode}", mode, tls_cert=tls).start()
        return self._instances[mode]

    @functools.cached_property
    def tls(self) -> TlsFiles:
        """A throwaway CA and the lab's server certificate (127.0.0.1)."""
        return make_tls_files(self.root / "tls")

    def private_kamailio(self, mode: str = "default") -> Kamailio:
        """A Kamailio of its own, for tests that stop or kill it (the caller stops it)."""
        return Kamailio(self.root / f"kamailio-private-{next(self._counter)}", mode)

    def close(self) -> None:
        for instance in self._instances.values():
            instance.stop()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    missing = missing_binaries()
    if missing:
        lab_tool_missing(f"SIP lab binaries missing: {missing} (apt-get install -y kamailio sip-tester)")
    instance = Lab(tmp_path_factory.mktemp("siplab"))
    yield instance
    instance.close()


_users = itertools.cycle([f"100{i}" for i in range(2, 10)])


@pytest.fixture
def user() -> str:
    """A lab extension for this test (1002-1009 in turn; 1001 is the hotline 1022's target)."""
    return next(_users)


class AgentFactory:
    """Builds started agents against a Kamailio and stops them at teardown."""

    def __init__(self) -> None:
        self.started: list[SipAgent] = []

    def __call__(
        self,
        kamailio: Kamailio,
        user: str,
        *,
        password: str | None = None,
        policy: AgentPolicy = TEST_POLICY,
        server_port: int | None = None,
        local_port: int = 0,
        audio: AudioFactory = no_audio,
        react: Callable[[SipAgent, TelephonyEvent], None] | None = None,
        **account_fields: Any,
    ) -> tuple[SipAgent, EventLog]:
        """`react(agent, event)` runs for every event from the first on; `account_fields` go to SipAccount."""
        log = EventLog()
        account = SipAccount(
            server_host="127.0.0.1",
            server_port=server_port or kamailio.port,
            user=user,
            password=PASSWORDS[user] if password is None else password,
            local_port=local_port,
            **{"rtp_port_low": 21000, "rtp_port_high": 21999, **account_fields},
        )
        agent = SipAgent(account, log, policy, audio)
        if react is not None:
            log.react = lambda event: react(agent, event)
        agent.start()
        self.started.append(agent)
        return agent, log

    def stop_all(self) -> None:
        for agent in self.started:
            agent.stop()


@pytest.fixture
def agent_factory() -> Iterator[AgentFactory]:
    factory = AgentFactory()
    yield factory
    factory.stop_all()


class SippFactory:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.started: list[Sipp] = []

    def uac(self, scenario: str, remote_port: int, *extra: str, calls: int = 1, timeout_s: int = 20) -> Sipp:
        """A sipp caller sending `calls` calls to 127.0.0.1:remote_port."""
        run = Sipp(
            scenario,
            self.root / f"sipp-{len(self.started)}",
            remote=f"127.0.0.1:{remote_port}",
            extra=list(extra),
            calls=calls,
            timeout_s=timeout_s,
        )
        self.started.append(run)
        return run.start()

    def uas(self, scenario: str, port: int, *extra: str, timeout_s: int = 20) -> Sipp:
        """A sipp callee (a fake trunk) listening on 127.0.0.1:port for one call."""
        run = Sipp(
            scenario,
            self.root / f"sipp-{len(self.started)}",
            remote=None,
            local_port=port,
            extra=list(extra),
            timeout_s=timeout_s,
        )
        self.started.append(run)
        return run.start()

    def stop_all(self) -> None:
        for run in self.started:
            run.stop()


@pytest.fixture
def sipp(tmp_path: Path) -> Iterator[SippFactory]:
    factory = SippFactory(tmp_path)
    yield factory
    factory.stop_all()


class StockPhone:
    """Stock pyVoIP 1.6.8 in the same role as our agent, to show each defect on the wire."""

    def __init__(self, kamailio: Kamailio, user: str) -> None:
        from pyVoIP.VoIP import VoIPPhone

        from desktop.telephony import _pyvoip  # noqa: F401  (import order workaround)

        self.incoming: queue.Queue[tuple[float, Any]] = queue.Queue()
        self._stop = threading.Event()
        self.port = free_udp_port()
        self.phone = VoIPPhone(
            "127.0.0.1",
            kamailio.port,
            user,
            PASSWORDS[user],
            myIP="127.0.0.1",
            sipPort=self.port,
            rtpPortLow=22000,
            rtpPortHigh=22999,
            callCallback=self._on_call,
        )

    def _on_call(self, call: Any) -> None:
        from pyVoIP.VoIP import CallState as StockCallState

        self.incoming.put((time.monotonic(), call))
        while call.state != StockCallState.ENDED and not self._stop.is_set():
            time.sleep(0.02)

    def start(self) -> StockPhone:
        self.phone.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.phone.stop()


@pytest.fixture
def stock_factory() -> Iterator[Callable[[Kamailio, str], StockPhone]]:
    started: list[StockPhone] = []

    def make(kamailio: Kamailio, user: str) -> StockPhone:
        phone = StockPhone(kamailio, user).start()
        started.append(phone)
        return phone

    yield make
    for phone in started:
        phone.stop()
