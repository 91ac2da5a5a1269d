"""`kb_search`: per-keystroke TTHC search (p50/p95, hit@10) at 2.6k/20k/100k, beside LIKE and rapidfuzz."""

from __future__ import annotations

import gc
import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from bench import BenchError, figure, log, percentile
from desktop.kb.folding import kb_fold
from desktop.kb.index import IndexSource, KbIndex
from desktop.kb.national import open_text, read_national
from desktop.services.kb import read_starter

NAME = "kb_search"
NATIONAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "tthc" / "dichvucong_tthc.jsonl.gz"
PROVINCES = [
    "Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Khánh Hòa", "Lâm Đồng",
    "Đồng Nai", "Tây Ninh", "Đồng Tháp", "An Giang", "Vĩnh Long", "Cà Mau", "Lào Cai", "Thái Nguyên",
    "Phú Thọ", "Bắc Ninh", "Hưng Yên", "Ninh Bình", "Tuyên Quang", "Cao Bằng", "Lạng Sơn", "Lai Châu",
    "Điện Biên", "Sơn La",
]  # fmt: skip
TARGETS = {2642: "", 20_000: "p95 ≤ 5 ms", 100_000: "p95 ≤ 15 ms"}


def _sources(size: int, base: list[IndexSource]) -> list[IndexSource]:
    """The real records, then provinces' variants of them (same code) up to `size`.

    A quarter of the variants carry the province in their title, so they are distinct index entries;
    the others repeat the national text, as most provincial variants of a code do.
    """
    rng = random.Random(size)
    out = list(base[:size])
    k = 0
    while len(out) < size:
        record = base[k % len(base)]
        province = PROVINCES[(k // len(base)) % len(PROVINCES)]
        title = record.title
        if rng.random() < 0.25:
            title = f"{title} trên địa bàn tỉnh {province}"
        out.append(IndexSource(record.code, title, province, fields=record.fields))
        k += 1
    return out


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    kind = rng.choice("sdit")
    letter = rng.choice("abcdeghiklmnopqrstuvxy")
    if kind == "s":
        return word[:i] + letter + word[i + 1 :]
    if kind == "d":
        return word[:i] + word[i + 1 :]
    if kind == "i":
        return word[:i] + letter + word[i:]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def query_sets(base: list[IndexSource], count: int) -> dict[str, list[tuple[str, str]]]:
    """Clean (the title's first words, with diacritics), without diacritics, one typo, while typing."""
    rng = random.Random(1022)
    picks = rng.sample(base, count)
    sets: dict[str, list[tuple[str, str]]] = {"clean": [], "no_diacritics": [], "typo": [], "prefix": []}
    for record in picks:
        words = record.title.split()[:6]
        clean = " ".join(words)
        plain = kb_fold(clean).split()
        sets["clean"].append((clean, record.code))
        sets["no_diacritics"].append((" ".join(plain), record.code))
        long_words = [i for i, w in enumerate(plain) if len(w) >= 4 and w.isalpha()]
        typo = list(plain)
        if long_words:
            i = rng.choice(long_words)
            typo[i] = _typo(typo[i], rng)
        sets["typo"].append((" ".join(typo), record.code))
        last = plain[-1]
        cut = [*plain[:-1], last[: max(2, (len(last) + 1) // 2)]]
        sets["prefix"].append((" ".join(cut), record.code))
    return sets


def _keystrokes(query: str) -> list[str]:
    return [query[:n] for n in range(2, len(query) + 1)]


def _measure(
    search: Callable[[str], list[str]], queries: list[tuple[str, str]], every: int = 1
) -> tuple[list[float], float]:
    times: list[float] = []
    hits = 0
    for query, expected in queries:
        for typed in _keystrokes(query)[::-1][::every]:
            started = time.perf_counter()
            found = search(typed)
            times.append((time.perf_counter() - started) * 1000)
            if typed == query and expected in found:
                hits += 1
    return times, hits / len(queries)


def _like_search(connection: sqlite3.Connection) -> Callable[[str], list[str]]:
    def search(typed: str) -> list[str]:
        words = kb_fold(typed).split()
        if not words:
            return []
        where = " AND ".join("folded LIKE ?" for _ in words)
        rows = connection.execute(
            f"SELECT code FROM titles WHERE {where} LIMIT 50", [f"%{w}%" for w in words]
        ).fetchall()
        return list(dict.fromkeys(code for (code,) in rows))[:10]

    return search


def _rapidfuzz_search(sources: list[IndexSource]) -> Callable[[str], list[str]]:
    from rapidfuzz import fuzz, process

    titles = [kb_fold(s.title) for s in sources]
    codes = [s.code for s in sources]

    def search(typed: str) -> list[str]:
        found = process.extract(kb_fold(typed), titles, scorer=fuzz.WRatio, limit=50)
        return list(dict.fromkeys(codes[i] for _, _, i in found))[:10]

    return search


def run(_size: object, quick: bool) -> list[dict[str, Any]]:
    """`size` (tickets) does not apply: the knowledge base has its own sizes (2.6k, 20k, 100k)."""
    if not NATIONAL.is_file():
        raise BenchError(f"the national records are missing: {NATIONAL}")
    with open_text(NATIONAL) as stream:
        procedures = [r.procedure for r in read_national(stream) if r.procedure is not None]
    base = [IndexSource(p.code, p.title, fields={"field": p.field, "result": p.result}) for p in procedures]
    aliases = read_starter()["abbreviations"]["aliases"]
    sizes = [len(base), 20_000] if quick else [len(base), 20_000, 100_000]
    sets = query_sets(base, 60 if quick else 150)
    lines: list[dict[str, Any]] = []
    for size in sizes:
        sources = _sources(size, base)
        gc.collect()
        before = psutil.Process().memory_info().rss
        started = time.perf_counter()
        index = KbIndex(sources, aliases)
        build = time.perf_counter() - started
        gc.collect()
        memory = (psutil.Process().memory_info().rss - before) / 1e6
        dataset = f"{size:,} TTHC records ({len(index):,} index entries, {index.postings_count:,} postings)"
        log(f"kb_search: {dataset}: built in {build:.1f} s, {memory:.0f} MB")
        connection = sqlite3.connect(":memory:")
        connection.execute("CREATE TABLE titles (code TEXT, folded TEXT)")
        connection.executemany(
            "INSERT INTO titles VALUES (?, ?)", [(s.code, kb_fold(s.title)) for s in sources]
        )
        like, fuzzy = _like_search(connection), _rapidfuzz_search(sources)

        def ours(typed: str, index: KbIndex = index) -> list[str]:
            return [hit.code for hit in index.search(typed) if hit.kind == "procedure"]

        lines.append(
            figure(
                NAME,
                "index_build_s",
                build,
                "index memory MB (RSS growth)",
                memory,
                n=size,
                dataset=dataset,
                target="",
            )
        )
        for name, queries in sets.items():
            ours_ms, ours_hit = _measure(ours, queries)
            sample = queries[: 20 if quick else 40]
            like_ms, like_hit = _measure(like, sample, every=3)
            fuzzy_ms, fuzzy_hit = _measure(fuzzy, sample, every=4)
            label = f"{dataset}, {name} queries, every keystroke"
            target = TARGETS.get(size, "")
            for p, metric in ((50, "p50_ms"), (95, "p95_ms")):
                lines.append(
                    figure(
                        NAME,
                        f"{metric}_{name}",
                        percentile(ours_ms, p),
                        "LIKE over folded titles",
                        percentile(like_ms, p),
                        n=len(ours_ms),
                        dataset=label,
                        target=target if p == 95 else "",
                    )
                )
            lines.append(
                figure(
                    NAME,
                    f"p95_ms_{name}_vs_rapidfuzz",
                    percentile(ours_ms, 95),
                    "rapidfuzz WRatio over all titles",
                    percentile(fuzzy_ms, 95),
                    n=len(ours_ms),
                    dataset=label,
                    target="",
                )
            )
            lines.append(
                figure(
                    NAME,
                    f"hit@10_{name}",
                    ours_hit,
                    "rapidfuzz WRatio over all titles",
                    fuzzy_hit,
                    n=len(queries),
                    dataset=label,
                    target="≥ 0.9" if name == "typo" else "",
                )
            )
            lines.append(
                figure(
                    NAME,
                    f"hit@10_{name}_vs_like",
                    ours_hit,
                    "LIKE over folded titles",
                    like_hit,
                    n=len(sample),
                    dataset=label,
                    target="",
                )
            )
        connection.close()
    return lines
