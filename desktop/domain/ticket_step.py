"""A ticket's step in its life as the desk can tell it from its fields and its callback (issue #17)."""

from __future__ import annotations

from enum import StrEnum


class TicketStep(StrEnum):
    """Received → forwarded to a unit (→ returned by it, → forwarded again) → the unit answered → the
    citizen called back → done.

    The desk reads the step off the ticket: an open level 2-4 ticket with a handling unit is with that
    unit until an answer is written on it (the unit's, which the pull brings, or one the operator
    recorded); it is back at the centre while it carries the unit's reason for returning it (the server
    writes it, and empties it when the ticket is forwarded again); it is called back once its "answer
    ready" callback reached the citizen; resolved is done.
    """

    RECEIVED = "tiep_nhan"
    FORWARDED = "da_chuyen_don_vi"
    RETURNED = "don_vi_tra_lai"
    UNIT_ANSWERED = "don_vi_da_tra_loi"
    CALLED_BACK = "da_goi_lai"
    DONE = "hoan_thanh"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    TicketStep.RECEIVED: "Tiếp nhận",
    TicketStep.FORWARDED: "Đã chuyển đơn vị",
    TicketStep.RETURNED: "Đơn vị trả lại",
    TicketStep.UNIT_ANSWERED: "Đơn vị đã trả lời",
    TicketStep.CALLED_BACK: "Đã gọi lại",
    TicketStep.DONE: "Hoàn thành",
}
