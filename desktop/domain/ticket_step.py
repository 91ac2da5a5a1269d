"""A ticket's step in its life as the desk can tell it from its fields and its callback (issue #17)."""

from __future__ import annotations

from enum import StrEnum


class TicketStep(StrEnum):
    """Received → forwarded to a unit (→ returned by it, → forwarded again) → the unit answered → the
    citizen called back → done → surveyed.

    The desk reads the step off the ticket's synced fields, never off the answer's text: an open level
    2-4 ticket with a handling unit is with that unit until the server stamps the unit's answer on it
    (`unit_answered_at`; a new forward empties it, so a second unit has it until that unit answers; an
    operator's own note in the answer field is no unit's answer); it is back at the centre while it
    carries the unit's reason for returning it (the server writes it, and empties it when the ticket is
    forwarded again); it is called back once a desk reached the citizen with that answer
    (`called_back_at`, on or after `unit_answered_at`); resolved is done, and surveyed once the citizen's
    satisfaction is recorded (the survey's answer, or "no response" when the survey gave up).
    """

    RECEIVED = "tiep_nhan"
    FORWARDED = "da_chuyen_don_vi"
    RETURNED = "don_vi_tra_lai"
    UNIT_ANSWERED = "don_vi_da_tra_loi"
    CALLED_BACK = "da_goi_lai"
    DONE = "hoan_thanh"
    SURVEYED = "da_khao_sat"

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
    TicketStep.SURVEYED: "Đã khảo sát",
}
