"""Vietnamese numbers, the rounding of percentages, the bulletin's sentences rebuilt from its figures."""

from __future__ import annotations

import pytest

from reports import Report
from reports.narrative import activity, satisfaction
from reports.shape import percent
from reports.vn_numbers import vn_int, vn_percent


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (999, "999"), (4196, "4.196"), (42778, "42.778"), (1234567, "1.234.567")]
)
def test_thousands_are_grouped_with_dots(value: int, text: str) -> None:
    assert vn_int(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(99.73, "99,73%"), (0.04, "0,04%"), (100.0, "100%"), (0.0, "0%"), (5.5, "5,50%"), (98.1, "98,10%")],
)
def test_percentages_use_a_decimal_comma(value: float, text: str) -> None:
    assert vn_percent(value) == text


def test_percentages_round_half_up_to_two_decimals_like_the_provinces_tables() -> None:
    assert percent(42661, 42778) == 99.73  # the appendix's totals row
    assert percent(4455, 42778) == 10.41
    assert percent(1, 8) == 12.5  # 12.5 exactly
    assert percent(1, 800) == 0.13  # 0.125: half up, not to even
    assert percent(0, 0) == 0.0


def bulletin_month() -> Report:
    """The figures of seeds/001 (November 2021) in the report's shape."""
    return {
        "period": {"from": "2021-11-01", "to": "2021-11-30"},
        "totals": {
            "tickets": 2327,
            "resolved": 2270,
            "in_progress": 57,
            "resolved_pct": 97.55,
            "tthc": 213,
            "tthc_resolved": 200,
        },
        "calls": {"inbound": 2475, "outbound": 1721, "missed": 0},
        "channels": {
            "dien_thoai": 2010,
            "email": 23,
            "zalo": 95,
            "website": 138,
            "facebook": 61,
            "app_mobile": 0,
        },
        "units": [],
        "attitude_late": [],
        "satisfaction": [
            {
                "unit": "Tổng đài 1022",
                "tickets": 2327,
                "rated": 2234,
                "unresolved_unrated": 57,
                "hai_long": 2233,
                "khong_hai_long": {"khac": 1},
                "khong_phan_hoi": 36,
            },
        ],
    }


def test_the_bulletins_first_paragraph_comes_back_from_its_figures() -> None:
    # seeds/001 word for word, but for the channel names the software cannot know ("website
    # 1022.dongthap.gov.vn" is the province's address) and a capital F on Facebook.
    assert activity(bulletin_month()) == (
        "Từ ngày 01/11/2021 đến ngày 30/11/2021, Tổng đài 1022 đã tiếp nhận và thực hiện 4.196 cuộc "
        "gọi (gồm: "
        "2.475 cuộc gọi vào, 1.721 cuộc gọi ra), 317 lượt tương tác qua các kênh 1022: Email, Zalo, "
        "Facebook, "
        "Website, App Mobile của người dân, doanh nghiệp. Theo đó, Điện thoại viên tổ chức tiếp nhận "
        "và lập 2.327 "
        "phiếu xử lý ý kiến, phản ánh, kiến nghị của tổ chức, cá nhân. Trong đó, có 213 phản ánh, "
        "kiến nghị, hỏi "
        "đáp thông tin liên quan đến TTHC. Các phản ánh, kiến nghị tiếp nhận qua điện thoại: 2.010 ý "
        "kiến, email: "
        "23 ý kiến, zalo: 95 ý kiến, website 1022: 138 ý kiến, facebook: 61 ý kiến."
    )


def test_the_bulletins_survey_sentence_comes_back_from_its_figures() -> None:
    # The bulletin prints 1,58% for 36/2.270 = 1,5859%: rounded, that is 1,59%.
    assert satisfaction(bulletin_month()) == (
        "Kết quả xử lý ghi nhận, có 2.233/2.270 phiếu trả lời ý kiến, giải quyết phản ánh, kiến nghị "
        "(không tính "
        "57 phiếu đang giải quyết) được tổ chức, cá nhân đánh giá hài lòng về kết quả giải quyết "
        "hoặc thông tin "
        "phản hồi là hữu ích (đạt 98,37%), 1 phiếu đánh giá chưa hài lòng hoặc thông tin phản hồi là "
        "chưa hữu ích "
        "đối với người hỏi (chiếm 0,04%), 36 phiếu người phản ánh không phản hồi về thông tin được "
        "cung cấp (chiếm "
        "1,59%)."
    )
