"""The desk's access log: a look that shows a citizen's data is recorded once, with its screen and reason;
a look that finds nobody records nothing; the ringing pop-up and the CLI record theirs too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text
from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.services.access_log import AccessLog
from desktop.services.phone.session import PhoneSession
from desktop.services.tickets.caller_history import CallerHistoryService
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from desktop.telephony import IncomingCall

ROOT = Path(__file__).resolve().parents[2]


def records(store: LocalStore) -> list[tuple[str, str, str, str, str]]:
    assert AccessLog(store, "").flush()
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT actor, subject_kind, subject, screen, reason FROM access_log ORDER BY id")
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def pushed(store: LocalStore) -> int:
    with store.engine.connect() as connection:
        return int(
            connection.execute(text("SELECT count(*) FROM outbox WHERE entity = 'access'")).scalar() or 0
        )


def test_each_display_of_a_citizen_is_recorded_and_queued_for_the_server(store: LocalStore) -> None:
    tickets = TicketService(store, "dtv-lan")
    made = tickets.create(TicketDraft(content="Hỏi thủ tục", phone="0912 345 678", citizen_name="Lan"))
    history = CallerHistoryService(store, AccessLog(store, "dtv-lan"))
    history.lookup("0912345678")
    history.lookup("0987 000 111")  # nobody known: nothing was shown, nothing recorded
    tickets.open(made.id)
    assert records(store) == [
        ("dtv-lan", "phone", "+84912345678", "history_panel", "search"),
        ("dtv-lan", "ticket", made.id, "ticket_form", "open"),
    ]
    assert pushed(store) == 2


def test_the_ringing_pop_up_records_its_look_off_the_ringing_path(store: LocalStore) -> None:
    TicketService(store, "dtv-lan").create(
        TicketDraft(content="Phản ánh", phone="0912 345 678", citizen_name="Lan")
    )
    session = PhoneSession(store, "dtv-lan")
    try:
        ringing = session.on_incoming(
            IncomingCall("sip-1", "0912345678", "", "sip:0912345678@x", "From", 0.0)
        )
        assert ringing.history is not None and ringing.history.citizen is not None
    finally:
        session.close()
    assert ("dtv-lan", "phone", "+84912345678", "ringing_popup", "call") in records(store)


def test_the_history_command_records_its_look(tmp_path: Path) -> None:
    store = open_test_store(tmp_path / "data")
    TicketService(store, "dtv").create(TicketDraft(content="Hỏi", phone="0903 111 222", citizen_name="Bình"))
    store.close()
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(tmp_path / "data"), "history", "0903111222"],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    reopened = open_test_store(tmp_path / "data")
    assert [(kind, screen) for _a, kind, _s, screen, _r in records(reopened)] == [("phone", "cli_history")]
    reopened.close()


def test_a_searched_ticket_list_records_the_search_and_each_citizen_it_showed_once(store: LocalStore) -> None:
    tickets = TicketService(store, "dtv-lan")
    tickets.create(
        TicketDraft(content="Hỏi cấp đổi căn cước", phone="0912 345 678", citizen_name="Nguyễn Thị Lan")
    )
    tickets.create(TicketDraft(content="Hỏi khai sinh", phone="0987 000 111", citizen_name="Nguyễn Văn Bình"))
    tickets.create(TicketDraft(content="Hỏi đất đai", phone="0903 222 333", citizen_name="Trần Hà"))
    query = TicketQuery(store, AccessLog(store, "dtv-lan"))

    query.page(TicketFilter())  # the day's list, unsearched: no record
    shown = query.page(TicketFilter(text="nguyen"))
    query.page(TicketFilter(text="nguyen"))  # the same list refetched after a save: the same look

    assert {row.citizen_name for row in shown.rows} == {"Nguyễn Thị Lan", "Nguyễn Văn Bình"}
    assert sorted(records(store)) == [
        ("dtv-lan", "phone", "+84912345678", "ticket_list", "search"),
        ("dtv-lan", "phone", "+84987000111", "ticket_list", "search"),
        ("dtv-lan", "search", "nguyen", "ticket_list", "search"),
    ]
