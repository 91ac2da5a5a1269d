"""`report_on_time`: the server's whole report of a year WITH its on-time tables (per unit, and per area
of the citizen's address) over 1M tickets on PostgreSQL (20k with --quick), beside the bare GROUP BYs of
the same tickets and forwardings (psycopg) in the same run.

The data is made in PostgreSQL itself (generate_series): 86 % level 1, the rest forwarded to 50 units
(answered on time or late, returned, still open), citizens (30 % of tickets) living in 100 communes,
each at an address of their own (house number, hamlet): the areas are read from as many distinct addresses
as there are citizens (300k at 1M), as in a province. Their area codes are stamped as a push stamps them
(server.services.ticket_areas) before the report is timed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

from bench import BenchError, Size, figure, log
from bench.report import _alternate
from bench.server_lab import cluster, make_template, pg_bin
from reports import Period

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
TODAY = date(2027, 1, 5)  # every open forwarding is overdue by then: the overdue counts are exercised
UNITS, AREAS = 50, 100
BARE = (
    "SELECT unit_code, count(*) FROM tickets WHERE received_at >= %(a)s AND received_at < %(b)s"
    " GROUP BY unit_code",
    "SELECT unit_code, state, count(*) FROM forwardings WHERE forwarded_at >= %(a)s AND forwarded_at < %(b)s"
    " GROUP BY unit_code, state",
)
BASELINE = "bare GROUP BY unit of the tickets + GROUP BY unit, state of the forwardings (psycopg)"

_UNITS_SQL = f"""
INSERT INTO units (code, name, "group", active, sort_order, version)
SELECT 'don-vi-' || i, 'Sở Thử tải ' || i, 'so_nganh', true, i, 1 FROM generate_series(1, {UNITS}) i
UNION ALL
SELECT 'ubnd-xa-' || i, 'UBND xã Bình Thử ' || i, 'xa', true, 100 + i, 1 FROM generate_series(1, {AREAS}) i
"""
_HOLIDAYS_SQL = """
INSERT INTO holidays (day, name, is_working_day, version)
SELECT d::date, 'Tết Nguyên đán', false, 1 FROM generate_series('2026-02-14'::date, '2026-02-22', '1 day') d
"""
# One ticket every `step` seconds through 2026; citizen c = n * 7 mod citizens lives at a fixed address.
_TICKETS_SQL = """
INSERT INTO tickets (id, code, version, received_at, channel, phone, citizen_name, citizen_address,
  request_type, level, is_tthc, tthc_code, unit_code, content, answer, status, satisfaction, created_by,
  updated_by, created_at, updated_at, creator_rank, field_meta, origin_client, publication, public_question,
  public_answer, public_search)
SELECT md5(n::text)::uuid::text, 'OT' || n, 1, at, (ARRAY['dien_thoai','email','zalo','website','facebook',
  'app_mobile'])[1 + n % 6], '+8490' || lpad(c::text, 7, '0'), '', 'Số ' || (c / __AREAS__) || ', ấp '
  || (c % 9) || ', xã Bình Thử ' || (1 + c % __AREAS__) || ', tỉnh Đồng Tháp',
  (ARRAY['hoi_thong_tin','phan_anh','dang_ky','phan_anh_cham_tre','phan_anh_thai_do','gop_y','khieu_nai',
  'khac'])[1 + n % 8], lvl, n % 10 = 0, '', CASE WHEN lvl > 1 THEN 'don-vi-' || (1 + n % __UNITS__) END,
  'Nội dung thử tải', '', CASE WHEN n % 10 < 8 THEN 'da_xu_ly' ELSE 'dang_xu_ly' END, 'chua_danh_gia',
  'dtv1', 'dtv1', at, at, 1, '{}', '', 'chua_hoi', '', '', ''
FROM (SELECT n, (n * 7) % __CITIZENS__ AS c, CASE WHEN n % 100 < 86 THEN 1 ELSE 2 + n % 3 END AS lvl,
  timestamptz '2026-01-01 07:30+07' + n * make_interval(secs => __STEP__) AS at
  FROM generate_series(1, __TICKETS__) n) made
