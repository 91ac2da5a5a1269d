"""A desk run as its own process (under libfaketime by tests/server/test_deadlines_across_tet.py): it
signs in, syncs with the server and prints, per ticket code, the deadline it carries and the working
days left the ticket list shows on the desk's today.

    python tests/server/faked_desk.py DATA_DIR SERVER_URL USERNAME PASSWORD
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from store_keys import open_test_store

from desktop.domain.clock import now_vn
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine


def main(data_dir: str, server_url: str, username: str, password: str) -> None:
    store = open_test_store(Path(data_dir))
    credentials, login = Credentials(None), Login(server_url, username)
    credentials.remember(login, password=password)
    SyncEngine(store, SyncClient(server_url), credentials, login).run_cycle()
    rows = TicketQuery(store).page(TicketFilter()).rows
    print(
        json.dumps(
            {
                "today": now_vn().date().isoformat(),
                "tickets": {
                    row.code: {
                        "deadline": row.deadline.isoformat() if row.deadline else None,
                        "days_left": row.days_left,
                        "step": row.step.value,
                    }
                    for row in rows
                },
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:5])
