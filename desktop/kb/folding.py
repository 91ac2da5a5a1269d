"""Folding for the knowledge base: one function at index and query time, words, and accent keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from desktop.domain.text import fold

# Ð (U+00D0, Icelandic eth) is typed for Đ by some keyboards and PDF converters.
_ETH = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ", "\u0110": "Đ", "\u0111": "đ"})
_WORD = re.compile(r"[^\W_]+")


def kb_fold(text: str) -> str:
    """NFC or NFD, either tone placement, đ/Đ/Ð: `Hoà  BÌNH` and `hòa binh` both fold to `hoa binh`."""
    return fold(text.translate(_ETH))


def words(text: str) -> list[str]:
    """The folded words of `text`: letters and digits; `giay-phep`, `15/2023/NĐ-CP` split on punctuation."""
    return _WORD.findall(kb_fold(text))


def raw_words(text: str) -> list[str]:
    """The words of `text` as typed (marks kept, lower case, NFC), split like `words`."""
    return _WORD.findall(unicodedata.normalize("NFC", text.translate(_ETH)).lower())


@lru_cache(maxsize=65536)
def accent_key(word: str) -> str:
    """A word's letters and its set of marks, so `hoà`/`hòa` and `thuỷ`/`thủy` compare equal.

    Vietnamese puts the tone mark on one vowel or the next depending on the style (old or new);
    both spell the same syllable, so the key keeps which marks the word has, not where they sit.
    """
    lowered = word.translate(_ETH).lower()
    decomposed = unicodedata.normalize("NFD", lowered)
    marks = "".join(sorted(ch for ch in decomposed if unicodedata.combining(ch)))
    base = kb_fold(lowered)
    return f"{base}|{marks}{'đ' if 'đ' in lowered else ''}"


def has_marks(word: str) -> bool:
    """Whether the operator typed any diacritic (or đ) in this word."""
    return not accent_key(word).endswith("|")
