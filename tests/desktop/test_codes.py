"""Every code of DOMAIN.md exists as an enum member (built from the vocabulary) with a Vietnamese label."""

from __future__ import annotations

import pytest

from desktop.domain.codes import (
    CallDirection,
    CallOutcome,
    Channel,
    DissatisfactionReason,
    HistoryAction,
    Level,
    RequestType,
    Satisfaction,
    TicketStatus,
)

DOMAIN_CODES = {
    # the 2024 reports add the province's TTHC system (seeds/002, section 3)
    Channel: {"dien_thoai", "email", "zalo", "website", "facebook", "app_mobile", "he_thong_tthc_tinh"},
    RequestType: {
        "hoi_thong_tin",
        "phan_anh",
        "dang_ky",
        "phan_anh_cham_tre",
        "phan_anh_thai_do",
        "gop_y",
        "khieu_nai",
        "khac",
    },
    TicketStatus: {"dang_xu_ly", "da_xu_ly"},
    Satisfaction: {"hai_long", "khong_hai_long", "khong_phan_hoi", "chua_danh_gia"},
    DissatisfactionReason: {
        "co_che_chinh_sach",
        "nguon_luc",
        "yeu_cau_khong_phu_hop",
        "don_vi_tra_loi",
        "tong_dai_vien",
        "khac",
    },
}


@pytest.mark.parametrize("enum", list(DOMAIN_CODES))
def test_each_enum_has_exactly_the_codes_of_the_domain(enum: type) -> None:
    assert {member.value for member in enum} == DOMAIN_CODES[enum]


@pytest.mark.parametrize(
    "enum",
    [*DOMAIN_CODES, CallDirection, CallOutcome, HistoryAction],
)
def test_every_member_has_a_distinct_vietnamese_label(enum: type) -> None:
    labels = [member.label for member in enum]
    assert all(label.strip() for label in labels)
    assert len(set(labels)) == len(labels)


def test_labels_are_the_words_of_the_province_reports() -> None:
    assert RequestType.ATTITUDE.label == "Phản ánh thái độ công chức"
    assert Channel.PHONE.label == "Điện thoại"
    assert Satisfaction.DISSATISFIED.label == "Không hài lòng"
    assert Level.THREE.label == "Cấp độ 3"


def test_parse_accepts_the_code_or_the_label_and_rejects_others_in_vietnamese() -> None:
    assert Channel.parse("zalo") is Channel.ZALO
    assert Channel.parse(" điện thoại ") is Channel.PHONE
    with pytest.raises(ValueError, match="không hợp lệ"):
        Channel.parse("telegram")
