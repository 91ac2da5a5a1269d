"""Benchmarks of the desk: one JSON line per figure, beside a baseline measured in the same run."""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_ENV = "TONGDAI1022_BENCH_DATA"
REPO = Path(__file__).resolve().parent.parent
FULL_TICKETS = 1_000_000
QUICK_TICKETS = 20_000


class BenchError(RuntimeError):
    """A benchmark that cannot run (something it needs is missing); the message says what."""


@dataclass(frozen=True)
class Size:
    """How big the data set is: tickets, and the distinct callers (30% of tickets) who made them."""

    tickets: int

    @property
    def citizens(self) -> int:
        return max(1, self.tickets * 3 // 10)

    @property
    def label(self) -> str:
        def short(n: int) -> str:
            if n % 1_000_000 == 0:
                return f"{n // 1_000_000}M"
            return f"{n // 1000}k" if n % 1000 == 0 else str(n)

        return f"{short(self.tickets)} tickets / {short(self.citizens)} citizens"


def data_root() -> Path:
    """Where data sets are cached: $TONGDAI1022_BENCH_DATA, else .bench-data/ in the repository."""
    root = Path(os.environ.get(DATA_ENV) or REPO / ".bench-data")
    root.mkdir(parents=True, exist_ok=True)
    return root


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(samples: Sequence[float], p: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def figure(
    bench: str,
    metric: str,
    value: float,
    baseline: str,
    baseline_value: float,
    *,
    n: int,
    dataset: str,
    target: str,
) -> dict[str, Any]:
    """One measured figure; ratio is value / baseline_value (for throughput, below 1 is slower)."""
    return {
        "bench": bench,
        "metric": metric,
        "value": round(value, 3),
        "baseline": baseline,
        "baseline_value": round(baseline_value, 3),
        "ratio": round(value / baseline_value, 2) if baseline_value else None,
        "n": n,
        "dataset": dataset,
        "target": target,
    }


def emit(line: dict[str, Any]) -> None:
    print(json.dumps(line, ensure_ascii=False), flush=True)
