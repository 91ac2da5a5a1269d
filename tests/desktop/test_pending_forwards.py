"""Forwards kept on a desk while the server is out of reach: the sync settles the one it sent, never a
choice the operator made while it was sending (another unit chosen meanwhile stays to be sent)."""

from __future__ import annotations

from pathlib import Path

from store_keys import open_test_store

from desktop.domain.ticket import KeptForward
from desktop.services.tickets.pending_forwards import PendingForwards

TICKET = "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f"


def test_a_refusal_of_the_forward_being_sent_does_not_overwrite_the_unit_chosen_meanwhile(
    tmp_path: Path,
) -> None:
    forwards = PendingForwards(open_test_store(tmp_path / "desk"))
    forwards.ask(TICKET, "1022-000123", "so-xay-dung")
    (being_sent,) = forwards.to_send()  # the sync sends it...
    forwards.ask(TICKET, "1022-000123", "ubnd-huyen-tan-hong")  # ...while the operator picks another unit

    forwards.refuse(being_sent, "Phiếu này đang chờ đơn vị trả lời: không chuyển lần nữa.")

    (kept,) = forwards.all()
    assert (kept.unit_code, kept.state) == ("ubnd-huyen-tan-hong", KeptForward.WAITING)


def test_the_forward_sent_by_the_sync_is_settled_but_not_the_unit_chosen_meanwhile(tmp_path: Path) -> None:
    forwards = PendingForwards(open_test_store(tmp_path / "desk"))
    forwards.ask(TICKET, "1022-000123", "so-xay-dung")
    (being_sent,) = forwards.to_send()
    forwards.ask(TICKET, "1022-000123", "ubnd-huyen-tan-hong")

    forwards.sent(TICKET, being_sent)

    assert [kept.unit_code for kept in forwards.to_send()] == ["ubnd-huyen-tan-hong"]
    forwards.refuse(forwards.to_send()[0], "Không có đơn vị này đang hoạt động.")
    assert [kept.state for kept in forwards.all()] == [KeptForward.REFUSED]
    forwards.sent(TICKET, being_sent)  # a late settling of the older one leaves the refusal to read
    assert [kept.state for kept in forwards.all()] == [KeptForward.REFUSED]
    forwards.sent(TICKET)  # the operator's own forward went: whatever was kept is settled
    assert forwards.all() == []
