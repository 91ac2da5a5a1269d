"""`published_answers`: the public page of published answers (#17 point 5) served by a real uvicorn on
PostgreSQL, its first page and two searches (a word in one answer of four, a word in one of a thousand),
beside the bare SELECT of the same page and count (psycopg) in the same run.

A quarter of the tickets are published; the rest (not asked, refused, in progress) share the table, as in
a province. The search is a LIKE on the folded words of the published rows, answered from the trigram
index of migration 0015 where pg_trgm is installed (bench public_search_trgm compares it with the scan).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg

from bench import BenchError, Size, figure, log, percentile
from bench.server_lab import ServerProcess, cluster, make_template, pg_bin
from bench.sync_push import COPY_COLUMNS, SERVER_COLUMNS, _copy_text, tickets

QUICK_TOTAL, FULL_TOTAL = 20_000, 400_000
TOPICS = ("giấy phép lái xe", "đất đai", "khai sinh", "bảo hiểm xã hội")  # one published answer in four each
RARE = "khẩn"  # in one published answer of a thousand (folded "khan" starts no other word here)
BASELINE = "bare SELECT of the same page and its count (psycopg, fetchall)"


def _published(total: int) -> tuple[list[tuple[str, dict[str, Any]]], int, int]:
    """The tickets, how many are published, and how many of those hold the rare word."""
    from server.services.publication import search_text

    rows = tickets(total, "CK")
    published = rare = 0
    for n, (_, values) in enumerate(rows):
        if n % 4:
            continue
        topic = TOPICS[(n // 4) % len(TOPICS)]
        marked = (n // 4) % 1000 == 7
        question = f"Hỏi về {topic} số {n}" + (f" trường hợp {RARE}" if marked else "")
        answer = f"Trả lời về {topic}: nộp hồ sơ tại Bộ phận một cửa, thời hạn {n % 30 + 1} ngày."
        values.update(publication="cong_khai", public_question=question, public_answer=answer)
        values["public_search"] = search_text(question, answer)
        published, rare = published + 1, rare + marked
    return rows, published, rare


def _load(dsn: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
    searched = [values.get("public_search", "") for _, values in rows]
    copied = _copy_text(rows).decode().splitlines()
    lines = [f"{line}\t{search}" for line, search in zip(copied, searched, strict=True)]
    with psycopg.connect(dsn) as conn:
        columns = ", ".join((*COPY_COLUMNS, *SERVER_COLUMNS, "public_search"))
        with conn.cursor().copy(f"COPY tickets ({columns}) FROM STDIN") as copy:
            copy.write(("\n".join(lines) + "\n").encode())
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


def _bare(conn: psycopg.Connection[Any], words: list[str]) -> tuple[int, int]:
    like = "".join(" AND public_search LIKE %s" for _ in words)
    where = (
        "publication = 'cong_khai' AND status = 'da_xu_ly' AND public_question <> '' AND public_answer <> ''"
        + like
    )
    patterns = [f"% {word}%" for word in words]
    rows = conn.execute(
        "SELECT public_question, public_answer, resolved_at, u.name, f.name FROM tickets t"
        " LEFT JOIN units u ON u.code = t.unit_code LEFT JOIN fields f ON f.code = t.field_code"
        f" WHERE {where} ORDER BY resolved_at DESC, pk DESC LIMIT 20",
        patterns,
    ).fetchall()
    counted = conn.execute(f"SELECT count(*) FROM tickets WHERE {where}", patterns).fetchone()
    return len(rows), int(counted[0]) if counted else -1


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    from protocol.folding import words

    if pg_bin() is None:
        raise BenchError("PostgreSQL is not installed (apt-get install postgresql)")
    total = QUICK_TOTAL if quick else FULL_TOTAL
    runs = 20 if quick else 100
    rows, published, rare = _published(total)
    searches = {
        "first_page": ("", published),
        "common_word": ("giay phep", published // 4),
        "rare_word": (RARE, rare),
    }
    with cluster() as postgres:
        url = postgres.url(postgres.create_database(make_template(postgres)))
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        started = time.perf_counter()
        _load(dsn, rows)
        loaded = time.perf_counter() - started
        log(f"published_answers: loaded {total:,} tickets ({published:,} published) in {loaded:.1f} s")
        server = ServerProcess(url).start()
        timings: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in searches}
        try:
            http = httpx.Client(base_url=server.base, timeout=120)
            with psycopg.connect(dsn) as conn:
                for n in range(runs + 2):  # two warm-ups, then alternate page and SELECT
                    for name, (query, expected) in searches.items():
                        begun = time.perf_counter()
                        answer = http.get("/cong-khai/", params={"q": query} if query else None)
                        page = time.perf_counter() - begun
                        shown = f"{expected} kết quả" if query else f"{expected} trả lời"
                        if answer.status_code != 200 or shown not in answer.text:
                            raise BenchError(f"{name}: the page does not say «{shown}»")
                        begun = time.perf_counter()
                        found, counted = _bare(conn, words(query))
                        bare = time.perf_counter() - begun
                        if counted != expected or found != min(20, expected):
                            raise BenchError(f"{name}: the SELECT counted {counted:,}, expected {expected:,}")
                        if n >= 2:
                            timings[name][0].append(page * 1000)
                            timings[name][1].append(bare * 1000)
            http.close()
        finally:
            server.stop()
    dataset = f"{published:,} published answers among {total:,} tickets"
    for name, (page_ms, select_ms) in timings.items():
        yield figure(
            "published_answers",
            f"{name}_p95_ms",
            percentile(page_ms, 95),
            BASELINE,
            percentile(select_ms, 95),
            n=runs,
            dataset=dataset,
            target="n/a",
        )
