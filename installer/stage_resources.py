"""Copies resources/ to build/installer/resources with the translation compiled (.qm), for the spec.

A fresh clone has only the .ts (the .qm is a build output): the frozen desk has no lrelease, so it must
get a .qm that is newer than its .ts. Run with the build venv's python (PySide6 ships lrelease).
With TONGDAI1022_UPDATE_ROOT=root.json the province's update trust anchor goes in as updates/root.json.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGE = ROOT / "build" / "installer" / "resources"
UPDATE_ROOT_ENV = "TONGDAI1022_UPDATE_ROOT"


def main() -> int:
    from desktop.ui.shell.translations import _lrelease

    if STAGE.exists():
        shutil.rmtree(STAGE)
    shutil.copytree(ROOT / "resources", STAGE, ignore=shutil.ignore_patterns("*.qm", "__pycache__"))
    update_root = os.environ.get(UPDATE_ROOT_ENV)
    if update_root:  # the province's trust anchor for signed updates (installer/release.py init)
        (STAGE / "updates").mkdir(exist_ok=True)
        shutil.copyfile(update_root, STAGE / "updates" / "root.json")
    tool = _lrelease()
    if tool is None:
        print("lrelease not found in PySide6: cannot compile the translation", file=sys.stderr)
        return 1
    for ts in (STAGE / "i18n").glob("*.ts"):
        qm = ts.with_suffix(".qm")
        subprocess.run([*tool, "-silent", str(ts), "-qm", str(qm)], check=True, timeout=120)
        later = time.time() + 1
        os.utime(qm, (later, later))  # the desk recompiles a .qm older than its .ts
    print(STAGE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
