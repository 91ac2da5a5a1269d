"""`startup_frozen`: the frozen desk (PyInstaller, installer/) beside `python -m desktop`, to a usable window.

Both start in turn on the same store, offscreen, and report through TONGDAI1022_READY_FILE when the
window shows its first page (desktop/ui/shell/launch.py): seconds from process start and RSS. The frozen
desk is $TONGDAI1022_FROZEN, else build/installer/dist (installer/build-linux), else /opt/tongdai1022.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import REPO, BenchError, Size, figure, log
from bench.dataset import store_for
from bench.startup import _spawn

FROZEN_ENV = "TONGDAI1022_FROZEN"


def frozen_executable() -> Path:
    candidates = [REPO / "build/installer/dist/tongdai1022/tongdai1022", Path("/opt/tongdai1022/tongdai1022")]
    if os.environ.get(FROZEN_ENV):
        candidates.insert(0, Path(os.environ[FROZEN_ENV]))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise BenchError("no frozen desk: run installer/build-linux (or set TONGDAI1022_FROZEN)")


def _ready(command: list[str], data_dir: Path, scratch: Path, label: str) -> tuple[float, int]:
    ready = scratch / f"ready-{label}.json"
    ready.unlink(missing_ok=True)
    _spawn(
        [*command, "--data-dir", str(data_dir)],
        {"TONGDAI1022_READY_FILE": str(ready)},
        scratch / f"{label}.log",
    )
    if not ready.exists():
        raise BenchError(f"{command[0]} exited without writing its ready file")
    report = json.loads(ready.read_text(encoding="utf-8"))
    return float(report["ready_s"]), int(report["rss_bytes"])


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    frozen = [str(frozen_executable())]
    source = [sys.executable, "-m", "desktop"]
    data_dir = store_for(size)
    runs = 3 if quick else 7
    results: dict[str, list[tuple[float, int]]] = {"frozen": [], "source": []}
    with tempfile.TemporaryDirectory(prefix="bench-startup-frozen-") as name:
        scratch = Path(name)
        _ready(source, data_dir, scratch, "warm-source")  # not counted: .pyc files, the page cache
        _ready(frozen, data_dir, scratch, "warm-frozen")
        for i in range(runs):
            log(f"startup_frozen: run {i + 1}/{runs}")
            results["source"].append(_ready(source, data_dir, scratch, f"source-{i}"))
            results["frozen"].append(_ready(frozen, data_dir, scratch, f"frozen-{i}"))

    def median(side: str, index: int) -> float:
        return statistics.median(r[index] for r in results[side])

    yield figure(
        "startup_frozen",
        "ready_s",
        median("frozen", 0),
        "python -m desktop (source install), same store, process start to first page",
        median("source", 0),
        n=runs,
        dataset=size.label,
        target="<= 1.2x the source start",
    )
    yield figure(
        "startup_frozen",
        "rss_mb",
        median("frozen", 1) / 2**20,
        "python -m desktop (source install), RSS at the first page",
        median("source", 1) / 2**20,
        n=runs,
        dataset=size.label,
        target="no more than the source desk's",
    )
