"""The one way a test says a lab tool is missing: a skip on a developer's machine, a failure under CI.

CI (`CI=true`, `.ci/run`) installs every tool the suite needs (Kamailio, sipp, PulseAudio, PostgreSQL,
chromium, makensis, dpkg-deb, ...): there a missing one is a broken CI machine, and a suite that skipped
it would go green without having tested anything.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def lab_tool_missing(reason: str) -> NoReturn:
    """Skips with `reason` (say what to install), or fails with it under CI."""
    if under_ci():
        pytest.fail(f"{reason} — CI must have it: add it to the apt-get line of .ci/run", pytrace=False)
    pytest.skip(reason)


def require_binaries(*names: str, install: str) -> None:
    """Every program in `names` is on the PATH, else `lab_tool_missing` with the install command."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        lab_tool_missing(f"missing: {', '.join(missing)} ({install})")
