"""`startup`: `python -m desktop` to a shown main window with its first page, beside a bare Qt window."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import REPO, BenchError, Size, figure, log
from bench.dataset import store_for

BARE_QT = (
    "import PySide6.QtWidgets as w; a=w.QApplication([]); m=w.QMainWindow(); m.show(); a.processEvents()\n"
    "import psutil; print(psutil.Process().memory_info().rss)"
)
TIMEOUT_S = 120


def _spawn(command: list[str], extra_env: dict[str, str], log_path: Path) -> tuple[float, str]:
    """Start `command` the same way for both sides; (seconds to exit, its stdout)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra_env}
    with log_path.open("w") as errors:
        t0 = time.time()
        env["TONGDAI1022_T0"] = repr(t0)
        done = subprocess.run(
            command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=errors, text=True, timeout=TIMEOUT_S
        )
        elapsed = time.time() - t0
    if done.returncode != 0:
        tail = log_path.read_text(errors="replace")[-2000:]
        raise BenchError(f"{' '.join(command[:3])} ... exited with {done.returncode}:\n{tail}")
    return elapsed, done.stdout


def run_app(data_dir: Path, scratch: Path, run: int) -> tuple[float, int]:
    """(ready_s, rss_bytes) as the desk reports them when its window shows the first page of tickets."""
    ready = scratch / f"ready-{run}.json"
    _spawn(
        [sys.executable, "-m", "desktop", "--data-dir", str(data_dir)],
        {"TONGDAI1022_READY_FILE": str(ready)},
        scratch / f"app-{run}.log",
    )
    if not ready.exists():
        raise BenchError(
            "the desk exited without writing TONGDAI1022_READY_FILE (desktop/ui/shell/launch.py)"
        )
    report = json.loads(ready.read_text(encoding="utf-8"))
    return float(report["ready_s"]), int(report["rss_bytes"])


def run_bare(scratch: Path, run: int) -> tuple[float, int]:
    elapsed, out = _spawn([sys.executable, "-c", BARE_QT], {}, scratch / f"bare-{run}.log")
    return elapsed, int(out.split()[-1])


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    if not (REPO / "desktop/ui/shell/launch.py").exists():
        raise BenchError("desktop/ui/shell/launch.py does not exist yet: there is no desk window to start")
    data_dir = store_for(size)
    runs = 3 if quick else 5
    app: list[tuple[float, int]] = []
    bare: list[tuple[float, int]] = []
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as name:
        scratch = Path(name)
        run_app(data_dir, scratch, -1)  # not counted: the first start after a build compiles .pyc files
        for i in range(runs):
            log(f"startup: run {i + 1}/{runs}")
            app.append(run_app(data_dir, scratch, i))
            bare.append(run_bare(scratch, i))
    ready_s = statistics.median(r for r, _ in app)
    bare_s = statistics.median(r for r, _ in bare)
    yield figure(
        "startup",
        "ready_s",
        ready_s,
        "bare PySide6 QMainWindow shown, process start to exit",
        bare_s,
        n=runs,
        dataset=size.label,
        target="<= 1.5 s",
    )
    yield figure(
        "startup",
        "rss_mb",
        statistics.median(m for _, m in app) / 2**20,
        "bare PySide6 QMainWindow shown (RSS after processEvents)",
        statistics.median(m for _, m in bare) / 2**20,
        n=runs,
        dataset=size.label,
        target="<= 250 MB",
    )
