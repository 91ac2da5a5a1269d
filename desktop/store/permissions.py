"""Only the desk's user reads its data: the data folder 0700 and what is in it 0600 (POSIX; on Windows the
user's profile folder already keeps others out)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
# The desk's own updated versions (desktop/app_versions.py): unpacked private by the desk itself, and
# thousands of program files that the walk at every start would only slow down (and must stay runnable).
PROGRAM_VERSIONS = "versions"


def keep_private(data_dir: Path) -> None:
    """Makes the data folder and everything under it private, fixing what an older desk left readable.
    Called at start, before the store opens; a file that cannot be changed is left as it is."""
    if os.name != "posix":
        return
    _chmod(data_dir, PRIVATE_FOLDER)
    for folder, folders, files in os.walk(data_dir):
        if Path(folder) == data_dir and PROGRAM_VERSIONS in folders:
            folders.remove(PROGRAM_VERSIONS)
            _chmod(data_dir / PROGRAM_VERSIONS, PRIVATE_FOLDER)
        for name in folders:
            _chmod(Path(folder, name), PRIVATE_FOLDER)
        for name in files:
            _chmod(Path(folder, name), PRIVATE_FILE, keep_owner_execute=True)


def _chmod(path: Path, mode: int, *, keep_owner_execute: bool = False) -> None:
    try:
        status = path.lstat()
        current = stat.S_IMODE(status.st_mode)
        if keep_owner_execute:
            mode |= current & stat.S_IXUSR  # a program stays one: privacy is about group and others
        if not stat.S_ISLNK(status.st_mode) and current != mode:
            path.chmod(mode)
    except OSError:
        pass
