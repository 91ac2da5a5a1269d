"""`public_search_trgm`: the public answers' search (`/cong-khai/?q=`, #17 point 5) as the server runs it
(server.services.publication: the page and its count), with the trigram index of migration 0015 and,
in the same run on the same data, without it (bitmap scans off: PostgreSQL reads the published rows).

The data is bench.published_answers': a quarter of the tickets published, four topics (a common word in
one answer of four) and a rare word in one answer of a thousand.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

from bench import BenchError, Size, figure, log
from bench.published_answers import FULL_TOTAL, QUICK_TOTAL, RARE, _load, _published
from bench.report import _alternate
from bench.server_lab import cluster, make_template, pg_bin

INDEX = "ix_tickets_public_search_trgm"
BASELINE = "the same page and count without the trigram index (enable_bitmapscan off: a scan)"


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from server.db import create_server_engine
    from server.services import publication

    if pg_bin() is None:
        raise BenchError("PostgreSQL is not installed (apt-get install postgresql)")
    total = QUICK_TOTAL if quick else FULL_TOTAL
    runs = 20 if quick else 50
    rows, published, rare = _published(total)
    searches = {"rare_word": (RARE, rare), "common_word": ("giay phep", published // 4)}
    figures: list[dict[str, Any]] = []
    with cluster() as postgres:
        url = postgres.url(postgres.create_database(make_template(postgres)))
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        started = time.perf_counter()
        _load(dsn, rows)
        log(f"public_search_trgm: loaded {total:,} tickets ({published:,} published) in "
            f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        engine = create_server_engine(url)
        with engine.connect() as connection:
            if not connection.scalar(
                text("SELECT count(*) FROM pg_indexes WHERE indexname = :i"), {"i": INDEX}
            ):
                raise BenchError(f"migration 0015 made no {INDEX} (is pg_trgm installed?)")

        def searcher(query: str, expected: int, trigrams: bool) -> Callable[[], Any]:
            def search() -> Any:
                with Session(engine) as session, session.begin():
                    if not trigrams:
                        session.execute(text("SET LOCAL enable_bitmapscan = off"))
                    found = publication.page(session, query, 20, 0)
                    counted = publication.count(session, query)
                if counted != expected or len(found) != min(20, expected):
                    raise BenchError(f"«{query}»: {counted:,} found, {expected:,} expected")
                return found

            return search

        for name, (query, expected) in searches.items():
            with Session(engine) as session:
                words = " AND ".join(f"public_search LIKE '% {w}%'" for w in publication.query_words(query))
                explain = f"EXPLAIN SELECT count(*) FROM tickets WHERE publication = 'cong_khai' AND {words}"
                plan = "\n".join(session.scalars(text(explain)))
            if name == "rare_word" and INDEX not in plan:
                raise BenchError(f"the rare word's search does not use {INDEX}:\n{plan}")
            mine, theirs = _alternate(searcher(query, expected, True), searcher(query, expected, False), runs)
            figures.append(
                figure(
                    "public_search_trgm",
                    f"{name}_median_ms",
                    statistics.median(mine) * 1000,
                    BASELINE,
                    statistics.median(theirs) * 1000,
                    n=runs,
                    dataset=f"{published:,} published among {total:,} tickets, «{query}» in {expected:,}",
                    target="n/a (faster than the scan)",
                )
            )
        engine.dispose()
    yield from figures
