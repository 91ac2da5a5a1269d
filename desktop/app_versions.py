"""The desk's updated versions in the user's own folder, and the hand-off to the newest one at start.

A per-machine install (the .deb under root-owned /opt, NSIS under Program Files) is not writable by the
operator, so a signed update never goes there: once tufup has verified it, it is unpacked whole into
`<user data>/versions/<version>/` and only then named in `versions/current`. The installed program
starts that version instead of itself when it is newer than itself (IT installing a newer package
wins again). Anything wrong with it (no pointer, no program file, an older version) starts the
installed program, so a failed update leaves the old version running. Standard library and
`packaging` only: this runs before the desk's imports.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

CURRENT = "current"
SAFE_VERSION = re.compile(r"^[0-9][0-9A-Za-z.+_-]{0,63}$")
# IT's way to start the installed program whatever the user's folder holds (e.g. to compare versions).
INSTALLED_ONLY_ENV = "TONGDAI1022_INSTALLED_ONLY"


def versions_folder() -> Path:
    """`<user data folder>/versions` (TONGDAI1022_HOME when set): writable by the operator, per user."""
    from desktop.settings import resolve_data_dir

    return resolve_data_dir(None) / "versions"


def current_version(folder: Path) -> str | None:
    try:
        named = (folder / CURRENT).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return named if SAFE_VERSION.match(named) else None


def _newer(candidate: str, than: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(candidate) > Version(than)
    except InvalidVersion:
        return False


def newer_program(folder: Path, running_version: str, running: Path) -> Path | None:
    """The program of the user's updated version when it is newer than the one running, else None."""
    chosen = current_version(folder)
    if chosen is None or not _newer(chosen, running_version):
        return None
    program = folder / chosen / running.name
    if not program.is_file() or not os.access(program, os.X_OK):
        return None
    if program.resolve() == running.resolve():
        return None
    return program


def record_installed(folder: Path, version: str, running: Path | None) -> None:
    """Names `version` (complete under `folder`) as the one to start, then drops versions nobody needs:
    kept are the new one, the one named before (the fall-back) and the one this process runs from."""
    if not SAFE_VERSION.match(version) or not (folder / version).is_dir():
        raise ValueError(f"phiên bản {version!r} chưa có đủ trong {folder}")
    before = current_version(folder)
    pointer = folder / (CURRENT + ".moi")
    pointer.write_text(version + "\n", encoding="utf-8")
    os.replace(pointer, folder / CURRENT)  # atomic: the launcher sees the old name or the new one
    keep = {version, before}
    if running is not None and running.parent.parent == folder:
        keep.add(running.parent.name)
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)


def _child_environment() -> dict[str, str]:
    """The environment the user started us with: PyInstaller's bootloader added its own variables."""
    env = dict(os.environ)
    for name in ("LD_LIBRARY_PATH",):
        original = env.pop(name + "_ORIG", None)
        if original is not None:
            env[name] = original
        else:
            env.pop(name, None)
    env["PYINSTALLER_RESET_ENVIRONMENT"] = "1"  # the next bundle sets itself up as a top-level program
    return env


def start_newer_version(argv: list[str]) -> None:
    """In the frozen program, before anything else: run the user's newer verified version in our place.
    Returns (and the installed program goes on) when there is none or it cannot be started."""
    if not getattr(sys, "frozen", False) or os.environ.get(INSTALLED_ONLY_ENV):
        return
    from desktop import __version__

    running = Path(sys.executable)
    try:
        program = newer_program(versions_folder(), __version__, running)
    except OSError:
        return
    if program is None:
        return
    env = _child_environment()
    try:
        if os.name == "posix":
            os.execve(program, [str(program), *argv[1:]], env)
        sys.exit(subprocess.call([str(program), *argv[1:]], env=env))  # Windows has no real exec
    except OSError:
        return
