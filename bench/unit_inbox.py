"""`unit_inbox`: a unit's inbox page with 10,000 open tickets (its first page of the nearest deadlines and
the count of all), served by a real uvicorn on PostgreSQL, beside the bare SELECT of the same page and the
same count (psycopg) in the same run.

The page's time is the HTTP round trip on loopback over a kept-alive connection (the server's time plus
well under a millisecond of loopback); the other units' tickets and the answered ones are there too, so
the query has to pick the unit's open rows out of a bigger table, as in a province.
"""

from __future__ import annotations

import io
import re
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import psycopg

from bench import BenchError, Size, figure, log, percentile
from bench.server_lab import PASSWORD, ServerProcess, cluster, make_template, pg_bin
from bench.sync_push import COPY_COLUMNS, SERVER_COLUMNS, _copy_text, tickets
from desktop.domain.clock import VN_TZ

OPEN_TICKETS = 10_000
OTHER_TICKETS = 10_000  # other units' and already answered tickets in the same tables
UNIT = "so-bench"
USERNAME = "bench.donvi"
BARE = (
    "SELECT f.*, t.* FROM forwardings f JOIN tickets t ON t.id = f.ticket_id"
    " WHERE f.unit_code = %s AND f.state = 'forwarded' ORDER BY f.deadline, f.forwarded_at, f.id LIMIT %s"
)
COUNT = "SELECT count(*) FROM forwardings WHERE unit_code = %s AND state = 'forwarded'"
BASELINE = "bare SELECT of the same page and its count (psycopg, fetchall)"
FORWARDING_COLUMNS = (
    "id, ticket_id, unit_code, state, forwarded_at, forwarded_by, deadline, answered_by, answer, attachment,"
    " return_reason, extension_reason, extension_days, extension_state"
)


def _forwardings(ticket_ids: list[str], unit: str, state: str) -> bytes:
    out = io.StringIO()
    start = datetime(2026, 11, 2, 8, 0, tzinfo=VN_TZ)
    for n, ticket_id in enumerate(ticket_ids):
        at = start + timedelta(minutes=3 * n)
        deadline = date(2026, 11, 9) + timedelta(days=n % 60)
        out.write(
            f"{uuid.uuid4()}\t{ticket_id}\t{unit}\t{state}\t{at.isoformat()}\tdtv1\t{deadline}"
            + "\t" * 5
            + "\t0\t\n"
        )
    return out.getvalue().encode()


def _load(dsn: str) -> None:
    mine = tickets(OPEN_TICKETS, "DV")
    others = tickets(OTHER_TICKETS, "KHAC")
    with psycopg.connect(dsn) as conn:
        conn.execute("INSERT INTO units (code, name, \"group\", active, sort_order, version)"
                     " VALUES (%s, 'Sở Thử tải', 'so', true, 0, 1)", (UNIT,))  # fmt: skip
        columns = ", ".join(COPY_COLUMNS + SERVER_COLUMNS)
        with conn.cursor().copy(f"COPY tickets ({columns}) FROM STDIN") as copy:
            copy.write(_copy_text(mine + others))
        half = OTHER_TICKETS // 2
        other_ids = [ticket_id for ticket_id, _ in others]
        with conn.cursor().copy(f"COPY forwardings ({FORWARDING_COLUMNS}) FROM STDIN") as copy:
            copy.write(_forwardings([ticket_id for ticket_id, _ in mine], UNIT, "forwarded"))
            copy.write(_forwardings(other_ids[:half], UNIT, "answered"))
            copy.write(_forwardings(other_ids[half:], "so-khac", "forwarded"))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


def _sign_in(server: ServerProcess) -> httpx.Client:
    http = httpx.Client(base_url=server.base, timeout=120, follow_redirects=False)
    page = http.get("/don-vi/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    if token is None:
        raise BenchError("the login page has no CSRF token")
    form = {"username": USERNAME, "password": PASSWORD, "csrf": token.group(1)}
    answer = http.post("/don-vi/dang-nhap", data=form)
    if answer.status_code != 303:
        raise BenchError(f"the unit could not sign in: {answer.status_code}")
    return http


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    from sqlalchemy.orm import Session

    from server.db import create_server_engine
    from server.services import unit_accounts
    from server.web.routes import INBOX_PAGE

    if pg_bin() is None:
        raise BenchError("PostgreSQL is not installed (apt-get install postgresql)")
    runs = 20 if quick else 100
    with cluster() as postgres:
        url = postgres.url(postgres.create_database(make_template(postgres)))
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        started = time.perf_counter()
        _load(dsn)
        engine = create_server_engine(url)
        with Session(engine) as session, session.begin():
            unit_accounts.create(session, USERNAME, UNIT, PASSWORD)
        engine.dispose()
        loaded = time.perf_counter() - started
        log(f"unit_inbox: loaded {OPEN_TICKETS + OTHER_TICKETS:,} tickets in {loaded:.1f} s")
        server = ServerProcess(url).start()
        try:
            http = _sign_in(server)
            page_ms: list[float] = []
            select_ms: list[float] = []
            with psycopg.connect(dsn) as conn:
                for n in range(runs + 2):  # two warm-ups, then alternate page and SELECT
                    begun = time.perf_counter()
                    answer = http.get("/don-vi/")
                    page = time.perf_counter() - begun
                    if answer.status_code != 200 or answer.text.count('class="ticket"') != INBOX_PAGE:
                        raise BenchError(f"the inbox did not show a page of {INBOX_PAGE} tickets")
                    if f"({OPEN_TICKETS})" not in answer.text:
                        raise BenchError(f"the inbox does not count {OPEN_TICKETS} open tickets")
                    begun = time.perf_counter()
                    rows = conn.execute(BARE, (UNIT, INBOX_PAGE)).fetchall()
                    counted = conn.execute(COUNT, (UNIT,)).fetchone()
                    bare = time.perf_counter() - begun
                    if len(rows) != INBOX_PAGE or counted is None or counted[0] != OPEN_TICKETS:
                        raise BenchError(f"the SELECT found {len(rows):,} rows")
                    if n >= 2:
                        page_ms.append(page * 1000)
                        select_ms.append(bare * 1000)
            http.close()
        finally:
            server.stop()
    dataset = f"{OPEN_TICKETS:,} open tickets of one unit among {OPEN_TICKETS + OTHER_TICKETS:,}"
    for metric, p in (("p95_ms", 95), ("p50_ms", 50)):
        yield figure(
            "unit_inbox",
            metric,
            percentile(page_ms, p),
            BASELINE,
            percentile(select_ms, p),
            n=runs,
            dataset=dataset,
            target="<= 200 ms" if p == 95 else "n/a",
        )
