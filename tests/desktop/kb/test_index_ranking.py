"""Ranking details of the index itself, on small hand-made record sets."""

from __future__ import annotations

from desktop.kb.index import IndexSource, KbIndex


def test_a_mistyped_word_still_gets_the_title_bonuses_of_its_correction() -> None:
    # Without the runs and the start of the title the mistyped query would rank these on words alone.
    sources = [
        IndexSource("1", "Đăng ký nội dung thay đổi"),
        IndexSource("2", "Nội dung đăng ký thay đổi"),
        IndexSource("3", "Thay đổi nội dung đăng ký hoạt động chi nhánh"),
        *(IndexSource(str(10 + i), f"Cấp giấy phép số {i}") for i in range(30)),
    ]
    index = KbIndex(sources)
    clean = [hit.code for hit in index.search("thay doi noi dung dang ky")]
    assert [hit.code for hit in index.search("thay doi noi duna dang ky")][:3] == clean[:3]


def test_a_one_letter_prefix_alone_still_ranks_its_commonest_words() -> None:
    sources = [
        IndexSource(str(i), f"Thủ tục {word} số {i}") for i, word in enumerate(["cấp", "chứng", "công"] * 400)
    ]
    hits = KbIndex(sources).search("thu tuc c")
    assert len(hits) == 10
