"""Server processes on a faked clock (libfaketime, Debian's `faketime`): a command started on a set day,
or a server whose clock a test moves while it runs. PostgreSQL keeps the real clock."""

from __future__ import annotations

import glob
from datetime import UTC, datetime
from pathlib import Path

from lab_tools import lab_tool_missing


def libfaketime() -> str:
    """The library's path; missing, a skip on a developer's machine and a failure under CI."""
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
    if not found:
        lab_tool_missing("libfaketime is not installed (apt-get install faketime)")
    return found[0]


def _spec(moment: datetime) -> str:
    return f"@{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S}"


def faked(library: str, moment: datetime) -> dict[str, str]:
    """The environment of a process whose clock starts at `moment` and runs on."""
    return {"LD_PRELOAD": library, "FAKETIME": _spec(moment), "TZ": "UTC"}


def movable(library: str, clock_file: Path) -> dict[str, str]:
    """The environment of a process whose clock `set_clock(clock_file, ...)` moves while it runs."""
    return {
        "LD_PRELOAD": library,
        "FAKETIME_TIMESTAMP_FILE": str(clock_file),
        "FAKETIME_NO_CACHE": "1",  # the file is read at every clock call: a move takes effect at once
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",  # asyncio's timers keep the real, steady clock
        "TZ": "UTC",
    }


def set_clock(clock_file: Path, moment: datetime) -> None:
    """From now on the process reads `moment` (and on, as the clock runs); replaced whole, never half read."""
    staged = clock_file.with_suffix(".new")
    staged.write_text(_spec(moment) + "\n")
    staged.replace(clock_file)
