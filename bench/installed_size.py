"""`installed_size`: the desk's and the server's installs in fresh venvs, beside one venv holding both.

The baseline is what a single distribution with everything (the layout before the split) installs:
the desk plus the server's own dependencies, in one venv. Sizes are of the whole venv (`du`), an
empty venv's own size given as its own figure. Needs the pip cache or the network (about 1-2 min).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import REPO, BenchError, Size, figure, log

SERVER = REPO / "packaging" / "server"
SERVER_ONLY = ("fastapi", "uvicorn", "psycopg", "argon2-cffi")


def _server_only_requirements() -> list[str]:
    with (SERVER / "pyproject.toml").open("rb") as handle:
        dependencies = tomllib.load(handle)["project"]["dependencies"]
    return [d for d in dependencies if d.split("[")[0].split(">")[0].split("<")[0] in SERVER_ONLY]


def _venv_mb(root: Path, name: str, *requirements: str) -> float:
    venv = root / name
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if requirements:
        log(f"installed_size: pip install {' '.join(requirements)}")
        done = subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                *requirements,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BenchError(f"pip install {requirements} failed:\n{done.stderr[-2000:]}")
    out = subprocess.run(["du", "-sk", str(venv)], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0]) / 1024


def run(size: Size, quick: bool) -> Iterator[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-installed-size-") as name:
        root = Path(name)
        empty = _venv_mb(root, "empty")
        desk = _venv_mb(root, "desk", str(REPO))
        server = _venv_mb(root, "server", str(SERVER))
        both = _venv_mb(root, "both", str(REPO), *_server_only_requirements())
    common = {"n": 1, "dataset": "fresh venvs, this Python"}
    baseline = "one venv with the desk and the server's dependencies (the single install before the split)"
    yield figure("installed_size", "desk_mb", desk, baseline, both, target="no server dependencies", **common)
    yield figure("installed_size", "server_mb", server, baseline, both, target="no Qt", **common)
    yield figure(
        "installed_size", "empty_venv_mb", empty, baseline, both, target="(the venv's own)", **common
    )
