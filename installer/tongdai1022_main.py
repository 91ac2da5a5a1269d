"""Entry point of the frozen desk (PyInstaller): the same `main` as the `tongdai1022` command, or the
user's newer verified version of it (desktop/app_versions.py)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the importer parses big files in a 'spawn' worker: this frozen exe
    from desktop.app_versions import start_newer_version

    start_newer_version(sys.argv)  # returns when the installed version is the one to run
    from desktop.app import main

    sys.exit(main())
