"""The phone desk's codes: wrap-up dispositions, callback kinds, states and attempt outcomes, with labels."""

from __future__ import annotations

from enum import StrEnum


class Disposition(StrEnum):
    """How a call is accounted for after it ends; the key is what the operator presses."""

    TICKET_CREATED = "tao_phieu"
    INFORMATION_GIVEN = "cung_cap_thong_tin"
    WRONG_NUMBER = "nham_so"
    SILENT_CALL = "im_lang"
    PRANK = "quay_roi"

    @property
    def label(self) -> str:
        return _DISPOSITION_LABELS[self]

    @property
    def key(self) -> str:
        return str(list(Disposition).index(self) + 1)


class CallbackKind(StrEnum):
    MISSED = "goi_nho"
    ABANDONED = "bo_may"
    ANSWER_READY = "tra_loi"
    SURVEY = "khao_sat"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


class CallbackStatus(StrEnum):
    PENDING = "cho_goi"
    DONE = "xong"
    CLOSED = "dong"


class AttemptOutcome(StrEnum):
    """What came of one callback attempt; the key is what the operator presses."""

    REACHED = "gap_duoc"
    NO_ANSWER = "khong_nghe"
    BUSY = "ban"
    WRONG_NUMBER = "sai_so"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]

    @property
    def key(self) -> str:
        return str(list(AttemptOutcome).index(self) + 1)


_DISPOSITION_LABELS = {
    Disposition.TICKET_CREATED: "Đã tạo phiếu",
    Disposition.INFORMATION_GIVEN: "Đã cung cấp thông tin",
    Disposition.WRONG_NUMBER: "Nhầm số",
    Disposition.SILENT_CALL: "Cuộc gọi im lặng",
    Disposition.PRANK: "Quấy rối",
}
_KIND_LABELS = {
    CallbackKind.MISSED: "Gọi nhỡ",
    CallbackKind.ABANDONED: "Gác máy khi đổ chuông",
    CallbackKind.ANSWER_READY: "Đã có trả lời",
    CallbackKind.SURVEY: "Khảo sát hài lòng",
}
_OUTCOME_LABELS = {
    AttemptOutcome.REACHED: "Gặp được",
    AttemptOutcome.NO_ANSWER: "Không nghe máy",
    AttemptOutcome.BUSY: "Máy bận",
    AttemptOutcome.WRONG_NUMBER: "Sai số",
}
