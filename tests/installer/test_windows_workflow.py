"""The Windows runner's workflow (never run from here: no Windows) is checked against the tree it builds:
the shared spec, the NSIS script's required definitions, the desk-only install, a Python the project
supports, and the steps that prove the installer (silent install, run, refusal over an open desk, an
uninstall that keeps the data) are all there and point at files that exist."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "windows-installer.yml"
NSIS_SCRIPT = REPO / "installer" / "windows" / "tongdai1022.nsi"


@pytest.fixture(scope="module")
def job() -> dict[str, Any]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert set(workflow) >= {"name", "jobs"}
    [only] = workflow["jobs"].values()
    return dict(only)


def commands(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in job["steps"])


def test_it_runs_on_windows_within_the_ci_budget(job: dict[str, Any]) -> None:
    assert str(job["runs-on"]).startswith("windows-")
    assert 0 < int(job["timeout-minutes"]) <= 40


def test_it_builds_with_a_python_the_project_supports_and_installs_only_the_desk(job: dict[str, Any]) -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [python] = [
        step["with"]["python-version"] for step in job["steps"] if "setup-python" in step.get("uses", "")
    ]
    assert f"{python}.0" in SpecifierSet(project["requires-python"])
    assert "installer" in project["optional-dependencies"]
    run = commands(job)
    assert 'pip install ".[installer]"' in run and "[test]" not in run  # no server dependencies in the bundle
    assert "packaging/server" not in run


def test_it_freezes_with_the_spec_the_linux_build_uses_and_stages_the_resources_first(
    job: dict[str, Any],
) -> None:
    run = commands(job)
    linux = (REPO / "installer" / "build-linux").read_text(encoding="utf-8")
    for script in ("installer/tongdai1022.spec", "installer/stage_resources.py"):
        assert script in run and script.split("/")[-1] in linux
        assert (REPO / script).is_file()
    assert run.index("stage_resources.py") < run.index("tongdai1022.spec")


def test_makensis_gets_every_definition_the_script_requires(job: dict[str, Any]) -> None:
    script = NSIS_SCRIPT.read_text(encoding="utf-8")
    required = set(re.findall(r"!ifndef (\w+)\s*\n\s*!error", script))
    assert required == {"SOURCE_DIR", "VERSION"}
    [makensis] = [line for line in commands(job).splitlines() if "& $makensis" in line]
    assert "installer\\windows\\tongdai1022.nsi" in makensis and "/WX" in makensis
    for name in required | {"OUTFILE"}:
        assert f"/D{name}=" in makensis
    source_dir = re.search(r"/DSOURCE_DIR=([^\"]+)\"", makensis)
    assert source_dir is not None and source_dir.group(1).endswith("\\tongdai1022")  # PyInstaller's onedir


def test_it_proves_the_install_on_the_runner_as_the_readme_says(job: dict[str, Any]) -> None:
    run = commands(job)
    script = NSIS_SCRIPT.read_text(encoding="utf-8")
    install_dir = re.search(r'InstallDir "\$PROGRAMFILES64\\([^"]+)"', script)
    assert install_dir is not None and f"${{env:ProgramFiles}}\\{install_dir.group(1)}" in run
    assert '"/S"' in run and "uninstall.exe" in run  # silent install and uninstall, as IT runs them
    assert 'tongdai1022-cli.exe" --version' in run
    assert "TONGDAI1022_READY_FILE" in run and "offscreen" in run  # the frozen desk opens its window
    assert "SetErrorLevel 2" in script and "ExitCode -ne 2" in run  # refused over an open desk
    assert "the uninstaller removed users' data" in run
    spec = (REPO / "installer" / "tongdai1022.spec").read_text(encoding="utf-8")
    for program in ("tongdai1022", "tongdai1022-cli"):  # what the spec freezes is what is installed and run
        assert f'name="{program}"' in spec and f"{program}.exe" in script and f"{program}.exe" in run
    [upload] = [step for step in job["steps"] if "upload-artifact" in step.get("uses", "")]
    assert upload["with"]["path"].endswith(".exe")
