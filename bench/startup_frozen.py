"""`startup_frozen`: the frozen desk (PyInstaller, installer/) beside `python -m desktop`, to a usable window.

Both start in turn on the same store, offscreen, and report through TONGDAI1022_READY_FILE when the
window shows its first page (desktop/ui/shell/launch.py): seconds from process start and RSS. The frozen
desk is $TONGDAI1022_FROZEN, else build/installer/dist (installer/build-linux), else /opt/tongdai1022.
Two more sides start the same frozen desk as a newer version in the user's versions folder (what a
signed update costs each start): through the .deb's launcher (installer/linux/tongdai1022-launch.sh,
/usr/bin/tongdai1022 and the menu entry) and through the installed program's own hand-off
(desktop/app_versions.py; Windows has only that one).
"""

from __future__ import annotations

import json
import os
import shutil
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


def _ready(
    command: list[str], data_dir: Path, scratch: Path, label: str, env: dict[str, str] | None = None
) -> tuple[float, int]:
    ready = scratch / f"ready-{label}.json"
    ready.unlink(missing_ok=True)
    _spawn(
        [*command, "--data-dir", str(data_dir)],
        {"TONGDAI1022_READY_FILE": str(ready), **(env or {})},
        scratch / f"{label}.log",
    )
    if not ready.exists():
        raise BenchError(f"{command[0]} exited without writing its ready file")
    report = json.loads(ready.read_text(encoding="utf-8"))
    return float(report["ready_s"]), int(report["rss_bytes"])


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


def _user_version(bundle: Path, home: Path) -> dict[str, str]:
    """The frozen bundle again as a newer version in a user's versions folder; the env that finds it."""
    versions = home / "versions"
    shutil.copytree(bundle, versions / "999.0.0", symlinks=True, copy_function=_link_or_copy)
    (versions / "current").write_text("999.0.0\n", encoding="utf-8")
    return {"TONGDAI1022_HOME": str(home)}


def _keyring_for_both(scratch: Path) -> dict[str, str]:
    """The benchmarks' keyring (bench/bench_keyring.py) for the frozen desk too, which has no `bench`
    package and ignores PYTHONPATH: keyring's own config file names it and the folder it is in."""
    from bench import bench_keyring

    modules = scratch / "keyring-path"
    modules.mkdir()
    shutil.copyfile(bench_keyring.__file__, modules / "tongdai1022_bench_keyring.py")
    config = scratch / "config"
    (config / "python_keyring").mkdir(parents=True)
    (config / "python_keyring" / "keyringrc.cfg").write_text(
        f"[backend]\ndefault-keyring=tongdai1022_bench_keyring.BenchKeyring\nkeyring-path={modules}\n",
        encoding="utf-8",
    )
    os.environ.pop("PYTHON_KEYRING_BACKEND", None)  # set by the store's builder; it wins over the config
    return {"XDG_CONFIG_HOME": str(config)}


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    executable = frozen_executable()
    frozen = [str(executable)]
    source = [sys.executable, "-m", "desktop"]
    data_dir = store_for(size)
    runs = 3 if quick else 7
    launcher = ["sh", str(REPO / "installer" / "linux" / "tongdai1022-launch.sh")]
    sides = ("frozen", "source", "launched", "handed_off")
    results: dict[str, list[tuple[float, int]]] = {side: [] for side in sides}
    with tempfile.TemporaryDirectory(prefix="bench-startup-frozen-", dir=executable.parent.parent) as name:
        scratch = Path(name)
        keys = _keyring_for_both(scratch)
        user = keys | _user_version(executable.parent, scratch / "home")
        user["TONGDAI1022_INSTALLED_DIR"] = str(executable.parent)  # the launcher's /opt/tongdai1022
        _ready(source, data_dir, scratch, "warm-source", keys)  # not counted: .pyc files, the page cache
        _ready(frozen, data_dir, scratch, "warm-frozen", keys)
        for label, command in (("warm-launched", launcher), ("warm-handed-off", frozen)):
            _ready(command, data_dir, scratch, label, user)
            shipped = json.loads((scratch / f"ready-{label}.json").read_text(encoding="utf-8"))["shipped"]
            if not shipped["executable"].startswith(user["TONGDAI1022_HOME"]):
                raise BenchError(f"{label}: the user's version did not start: {shipped['executable']}")
        for i in range(runs):
            log(f"startup_frozen: run {i + 1}/{runs}")
            results["source"].append(_ready(source, data_dir, scratch, f"source-{i}", keys))
            results["frozen"].append(_ready(frozen, data_dir, scratch, f"frozen-{i}", keys))
            results["launched"].append(_ready(launcher, data_dir, scratch, f"launched-{i}", user))
            results["handed_off"].append(_ready(frozen, data_dir, scratch, f"handed-off-{i}", user))

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
    yield figure(
        "startup_frozen",
        "launched_update_ready_s",
        median("launched", 0),
        "the installed frozen desk itself, same run (no newer version in the user's folder)",
        median("frozen", 0),
        n=runs,
        dataset=size.label,
        target="an updated desk started by the .deb's launcher starts as fast as the installed one",
    )
    yield figure(
        "startup_frozen",
        "handed_off_ready_s",
        median("handed_off", 0),
        "the installed frozen desk itself, same run (no newer version in the user's folder)",
        median("frozen", 0),
        n=runs,
        dataset=size.label,
        target="what the installed program's own hand-off (Windows) adds: one more start of the bundle",
    )
