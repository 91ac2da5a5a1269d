"""Entry point of the frozen desk (PyInstaller): the same `main` as the `tongdai1022` command."""

import multiprocessing
import sys

from desktop.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the importer parses big files in a 'spawn' worker: this frozen exe
    sys.exit(main())
