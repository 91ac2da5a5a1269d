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
    texts = [name for name in TICKET_FIELDS if name in TEXT_LIMITS]
    assert {"content", "answer", "citizen_name", "public_question"} <= set(texts)
    for name in texts:
        convert, limit = TICKET_CONVERTERS[name], TEXT_LIMITS[name]
        assert convert(name, "a" * limit) == "a" * limit
        with pytest.raises(BadValue):
            convert(name, "a" * (limit + 1))
