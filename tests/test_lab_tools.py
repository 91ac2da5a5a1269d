"""A test that needs a lab tool skips on a developer's machine but fails under CI (CI=true), and every
skip in the suite goes through tests/lab_tools.py so none can turn a broken CI machine green."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
NEEDS_A_MISSING_TOOL = """
from lab_tools import require_binaries

def test_needs_a_tool_this_machine_lacks():
    require_binaries("tongdai1022-no-such-lab-tool", install="apt-get install nothing")
"""


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_needs_a_tool.py").write_text(NEEDS_A_MISSING_TOOL, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"PYTHONPATH": str(TESTS)}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "test_needs_a_tool.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_missing_lab_tool_skips_with_what_to_install_on_a_developers_machine(tmp_path: Path) -> None:
    done = _run(tmp_path, ci=None)
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout
    assert "tongdai1022-no-such-lab-tool (apt-get install nothing)" in done.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_a_missing_lab_tool_fails_under_ci(tmp_path: Path, ci: str) -> None:
    done = _run(tmp_path, ci=ci)
    assert done.returncode == 1, done.stdout
    assert "1 failed" in done.stdout
    assert "CI must have it" in done.stdout


def test_every_skip_in_the_suite_goes_through_lab_tools() -> None:
    direct = re.compile(r"pytest\.skip\(|importorskip\(|mark\.skip\b|mark\.skipif\b")
    offenders = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in TESTS.rglob("*.py")
        if path.name != "lab_tools.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if direct.search(line) and path != Path(__file__)
    ]
    assert offenders == []
