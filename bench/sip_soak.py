"""`sip_soak`: threads and RSS after 500 consecutive answered calls, beside the same figures before the first.

A sipp caller sends the calls through a loopback Kamailio to our registered agent (up to 10 at a time,
50 a second); the agent answers each one (RTP both ways on the agent's one media thread) and the caller
hangs up 50 ms later. Each figure is measured once the agent's tables are empty again: with the default
RFC 3261 timers a finished transaction lingers 64 x T1 = 32 s (Timer J), so the soak waits for that (the
keepalive's own OPTIONS/REGISTER transactions, at most 2, are not the calls'). The calls run in two
equal rounds: the first warms up (the allocator keeps the high-water mark of 32 s of transactions), and
the RSS after the second must stay flat against the figure after the first.
"""

from __future__ import annotations

import gc
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import BenchError, Size, figure, log
from bench.sip_lab import lab, password, rss_mb, wait_until
from desktop.telephony import (
    AgentPolicy,
    CallEnded,
    IncomingCall,
    RegistrationChanged,
    RegistrationState,
    SipAccount,
    SipAgent,
    TelephonyEvent,
)

USER = "1004"


def soak(kamailio: Any, workdir: Path, calls: int) -> dict[str, float]:
    """Run `calls` calls in two equal rounds (the first warms up); threads/RSS at each step."""
    ended: list[CallEnded] = []
    registered = threading.Event()
    agent: SipAgent | None = None

    def listener(event: TelephonyEvent) -> None:
        if isinstance(event, IncomingCall):
            assert agent is not None
            agent.answer(event.call_id)
        elif isinstance(event, CallEnded):
            ended.append(event)
        elif isinstance(event, RegistrationChanged) and event.state is RegistrationState.REGISTERED:
            registered.set()

    account = SipAccount(
        "127.0.0.1", USER, password(USER), server_port=kamailio.port, rtp_port_low=23000, rtp_port_high=23999
    )
    agent = SipAgent(account, listener, AgentPolicy())
    agent.start()
    try:
        if not registered.wait(5):
            raise BenchError("the agent did not register")
        gc.collect()
        before = (threading.active_count(), rss_mb())
        started = time.monotonic()
        warm_up = calls // 2
        _round(agent, kamailio, workdir / "sipp-warm-up", warm_up, ended, warm_up)
        gc.collect()
        warm = rss_mb()
        _round(agent, kamailio, workdir / "sipp", calls - warm_up, ended, calls)
        gc.collect()
        return {
            "threads_before": before[0],
            "rss_before": before[1],
            "rss_warm": warm,
            "threads_after": threading.active_count(),
            "rss_after": rss_mb(),
            "calls_s": time.monotonic() - started,
        }
    finally:
        agent.stop()


def _round(
    agent: SipAgent, kamailio: Any, workdir: Path, calls: int, ended: list[CallEnded], total: int
) -> None:
    """`calls` sipp calls, then wait until every call ended and the tables are empty again."""
    caller = lab().Sipp(
        "uac_hotline_short.xml",
        workdir,
        remote=f"127.0.0.1:{kamailio.port}",
        calls=calls,
        timeout_s=calls // 20 + 30,
        extra=["-s", USER, "-key", "caller", "0912345678", "-key", "display", "Nguyen Van A",
               "-key", "pai", "0912345678", "-key", "codecs", "8 0 101",
               "-d", "50", "-r", "50", "-l", "10"],
    ).start()  # fmt: skip
    try:
        if caller.wait(calls // 20 + 40) != 0:
            raise BenchError(f"sipp reported failed calls: {caller.output()}")
    finally:
        caller.stop()
    wait_until(lambda: len(ended) == total, 10, f"{total} CallEnded events")
    last_call = time.monotonic()
    try:
        wait_until(lambda: _drained(agent.resource_counts()), 40, "empty tables")
    except BenchError:
        raise BenchError(f"tables not empty: {agent.resource_counts()}") from None
    log(f"sip_soak: {calls} calls; tables empty {time.monotonic() - last_call:.1f} s after the last call")


def _drained(counts: dict[str, int]) -> bool:
    """No call and no server transaction left; the keepalive's own OPTIONS/REGISTER may be in flight."""
    return (
        counts["calls"] == 0
        and counts["server_tx"] == 0
        and counts["client_tx"] <= 2
        and counts.get("media_streams", 0) == 0
    )


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    calls = 100 if quick else 500
    with tempfile.TemporaryDirectory(prefix="bench-sip-soak-") as name:
        kamailio = lab().Kamailio(Path(name) / "kamailio").start()
        try:
            log(f"sip_soak: {calls} answered calls through Kamailio")
            result = soak(kamailio, Path(name), calls)
        finally:
            kamailio.stop()
    log(f"sip_soak: calls and draining took {result['calls_s']:.1f} s")
    dataset = f"{calls} sipp calls (answered, 50 ms long, 10 at a time) through Kamailio"
    yield figure(
        "sip_soak",
        "threads",
        result["threads_after"],
        "threads before the first call",
        result["threads_before"],
        n=calls,
        dataset=dataset,
        target="= before",
    )
    yield figure(
        "sip_soak",
        "rss_mb",
        result["rss_after"],
        "RSS before the first call",
        result["rss_before"],
        n=calls,
        dataset=dataset,
        target="<= before + 5 MB",
    )
    yield figure(
        "sip_soak",
        "rss_mb_after_warm_up",
        result["rss_after"],
        f"RSS after the first {calls // 2} calls (warm-up)",
        result["rss_warm"],
        n=calls - calls // 2,
        dataset=dataset,
        target="<= warm-up + 1 MB (flat)",
    )
