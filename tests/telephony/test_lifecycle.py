"""Living all day: many calls without leaks, a bounded stop(), and a process that can always exit."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from conftest import AgentFactory, SippFactory

from desktop.telephony import (
    AgentPolicy,
    CallEnded,
    CallState,
    EndReason,
    IncomingCall,
    RegistrationChanged,
    RegistrationState,
    TelephonyEvent,
)
from desktop.telephony.transaction import TimerValues

ROOT = Path(__file__).resolve().parents[2]


def sip_threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t.name.startswith("sip-"))


def test_consecutive_calls_leave_no_calls_or_threads_behind(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    kamailio = lab.kamailio()
    agent, events = agent_factory(kamailio, user)
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    threads = sip_threads()

    def answer(event: TelephonyEvent) -> None:
        if isinstance(event, IncomingCall):
            agent.answer(event.call_id)

    events.react = answer
    calls = 30
    run = sipp.uac(
        "uac_hotline_short.xml", kamailio.port, "-s", user, "-key", "caller", "0912345678", "-key", "display",
        "Nguyen Van A", "-key", "pai", "0912345678", "-key", "codecs", "8 0 101", "-d", "50", "-r", "15",
        "-l", "4", calls=calls,
    )  # fmt: skip
    assert run.wait(20) == 0, run.output()

    ended = events.of(CallEnded)
    assert len(ended) == calls
    assert {e.reason for e in ended} == {EndReason.REMOTE_HANGUP}
    assert agent.resource_counts()["calls"] == 0
    assert agent.calls() == []
    assert sip_threads() == threads


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.slow
def test_500_consecutive_calls_leave_no_threads_tables_or_memory_behind(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    """Each call answered (RTP both ways) and hung up by the caller, 10 at a time, 50 a second.

    T1 is shortened to 50 ms so finished transactions leave the tables after 64 x T1 = 3.2 s instead of
    32 s, and no keepalive runs, so every table must be empty after each round of 250 calls. The RTP of
    every call runs on the agent's one media thread: no thread is ever started for a call, and the RSS
    after the second round stays where the first round left it.
    """
    policy = AgentPolicy(keepalive_interval=600.0, timers=TimerValues(t1=0.05, t2=0.4, t4=0.2))
    kamailio = lab.kamailio()
    agent, events = agent_factory(kamailio, user, policy=policy)
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    threads, active, rss = sip_threads(), threading.active_count(), rss_mb()
    assert "sip-media" in threads
    seen_threads: set[str] = set()

    def answer(event: TelephonyEvent) -> None:
        if isinstance(event, IncomingCall):
            agent.answer(event.call_id)
            seen_threads.update(sip_threads())

    events.react = answer
    rounds, per_round = 2, 250
    rss_after: list[float] = []
    for done in range(1, rounds + 1):
        run = sipp.uac(
            "uac_hotline_short.xml", kamailio.port, "-s", user, "-key", "caller", "0912345678", "-key",
            "display", "Nguyen Van A", "-key", "pai", "0912345678", "-key", "codecs", "8 0 101", "-d", "50",
            "-r", "50", "-l", "10", calls=per_round, timeout_s=40,
        )  # fmt: skip
        assert run.wait(40) == 0, run.output()
        assert wait_until(lambda total=done * per_round: len(events.of(CallEnded)) == total, 5.0)
        assert wait_until(lambda: not any(agent.resource_counts().values()), 10.0), agent.resource_counts()
        gc.collect()
        rss_after.append(rss_mb())

    assert {e.reason for e in events.of(CallEnded)} == {EndReason.REMOTE_HANGUP}
    assert seen_threads == set(threads)  # while calls were up: the same threads, no per-call RTP thread
    assert wait_until(lambda: sip_threads() == threads and threading.active_count() == active, 5.0)
    assert agent.calls() == []
    # measured (one media thread): +0.9 MB after the first 250 calls, +0.0-0.2 MB more after the next 250
    assert rss_after[-1] - rss < 5.0
    assert rss_after[-1] - rss_after[0] < 1.5, (rss, rss_after)


def test_stop_with_calls_in_progress_returns_within_2_s_and_ends_them(
    lab, agent_factory: AgentFactory, sipp: SippFactory, user
):
    kamailio = lab.kamailio()
    agent, events = agent_factory(kamailio, user)
    events.wait_for(RegistrationChanged, lambda e: e.state is RegistrationState.REGISTERED)
    keys = ["-s", user, "-key", "caller", "0912345678", "-key", "display", "A", "-key", "pai", "1"]
    keys += ["-key", "codecs", "8 0 101"]
    sipp.uac("uac_hotline_wait_bye.xml", kamailio.port, *keys)
    _, first = events.wait_for(IncomingCall)
    agent.answer(first.call_id)
    sipp.uac("uac_hotline_rejected.xml", kamailio.port, *keys)
    events.wait_for(IncomingCall, lambda e: e.call_id != first.call_id)
    assert {c.state for c in agent.calls()} == {CallState.ANSWERED, CallState.RINGING}

    started = time.monotonic()
    agent.stop()

    assert time.monotonic() - started < 2.0
    assert sip_threads() == []
    assert [e.reason for e in events.of(CallEnded)] == [EndReason.SHUTDOWN, EndReason.SHUTDOWN]
    assert events.of(RegistrationChanged)[-1].state is RegistrationState.STOPPED


def test_the_process_exits_even_if_stop_is_never_called(lab, user):
    kamailio = lab.kamailio()
    script = textwrap.dedent(
        f"""
        import threading, time
        from desktop.telephony import SipAccount, SipAgent, RegistrationChanged, RegistrationState
        done = threading.Event()
        def listener(event):
            if isinstance(event, RegistrationChanged) and event.state is RegistrationState.REGISTERED:
                done.set()
        agent = SipAgent(SipAccount("127.0.0.1", "{user}", "x", server_port={kamailio.port}), listener)
        agent.start()
        time.sleep(0.3)
        print("started", flush=True)
        """
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=10
    )

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
    assert time.monotonic() - started < 5.0
