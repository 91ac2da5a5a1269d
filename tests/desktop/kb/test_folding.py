"""Folding at index and query time: NFC/NFD, đ, both tone placements, punctuation."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from desktop.kb.folding import accent_key, has_marks, kb_fold, words


def test_composed_and_decomposed_text_fold_alike() -> None:
    text = "Đăng ký khai sinh cho trẻ em Hoà Bình"
    assert kb_fold(unicodedata.normalize("NFC", text)) == kb_fold(unicodedata.normalize("NFD", text))
    assert kb_fold(text) == "dang ky khai sinh cho tre em hoa binh"


def test_d_with_stroke_and_its_lookalike_fold_to_d() -> None:
    assert kb_fold("ĐĂNG KÝ đất") == "dang ky dat"
    assert kb_fold("\u00d0ăng ký") == "dang ky"  # Ð (eth) typed for Đ


def test_both_tone_placements_share_an_accent_key() -> None:
    assert accent_key("hoà") == accent_key("hòa")
    assert accent_key("thuỷ") == accent_key("thủy")
    assert accent_key("Khoẻ") == accent_key("khỏe")
    assert accent_key("bán") != accent_key("bản")
    assert accent_key("đấu") != accent_key("đầu")


def test_marks_are_seen_only_when_typed() -> None:
    assert has_marks("cấp") and has_marks("đi")
    assert not has_marks("cap")


def test_punctuation_splits_words_and_never_survives() -> None:
    assert words('giay-phep "15/2023/NĐ-CP" NOT') == ["giay", "phep", "15", "2023", "nd", "cp", "not"]


@given(st.text())
def test_folding_is_idempotent_and_ascii_for_vietnamese(text: str) -> None:
    once = kb_fold(text)
    assert kb_fold(once) == once


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxy ĐĂÂÊÔƠƯ"
        "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    )
)
def test_vietnamese_letters_fold_to_plain_ascii(text: str) -> None:
    assert kb_fold(text).isascii()
