"""`presence`: a centre's desks reporting their state to the real server and a supervisor reading everyone's.

60 operator desks (the province's centre has far fewer) each send one state change (`PUT /api/v1/presence`),
then the supervisor's dashboard reads everyone's (`GET /api/v1/presence`); both beside a bare `GET /health`
through the same HTTP client in the same run. What the supervisor sees is at most one dashboard refresh
(5 s) plus one PUT and one GET old, so these two must stay a small part of the 5 s.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy.orm import Session

from bench import BenchError, Size, figure, log
from bench.server_lab import PASSWORD, ServerProcess, cluster, make_template, pg_bin
from desktop.store.local import DeskIdentity
from desktop.sync.presence import PresenceClient
from protocol import PresenceState, PresenceUpdate, Role
from server.db import create_server_engine
from server.services.accounts import create_account

DESKS = 60
ROUNDS = 5
BASELINE = "bare GET /health (same client, same run)"
STATES = [PresenceState.REGISTERED, PresenceState.ON_CALL, PresenceState.WRAP_UP, PresenceState.IDLE]


def _timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    if pg_bin() is None:
        raise BenchError("PostgreSQL is not installed (apt-get install postgresql)")
    desks = 20 if quick else DESKS
    with cluster() as pg:
        database = pg.create_database(make_template(pg))
        engine = create_server_engine(pg.url(database))
        with Session(engine) as session, session.begin():
            for number in range(desks):
                create_account(session, f"bench{number}", PASSWORD, Role.OPERATOR, full_name=f"ĐTV {number}")
        engine.dispose()
        server = ServerProcess(pg.url(database)).start()
        try:
            clients = [PresenceClient(server.base) for _ in range(desks)]
            tokens = [
                c.login(f"bench{n}", PASSWORD, DeskIdentity(f"bench-desk-{n}", "k" * 32)).token
                for n, c in enumerate(clients)
            ]
            supervisor = PresenceClient(server.base)
            supervisor_token = supervisor.login(
                "giamsat", PASSWORD, DeskIdentity("bench-supervisor", "k" * 32)
            ).token
            health = server.base + "/health"
            puts: list[float] = []
            gets: list[float] = []
            bare: list[float] = []
            for round_ in range(ROUNDS):
                update = PresenceUpdate(state=STATES[round_ % len(STATES)])
                for client, token in zip(clients, tokens, strict=True):
                    puts.append(_timed(lambda c=client, t=token, u=update: c.publish(t, u)))
                    bare.append(_timed(lambda c=client: c._http.get(health, timeout=5)))
                for _ in range(10):
                    gets.append(_timed(lambda: supervisor.read(supervisor_token)))
            listing = supervisor.read(supervisor_token)
            if len(listing.entries) != desks or {e.state for e in listing.entries} != {update.state}:
                raise BenchError(f"the supervisor does not see the {desks} desks' last state")
            for client in [*clients, supervisor]:
                client.close()
        finally:
            server.stop()
    baseline = statistics.median(bare) * 1000
    log(f"presence: PUT p95 {_p95(puts) * 1000:.1f} ms, GET p95 {_p95(gets) * 1000:.1f} ms")
    dataset = f"{desks} operator desks on PostgreSQL, {ROUNDS} state changes each"
    yield figure(
        "presence", "put_median_ms", statistics.median(puts) * 1000, BASELINE, baseline,
        n=len(puts), dataset=dataset, target="<= 100 ms (a small part of the 5 s refresh)",
    )  # fmt: skip
    yield figure(
        "presence", "put_p95_ms", _p95(puts) * 1000, BASELINE, baseline,
        n=len(puts), dataset=dataset, target="<= 250 ms",
    )  # fmt: skip
    yield figure(
        "presence", "get_all_median_ms", statistics.median(gets) * 1000, BASELINE, baseline,
        n=len(gets), dataset=dataset, target="<= 100 ms (read every 5 s by each open dashboard)",
    )  # fmt: skip
    yield figure(
        "presence", "get_all_p95_ms", _p95(gets) * 1000, BASELINE, baseline,
        n=len(gets), dataset=dataset, target="<= 250 ms",
    )  # fmt: skip
