"""10k offline tickets pushed in batches: all applied once, the server's memory stays bounded."""

from __future__ import annotations

import psutil
import pytest
from server_lab import Desk, ServerProcess, new_id, ticket
from sqlalchemy import create_engine, text


@pytest.mark.slow
def test_ten_thousand_offline_tickets_arrive_once_with_bounded_memory(
    server: ServerProcess, db_url: str
) -> None:
    desk = Desk(server, "dtv1")
    assert server.process is not None
    process = psutil.Process(server.process.pid)
    first_batch = True
    start_rss = 0
    for batch in range(20):
        mutations = [
            desk.mutation("ticket", "create", new_id(), ticket(f"P-10K-{batch}-{n}")) for n in range(500)
        ]
        answer = desk.push(mutations)
        assert answer.status_code == 200, answer.text
        assert all(r["status"] == "applied" for r in answer.json()["results"])
        if first_batch:  # after the first batch: imports, pools and caches are warm
            start_rss, first_batch = process.memory_info().rss, False
    grown = process.memory_info().rss - start_rss
    assert grown < 64 * 1024 * 1024, f"the server grew by {grown / 2**20:.0f} MiB over 9,500 mutations"
    assert answer.json()["last_seq"] == 10_000
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            query = text("SELECT count(*), count(DISTINCT code) FROM tickets WHERE origin_client = :c")
            assert tuple(conn.execute(query, {"c": desk.client_id}).one()) == (10_000, 10_000)
    finally:
        engine.dispose()
