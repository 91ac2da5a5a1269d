"""`python -m bench`: it names its benchmarks and prints one JSON line per figure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KEYS = {"bench", "metric", "value", "baseline", "baseline_value", "ratio", "n", "dataset"}


def _bench(*args: str, data: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if data is not None:
        env["TONGDAI1022_BENCH_DATA"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", "bench", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_list_names_the_four_benchmarks() -> None:
    done = _bench("--list")
    assert done.returncode == 0, done.stderr
    assert {"history", "save", "import", "startup"} <= set(done.stdout.split())


@pytest.mark.slow
def test_history_quick_prints_json_figures_with_their_baseline(tmp_path: Path) -> None:
    done = _bench("history", "--quick", "--size", "2000", data=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert {line["metric"] for line in lines} == {
        "p50_ms",
        "p95_ms",
        "p50_ms_warm",
        "p95_ms_warm",
        "p50_cpu_ms",
        "p50_cpu_ms_warm",
        "p95_ms_with_access_record",
    }
    for line in lines:
        assert set(line) >= KEYS
        assert line["bench"] == "history"
        assert line["n"] >= 2000
        assert line["value"] > 0 and line["baseline_value"] > 0
        assert line["ratio"] == pytest.approx(line["value"] / line["baseline_value"], rel=0.05)
    assert (tmp_path / "store-2000" / "READY").exists()  # the data set is cached for the next run


def test_server_benchmarks_fill_every_ticket_field_the_protocol_has() -> None:
    """The server benchmarks COPY their tickets column by column: a field added to the protocol and not
    to their rows broke them all at load time (unit_answered_at, called_back_at), unseen by any test."""
    from bench.sync_push import tickets
    from protocol import TICKET_FIELDS

    (_, values), *_ = tickets(1)
    assert set(values) == set(TICKET_FIELDS)