"""
# Forwarded an hour after reception, 5 working days or so to answer: 0-6 answered (some late), 7 returned.
_FORWARDINGS_SQL = """
INSERT INTO forwardings (id, ticket_id, unit_code, state, forwarded_at, forwarded_by, deadline, answered_at,
  answered_by, answer, attachment, returned_at, return_reason, extension_reason, extension_days,
  extension_state)
SELECT md5('f' || pk)::uuid::text, id, unit_code,
  CASE WHEN pk % 10 < 7 THEN 'answered' WHEN pk % 10 = 7 THEN 'returned' ELSE 'forwarded' END,
  received_at + interval '1 hour', 'dtv1', (received_at + interval '7 days')::date,
  CASE WHEN pk % 10 < 7 THEN received_at + (pk % 12) * interval '1 day' END, '', '', '',
  CASE WHEN pk % 10 = 7 THEN received_at + interval '2 days' END, '', '', 0, ''
FROM tickets WHERE level > 1
"""


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    import psycopg

    from server.db import create_server_engine
    from server.services.reports import report_for
    from server.services.ticket_areas import stamp_all

    if pg_bin() is None:
        raise BenchError("PostgreSQL is not installed (apt-get install postgresql)")
    runs = 3 if quick else 5
    step = 364 * 86400 / (size.tickets + 1)  # the last one on 31 December
    with cluster() as postgres:
        url = postgres.url(postgres.create_database(make_template(postgres)))
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        started = time.perf_counter()
        with psycopg.connect(dsn) as connection:
            connection.execute(_UNITS_SQL)
            connection.execute(_HOLIDAYS_SQL)
            values = {"AREAS": AREAS, "UNITS": UNITS, "CITIZENS": size.citizens, "STEP": step,
                      "TICKETS": size.tickets}  # fmt: skip
            made = _TICKETS_SQL
            for name, value in values.items():
                made = made.replace(f"__{name}__", str(value))
            connection.execute(made)  # no parameters: psycopg leaves its `%` (modulo) alone
            connection.execute(_FORWARDINGS_SQL)
            connection.commit()
            connection.autocommit = True
            connection.execute("VACUUM ANALYZE")
            log(f"report_on_time: made {size.tickets:,} tickets in {time.perf_counter() - started:.1f} s")
            engine = create_server_engine(url)
            started = time.perf_counter()
            with engine.begin() as db:  # what each push does for its tickets (migration 0016 for old ones)
                stamped = stamp_all(db)
            took = time.perf_counter() - started
            log(f"report_on_time: stamped the area of {stamped:,} tickets in {took:.1f} s")
            connection.execute("VACUUM ANALYZE")  # as autovacuum leaves them after: not during the runs
            with engine.connect() as db:
                report = report_for(db, YEAR, TODAY)
            bounds = {"a": YEAR.starts_at, "b": YEAR.ends_before}
            forwarded = sum(row[2] for row in connection.execute(BARE[1], bounds))
            if report["totals"]["tickets"] != size.tickets:
                raise BenchError(f"the report counts {report['totals']['tickets']} of {size.tickets} tickets")
            if report["on_time"]["total"]["forwarded"] != forwarded or not forwarded:
                raise BenchError(f"the on-time table counts {report['on_time']['total']['forwarded']}")
            if (
                len(report["areas"]) != AREAS
                or sum(row["tickets"] for row in report["areas"]) != size.tickets
            ):
                raise BenchError("the area table did not find every ticket's commune")

            def ours() -> Any:
                with engine.connect() as db:
                    return report_for(db, YEAR, TODAY)

            def base() -> Any:
                return [connection.execute(query, bounds).fetchall() for query in BARE]

            mine, theirs = _alternate(ours, base, runs)
            engine.dispose()
    yield figure(
        "report_on_time",
        "median_ms",
        statistics.median(mine) * 1000,
        BASELINE,
        statistics.median(theirs) * 1000,
        n=runs,
        dataset=f"{size.label} on PostgreSQL, {forwarded:,} forwarded, {AREAS} areas, one year",
        target="<= 2000 ms",
    )
