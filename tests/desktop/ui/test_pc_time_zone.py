"""An office PC set to another time zone still records and shows Vietnam time (UTC+07:00)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Asia/Ho_Chi_Minh"])
def test_the_form_keeps_vietnam_time_whatever_the_pc_zone(zone: str, tmp_path: Path) -> None:
    env = dict(os.environ, TZ=zone, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(HERE / "tz_checks_in_child.py")],
        cwd=HERE.parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout
