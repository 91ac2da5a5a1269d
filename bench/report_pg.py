"""`report_pg`: the same report on the server's PostgreSQL (its own schema, timestamptz), loaded with the
benchmark store's tickets, calls and units, beside one bare GROUP BY of the same rows through psycopg.

The cluster is a throwaway one from bench/server_lab.py, the lab the server tests use.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from bench import BenchError, Size, figure, log
from bench.dataset import bench_store_key, store_for
from bench.report import MONTH, _alternate
from bench.server_lab import cluster, pg_bin
from desktop.store import cipher
from reports import Period, build_report
from reports.period import VN_TZ
from server.services.reports import server_source

BARE = (
    "SELECT unit_code, count(*) FROM tickets WHERE received_at >= %s AND received_at < %s GROUP BY unit_code"
)
BASELINE = "bare GROUP BY unit_code over the same rows (psycopg)"
SERVER_ONLY = {"creator_rank": 1, "field_meta": "{}", "origin_client": "", "version": 1}


def _copy(sqlite_path: Path, connection: Any, table: Table) -> int:
    """Copy the desktop's rows of `table` into the server's table of the same name (COPY)."""
    desk = cipher.connect(sqlite_path, bench_store_key(sqlite_path.parent), read_only=True)
    try:
        present = {row[1] for row in desk.execute(f"PRAGMA table_info({table.name})")}
        columns = [
            c.name for c in table.columns if c.name != "pk" and (c.name in present or c.name in SERVER_ONLY)
        ]
        chosen = ", ".join(f'"{c}"' if c in present else "?" for c in columns)
        extra = [SERVER_ONLY[c] for c in columns if c not in present]
        rows = desk.execute(f"SELECT {chosen} FROM {table.name}", extra)
        quoted = ", ".join(f'"{c}"' for c in columns)
        count = 0
        with connection.cursor() as cursor, cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    finally:
        desk.close()


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    import psycopg
    from sqlalchemy.orm import Session

    from server import models as central
    from server.db import create_server_engine, migrate

    if pg_bin() is None:
        raise BenchError("PostgreSQL is not installed (apt-get install postgresql)")
    sqlite_path = store_for(size) / "tongdai1022.sqlite3"
    with cluster() as postgres:
        url = postgres.url(postgres.create_database())
        engine = create_server_engine(url)
        migrate(engine)
        with Session(engine) as session, session.begin():
            session.query(central.Unit).delete()
        started = time.perf_counter()
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn) as connection:
            for model in (central.Unit, central.Ticket, central.Call):
                copied = _copy(sqlite_path, connection, model.__table__)  # type: ignore[arg-type]
                log(f"report_pg: copied {copied:,} {model.__tablename__}")
            connection.commit()
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE")
            log(f"report_pg: loaded and analysed in {time.perf_counter() - started:.1f} s")
            first, last = connection.execute(
                "SELECT min(received_at), max(received_at) FROM tickets"
            ).fetchone()
            source = server_source()
            whole = Period(first.astimezone(VN_TZ).date(), last.astimezone(VN_TZ).date())
            runs = 5
            for label, period in (("", whole), ("_month", MONTH)):
                bounds = (period.starts_at, period.ends_before)
                with engine.connect() as db:
                    report = build_report(db, source, period)
                counted = sum(n for _, n in connection.execute(BARE, bounds))
                if report["totals"]["tickets"] != counted:
                    raise BenchError(f"the report counts {report['totals']['tickets']}, GROUP BY {counted}")
                if label == "" and counted != size.tickets:
                    raise BenchError(f"the whole period holds {counted} of {size.tickets} tickets")

                def ours(period: Period = period) -> Any:
                    with engine.connect() as db, db.begin():
                        return build_report(db, source, period)

                def base(bounds: tuple[Any, Any] = bounds) -> Any:
                    return connection.execute(BARE, bounds).fetchall()

                mine, theirs = _alternate(ours, base, runs)
                yield figure(
                    "report_pg",
                    f"median_ms{label}",
                    statistics.median(mine) * 1000,
                    BASELINE,
                    statistics.median(theirs) * 1000,
                    n=runs,
                    dataset=f"{size.label} on PostgreSQL, {counted:,} in the period",
                    target="<= 2000 ms" if label == "" else "n/a (the whole store is the target)",
                )
        engine.dispose()
