"""The words of the province's tables: column headers and the names it gives the codes of DOMAIN.md.

They belong to the report's layout (the appendix of seeds/000 writes them so), which is why they are
here and not taken from desktop.domain.codes, which the server cannot import. A code not listed here
is shown as itself.
"""

from __future__ import annotations

CHANNELS = {
    "dien_thoai": "Điện thoại",
    "email": "Email",
    "zalo": "Zalo",
    "website": "Website 1022",
    "facebook": "Facebook",
    "app_mobile": "App mobile",
}
REQUEST_TYPES = {
    "hoi_thong_tin": "Hỏi thông tin",
    "phan_anh": "Phản ánh",
    "dang_ky": "Đăng ký",
    "phan_anh_cham_tre": "Phản ánh chậm trễ",
    "phan_anh_thai_do": "Phản ánh thái độ công chức",
    "gop_y": "Góp ý",
    "khieu_nai": "Khiếu nại",
    "khac": "Khác",
}
REASONS = {
    "co_che_chinh_sach": "Vướng mắc về cơ chế, chính sách, quy định",
    "nguon_luc": "Nguồn lực giải quyết vấn đề chưa đủ",
    "yeu_cau_khong_phu_hop": "Yêu cầu của phản ánh không phù hợp",
    "don_vi_tra_loi": "Cơ quan, đơn vị trả lời chưa thỏa đáng",
    "tong_dai_vien": "Tổng đài viên trả lời chưa thỏa đáng",
    "khac": "Khác",
}
# How the bulletin names the channels in its sentence ("tiếp nhận qua điện thoại: 2.010 ý kiến, ...").
CHANNELS_IN_TEXT = {
    "dien_thoai": "điện thoại",
    "email": "email",
    "zalo": "zalo",
    "website": "website 1022",
    "facebook": "facebook",
    "app_mobile": "app mobile",
}


def label(labels: dict[str, str], code: str) -> str:
    return labels.get(code, code)
