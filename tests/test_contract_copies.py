"""The copies the layering forces agree: the protocol keeps its own list of ticket fields, and the
report's bindings are made twice (desk and server). The codes themselves are no longer copied: both
read protocol/vocabulary.json (tests/desktop/test_vocabulary.py)."""

from __future__ import annotations

from desktop.services.reports import desktop_source
from desktop.services.tickets import SNAPSHOT_FIELDS
from protocol import TICKET_FIELDS
from server.services.reports import server_source


def test_the_report_counts_the_same_codes_on_the_server_and_on_the_desktop() -> None:
    assert server_source().codes == desktop_source().codes


def test_a_synced_ticket_carries_exactly_the_fields_the_desktop_snapshots() -> None:
    assert TICKET_FIELDS == SNAPSHOT_FIELDS
