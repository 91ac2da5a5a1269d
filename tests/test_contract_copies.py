"""The copies the layering forces agree: the protocol's list of ticket fields is a column on both sides
and exactly what the server converts (texts by the contract's limits), and the report's bindings are made
twice (desk and server). The codes themselves are no longer copied: both read protocol/vocabulary.json
(tests/desktop/test_vocabulary.py)."""

from __future__ import annotations

import pytest

from desktop.services.supervisor.reports import desktop_source
from desktop.services.tickets.rows import COLUMNS as DESK_TICKET_COLUMNS
from protocol import TICKET_FIELDS
from protocol.contract import TEXT_LIMITS
from server.models import Ticket as ServerTicket
from server.services.reports import server_source
from server.services.values import TICKET_CONVERTERS, BadValue


def test_the_report_counts_the_same_codes_on_the_server_and_on_the_desktop() -> None:
    assert server_source().codes == desktop_source().codes


def test_every_field_a_ticket_syncs_is_a_column_on_the_desk_and_on_the_server() -> None:
    server_columns = {column.name for column in ServerTicket.__table__.columns}
    assert set(TICKET_FIELDS) - set(DESK_TICKET_COLUMNS) == set()
    assert set(TICKET_FIELDS) - server_columns == set()


def test_the_server_checks_every_field_a_ticket_syncs_and_no_other() -> None:
    assert set(TICKET_CONVERTERS) == set(TICKET_FIELDS)


def test_the_server_takes_each_synced_text_up_to_the_contracts_limit_and_not_one_character_more() -> None:
    texts = [name for name in TICKET_FIELDS if name in TEXT_LIMITS and name != "phone"]  # phone: below
    assert {"content", "answer", "citizen_name", "public_question"} <= set(texts)
    for name in texts:
        convert, limit = TICKET_CONVERTERS[name], TEXT_LIMITS[name]
        assert convert(name, "a" * limit) == "a" * limit
        with pytest.raises(BadValue):
            convert(name, "a" * (limit + 1))


def test_the_server_keeps_a_tickets_and_a_calls_number_by_the_desks_own_policy() -> None:
    from protocol.phone import HIDDEN_PHONE, normalize_phone
    from server.services.values import CALL_CONVERTERS

    for typed in ("0912 345 678", "0895987864", "+1 202 555 0143", "1022"):
        assert TICKET_CONVERTERS["phone"]("phone", typed) == normalize_phone(typed)
        assert CALL_CONVERTERS["phone"]("phone", typed) == normalize_phone(typed)
    assert TICKET_CONVERTERS["phone"]("phone", "") == ""  # a ticket may have no number
    assert CALL_CONVERTERS["phone"]("phone", HIDDEN_PHONE) == HIDDEN_PHONE
    assert CALL_CONVERTERS["phone"]("phone", "1001") == "1001"  # an extension of the switchboard
    for junk in ("=HYPERLINK(1)", "09", "0912345678901234", "a" * 20, "a" * 21):
        with pytest.raises(BadValue):
            TICKET_CONVERTERS["phone"]("phone", junk)
        if junk != "09":  # a call's party may be a two-digit extension, as the desk logs it
            with pytest.raises(BadValue):
                CALL_CONVERTERS["phone"]("phone", junk)
    with pytest.raises(BadValue):
        CALL_CONVERTERS["phone"]("phone", "")  # a withheld caller is HIDDEN_PHONE, never ""
