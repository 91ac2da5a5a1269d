"""Only the desk's user reads its data: the data folder 0700 and what is in it 0600 (POSIX; on Windows the
user's profile folder already keeps others out)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def keep_private(data_dir: Path) -> None:
    """Makes the data folder and everything under it private, fixing what an older desk left readable.
    Called at start, before the store opens; a file that cannot be changed is left as it is."""
    if os.name != "posix":
        return
    _chmod(data_dir, PRIVATE_FOLDER)
    for folder, folders, files in os.walk(data_dir):
        for name in folders:
            _chmod(Path(folder, name), PRIVATE_FOLDER)
        for name in files:
            _chmod(Path(folder, name), PRIVATE_FILE)


def _chmod(path: Path, mode: int) -> None:
    try:
        current = stat.S_IMODE(path.lstat().st_mode)
        if not stat.S_ISLNK(path.lstat().st_mode) and current != mode:
            path.chmod(mode)
    except OSError:
        pass
