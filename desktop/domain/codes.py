"""The codes of DOMAIN.md as enums, built from the one vocabulary (protocol/vocabulary.json).

The data decides which codes exist, their order and their Vietnamese labels: a new channel is a line of
the vocabulary, and the form, the filters, the dashboard and the report list it. The classes under
TYPE_CHECKING only tell the type checker the members the code refers to by name; at run time every
member comes from the data. A stored code this version does not know still reads (a pseudo-member
shown as its code), so a row from a newer desk is never dropped.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

from protocol.vocabulary import vocabulary


class _Labelled(StrEnum):
    """A code stored as its value, shown by its Vietnamese label."""

    @classmethod
    def code_set(cls) -> str:
        return _SET_OF_ENUM[cls.__name__]

    @property
    def label(self) -> str:
        return vocabulary()[self.code_set()].label(self.value)

    @classmethod
    def parse(cls, raw: str) -> Any:
        """The member for a stored code or a label, case-insensitive; ValueError in Vietnamese."""
        text = raw.strip()
        for member in cls:
            if text == member.value or text.casefold() == member.label.casefold():
                return member
        allowed = ", ".join(member.value for member in cls)
        raise ValueError(f"Mã «{raw}» không hợp lệ; các mã được chấp nhận: {allowed}")

    @classmethod
    def _missing_(cls, value: object) -> Any:
        """A code the vocabulary of this version lacks (from a newer desk): readable, never an error."""
        if not isinstance(value, str) or not value:
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return member


_SET_OF_ENUM = {code_set.enum: name for name, code_set in vocabulary().sets.items()}


def enum_from_vocabulary(name: str, base: type[_Labelled] | None = None, module: str = __name__) -> Any:
    """The enum of code set `name`: members, order and labels from the vocabulary (`base` adds methods)."""
    code_set = vocabulary()[name]
    members = [(term.name, term.code) for term in code_set.terms]
    return (base or _Labelled)(code_set.enum, members, module=module)  # type: ignore[call-arg]


if TYPE_CHECKING:

    class Channel(_Labelled):
        PHONE = "dien_thoai"
        EMAIL = "email"
        ZALO = "zalo"
        WEBSITE = "website"
        FACEBOOK = "facebook"
        APP_MOBILE = "app_mobile"

    class RequestType(_Labelled):
        INFORMATION = "hoi_thong_tin"
        FEEDBACK = "phan_anh"
        REGISTRATION = "dang_ky"
        LATE_HANDLING = "phan_anh_cham_tre"
        ATTITUDE = "phan_anh_thai_do"
        SUGGESTION = "gop_y"
        COMPLAINT = "khieu_nai"
        OTHER = "khac"

    class TicketStatus(_Labelled):
        IN_PROGRESS = "dang_xu_ly"
        RESOLVED = "da_xu_ly"

    class Satisfaction(_Labelled):
        SATISFIED = "hai_long"
        DISSATISFIED = "khong_hai_long"
        NO_RESPONSE = "khong_phan_hoi"
        NOT_RATED = "chua_danh_gia"

    class DissatisfactionReason(_Labelled):
        POLICY = "co_che_chinh_sach"
        RESOURCES = "nguon_luc"
        UNREASONABLE_REQUEST = "yeu_cau_khong_phu_hop"
        UNIT_ANSWER = "don_vi_tra_loi"
        OPERATOR_ANSWER = "tong_dai_vien"
        OTHER = "khac"

    class CallDirection(_Labelled):
        INBOUND = "vao"
        OUTBOUND = "ra"

    class CallOutcome(_Labelled):
        RINGING = "dang_do_chuong"
        ANSWERED = "da_tra_loi"
        MISSED = "nho"
        ABANDONED = "bo_may"
        BUSY = "ban"
        FAILED = "loi"

    class HistoryAction(_Labelled):
        CREATED = "tao"
        UPDATED = "sua"
        RESOLVED = "xu_ly_xong"
        REOPENED = "mo_lai"
        IMPORTED = "nhap"

    class Publication(_Labelled):
        NOT_ASKED = "chua_hoi"
        PUBLIC = "cong_khai"
        NOT_PUBLIC = "khong_cong_khai"

else:
    Channel = enum_from_vocabulary("channel")
    RequestType = enum_from_vocabulary("request_type")
    TicketStatus = enum_from_vocabulary("status")
    Satisfaction = enum_from_vocabulary("satisfaction")
    DissatisfactionReason = enum_from_vocabulary("dissatisfaction_reason")
    CallDirection = enum_from_vocabulary("call_direction")
    CallOutcome = enum_from_vocabulary("call_outcome")
    HistoryAction = enum_from_vocabulary("history_action")
    Publication = enum_from_vocabulary("publication")


class Level(IntEnum):
    """Ticket level 1-4: level 1 answered at once, higher levels forwarded with a deadline."""

    ONE = 1
    TWO = 2
    THREE = 3
    FOUR = 4

    @property
    def label(self) -> str:
        return vocabulary()["level"].label(self.value)
