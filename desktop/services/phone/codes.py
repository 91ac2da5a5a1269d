"""The phone desk's codes: wrap-up dispositions, callback kinds, states and attempt outcomes.

Built from the one vocabulary (protocol/vocabulary.json) like desktop.domain.codes: the data gives the
codes, their order (the keys 1-5 and 1-4 the operator presses) and their Vietnamese labels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.domain.codes import _Labelled, enum_from_vocabulary


class _Keyed(_Labelled):
    """A code the operator picks with a digit key: its place in the vocabulary's order."""

    @property
    def key(self) -> str:
        return str(list(type(self)).index(self) + 1)


if TYPE_CHECKING:

    class Disposition(_Keyed):
        TICKET_CREATED = "tao_phieu"
        INFORMATION_GIVEN = "cung_cap_thong_tin"
        WRONG_NUMBER = "nham_so"
        SILENT_CALL = "im_lang"
        PRANK = "quay_roi"

    class CallbackKind(_Labelled):
        MISSED = "goi_nho"
        ABANDONED = "bo_may"
        ANSWER_READY = "tra_loi"
        SURVEY = "khao_sat"

    class CallbackStatus(_Labelled):
        PENDING = "cho_goi"
        DONE = "xong"
        CLOSED = "dong"

    class AttemptOutcome(_Keyed):
        REACHED = "gap_duoc"
        NO_ANSWER = "khong_nghe"
        BUSY = "ban"
        WRONG_NUMBER = "sai_so"

else:
    Disposition = enum_from_vocabulary("disposition", _Keyed, __name__)
    CallbackKind = enum_from_vocabulary("callback_kind", _Labelled, __name__)
    CallbackStatus = enum_from_vocabulary("callback_status", _Labelled, __name__)
    AttemptOutcome = enum_from_vocabulary("attempt_outcome", _Keyed, __name__)
