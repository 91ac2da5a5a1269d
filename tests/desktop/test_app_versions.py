"""The installed program hands over to the user's newer verified version, and to nothing else: an older
or equal one, a missing program, a half-written pointer all start the installed program (the old
version keeps working). Run as a separate process that believes it is the frozen desk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import __version__
from desktop.app_versions import CURRENT, INSTALLED_ONLY_ENV, newer_program, record_installed

INSTALLED = "0.1.0"

PRETEND_FROZEN = """
import sys
sys.frozen = True
sys.executable = sys.argv[1]
from desktop.app_versions import start_newer_version
start_newer_version(["tongdai1022", "--version", "tham số có dấu"])
print("bản đã cài")
"""


def user_version(versions: Path, version: str, *, runnable: bool = True) -> Path:
    """A version unpacked in the user's folder: its program says who it is, its arguments and env."""
    folder = versions / version
    folder.mkdir(parents=True)
    program = folder / "tongdai1022"
    program.write_text(
        f'#!/bin/sh\necho "bản {version}: $*"\n'
        'echo "reset=$PYINSTALLER_RESET_ENVIRONMENT lib=$LD_LIBRARY_PATH"\n',
        encoding="utf-8",
    )
    program.chmod(0o755 if runnable else 0o644)
    return folder


def start(home: Path, **env: str) -> str:
    installed = home / "opt" / "tongdai1022"
    done = subprocess.run(
        [sys.executable, "-c", PRETEND_FROZEN, str(installed)],
        env={**os.environ, "TONGDAI1022_HOME": str(home), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def versions(tmp_path: Path) -> Path:
    folder = tmp_path / "versions"
    folder.mkdir()
    return folder


def test_a_newer_version_in_the_users_folder_starts_in_place_of_the_installed_one(
    tmp_path: Path, versions: Path
) -> None:
    assert __version__.split("+")[0] == INSTALLED
    user_version(versions, "0.2.0")
    (versions / CURRENT).write_text("0.2.0\n", encoding="utf-8")

    said = start(
        tmp_path, LD_LIBRARY_PATH="/opt/tongdai1022/_internal", LD_LIBRARY_PATH_ORIG="/usr/local/lib"
    )

    assert said.splitlines() == [
        "bản 0.2.0: --version tham số có dấu",
        "reset=1 lib=/usr/local/lib",  # the bundle's own libraries are not forced on the next one
    ]


@pytest.mark.parametrize(
    ("pointer", "version", "runnable"),
    [
        ("0.1.0", "0.1.0", True),  # the same version as installed
        ("0.0.9", "0.0.9", True),  # IT installed a newer package since
        ("0.2.0", "0.1.5", True),  # named but never completely unpacked
        ("0.2.0", "0.2.0", False),  # no program to run
        ("../../bin", "0.2.0", True),  # not a version name
        ("", "0.2.0", True),  # an empty pointer
    ],
)
def test_anything_but_a_complete_newer_version_starts_the_installed_program(
    tmp_path: Path, versions: Path, pointer: str, version: str, runnable: bool
) -> None:
    user_version(versions, version, runnable=runnable)
    (versions / CURRENT).write_text(pointer, encoding="utf-8")
    assert start(tmp_path).strip() == "bản đã cài"


def test_it_can_start_the_installed_program_whatever_the_users_folder_holds(
    tmp_path: Path, versions: Path
) -> None:
    user_version(versions, "0.2.0")
    (versions / CURRENT).write_text("0.2.0\n", encoding="utf-8")
    assert start(tmp_path, **{INSTALLED_ONLY_ENV: "1"}).strip() == "bản đã cài"


def test_a_desk_already_running_the_users_version_does_not_hand_over_to_itself(versions: Path) -> None:
    folder = user_version(versions, "0.2.0")
    (versions / CURRENT).write_text("0.2.0\n", encoding="utf-8")
    assert newer_program(versions, "0.1.0", folder / "tongdai1022") is None
    assert newer_program(versions, "0.1.0", Path("/opt/tongdai1022/tongdai1022")) == folder / "tongdai1022"


def test_recording_a_version_keeps_the_previous_and_the_running_ones_only(versions: Path) -> None:
    for version in ("0.2.0", "0.3.0", "0.4.0", "0.5.0"):
        user_version(versions, version)
    (versions / CURRENT).write_text("0.4.0\n", encoding="utf-8")

    record_installed(versions, "0.5.0", running=versions / "0.2.0" / "tongdai1022")

    assert (versions / CURRENT).read_text(encoding="utf-8").strip() == "0.5.0"
    assert sorted(p.name for p in versions.iterdir() if p.is_dir()) == ["0.2.0", "0.4.0", "0.5.0"]


def test_a_version_not_completely_there_is_never_named(versions: Path) -> None:
    (versions / CURRENT).write_text("0.2.0\n", encoding="utf-8")
    user_version(versions, "0.2.0")
    with pytest.raises(ValueError, match="chưa có đủ"):
        record_installed(versions, "0.3.0", running=None)
    assert (versions / CURRENT).read_text(encoding="utf-8").strip() == "0.2.0"
    assert (versions / "0.2.0").is_dir()
