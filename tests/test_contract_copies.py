"""The copies the layering forces agree: the server never imports `desktop`, so it keeps its own
list of DOMAIN.md's codes and the protocol its own list of ticket fields; these tests are what keeps
each copy in step with the desktop's."""

from __future__ import annotations

from desktop.domain.codes import Channel, DissatisfactionReason, RequestType
from desktop.services.reports import desktop_source
from desktop.services.tickets import SNAPSHOT_FIELDS
from protocol import TICKET_FIELDS
from server.services.reports import server_source
from server.services.values import CHANNEL_CODES, REASON_CODES, REQUEST_TYPE_CODES


def test_the_server_knows_the_desktops_codes_in_the_same_order() -> None:
    assert tuple(member.value for member in Channel) == CHANNEL_CODES
    assert tuple(member.value for member in RequestType) == REQUEST_TYPE_CODES
    assert tuple(member.value for member in DissatisfactionReason) == REASON_CODES


def test_the_report_counts_the_same_codes_on_the_server_and_on_the_desktop() -> None:
    assert server_source().codes == desktop_source().codes


def test_a_synced_ticket_carries_exactly_the_fields_the_desktop_snapshots() -> None:
    assert TICKET_FIELDS == SNAPSHOT_FIELDS
