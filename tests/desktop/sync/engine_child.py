"""A desktop's sync engine in its own process, for the crash tests: one cycle, or a stop mid-page.

`python engine_child.py DATA_DIR SERVER_URL USER PAGE_SIZE [STOP_AT_PAGE]`: with STOP_AT_PAGE, the
process prints `applied page N` once the Nth pulled page is written into the open transaction, cursor
included, but not committed, and then waits there for the test to kill it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from store_keys import open_test_store

from desktop.store.local import LocalStore
from desktop.store.sync_models import SyncState
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine


def stop_at_page(store: LocalStore, wanted: int) -> None:
    pages = {"seen": 0}

    def before_commit(session: Session) -> None:
        states = [obj for obj in session.dirty if isinstance(obj, SyncState)]
        if not states or not inspect(states[0]).attrs.cursor.history.has_changes():
            return
        pages["seen"] += 1
        if pages["seen"] == wanted:
            session.flush()  # the page's rows and its cursor are in the transaction, not yet committed
            print(f"applied page {wanted}", flush=True)
            while True:
                time.sleep(1)

    event.listen(store.writes, "before_commit", before_commit)


def main() -> int:
    data_dir, url, user, page = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = open_test_store(data_dir)
    if len(sys.argv) > 5:
        stop_at_page(store, int(sys.argv[5]))
    credentials = Credentials(None)
    login = Login(url, user)
    credentials.remember(login, password=os.environ["TONGDAI1022_TEST_PASSWORD"])
    engine = SyncEngine(store, SyncClient(url, read_timeout=60), credentials, login, pull_page=page)
    report = engine.run_cycle()
    print(f"done pushed={report.pushed} pulled={report.pulled}", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
