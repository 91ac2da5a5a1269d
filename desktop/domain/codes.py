"""The codes of DOMAIN.md as enums, each with its Vietnamese label."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class _Labelled(StrEnum):
    """A code stored as its value, shown by its Vietnamese label."""

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, raw: str) -> _Labelled:
        """The member for a stored code or a label, case-insensitive; ValueError in Vietnamese."""
        text = raw.strip()
        for member in cls:
            if text == member.value or text.casefold() == member.label.casefold():
                return member
        allowed = ", ".join(member.value for member in cls)
        raise ValueError(f"Mã «{raw}» không hợp lệ; các mã được chấp nhận: {allowed}")


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


class Level(IntEnum):
    """Ticket level 1-4: level 1 answered at once, higher levels forwarded with a deadline."""

    ONE = 1
    TWO = 2
    THREE = 3
    FOUR = 4

    @property
    def label(self) -> str:
        return f"Cấp độ {self.value}"


_LABELS: dict[StrEnum, str] = {
    Channel.PHONE: "Điện thoại",
    Channel.EMAIL: "Email",
    Channel.ZALO: "Zalo",
    Channel.WEBSITE: "Website 1022",
    Channel.FACEBOOK: "Facebook",
    Channel.APP_MOBILE: "App mobile",
    RequestType.INFORMATION: "Hỏi thông tin",
    RequestType.FEEDBACK: "Phản ánh",
    RequestType.REGISTRATION: "Đăng ký",
    RequestType.LATE_HANDLING: "Phản ánh chậm trễ",
    RequestType.ATTITUDE: "Phản ánh thái độ công chức",
    RequestType.SUGGESTION: "Góp ý",
    RequestType.COMPLAINT: "Khiếu nại",
    RequestType.OTHER: "Khác",
    TicketStatus.IN_PROGRESS: "Đang xử lý",
    TicketStatus.RESOLVED: "Đã xử lý",
    Satisfaction.SATISFIED: "Hài lòng",
    Satisfaction.DISSATISFIED: "Không hài lòng",
    Satisfaction.NO_RESPONSE: "Không phản hồi",
    Satisfaction.NOT_RATED: "Chưa đánh giá",
    DissatisfactionReason.POLICY: "Vướng mắc về cơ chế, chính sách, quy định",
    DissatisfactionReason.RESOURCES: "Nguồn lực giải quyết vấn đề chưa đủ",
    DissatisfactionReason.UNREASONABLE_REQUEST: "Yêu cầu của phản ánh không phù hợp",
    DissatisfactionReason.UNIT_ANSWER: "Cơ quan, đơn vị trả lời chưa thỏa đáng",
    DissatisfactionReason.OPERATOR_ANSWER: "Tổng đài viên trả lời chưa thỏa đáng",
    DissatisfactionReason.OTHER: "Khác",
    CallDirection.INBOUND: "Cuộc gọi vào",
    CallDirection.OUTBOUND: "Cuộc gọi ra",
    CallOutcome.RINGING: "Đang đổ chuông",
    CallOutcome.ANSWERED: "Đã trả lời",
    CallOutcome.MISSED: "Gọi nhỡ",
    CallOutcome.ABANDONED: "Người gọi gác máy khi đổ chuông",
    CallOutcome.BUSY: "Máy bận",
    CallOutcome.FAILED: "Không thực hiện được",
    HistoryAction.CREATED: "Tạo phiếu",
    HistoryAction.UPDATED: "Sửa phiếu",
    HistoryAction.RESOLVED: "Đã xử lý xong",
    HistoryAction.REOPENED: "Mở lại phiếu",
    HistoryAction.IMPORTED: "Nhập từ tệp",
}
