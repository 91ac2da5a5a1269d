"""Vietnamese text folded for matching, one definition for the desk and the server: no diacritics, đ as d,
lower case, single spaces; the knowledge base's variant also reads Ð (eth) as Đ and splits words."""

from __future__ import annotations

import re
import unicodedata

_D_TABLE = str.maketrans({"đ": "d", "Đ": "D"})
# Ð (U+00D0, Icelandic eth) is typed for Đ by some keyboards and PDF converters.
ETH_TABLE = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ", "\u0110": "Đ", "\u0111": "đ"})
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """`Tân Hồng` and `tan  hong` fold to the same `tan hong`."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_TABLE))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def kb_fold(text: str) -> str:
    """NFC or NFD, either tone placement, đ/Đ/Ð: `Hoà  BÌNH` and `hòa binh` both fold to `hoa binh`."""
    return fold(text.translate(ETH_TABLE))


def words(text: str) -> list[str]:
    """The folded words of `text`: letters and digits; `giay-phep`, `15/2023/NĐ-CP` split on punctuation."""
    return _WORD.findall(kb_fold(text))


def raw_words(text: str) -> list[str]:
    """The words of `text` as typed (marks kept, lower case, NFC), split like `words`."""
    return _WORD.findall(unicodedata.normalize("NFC", text.translate(ETH_TABLE)).lower())
