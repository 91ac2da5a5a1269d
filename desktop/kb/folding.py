"""Folding for the knowledge base: one function at index and query time, words, and accent keys."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# The folding itself is protocol's: the server's published answers are searched with the same one.
from protocol.folding import ETH_TABLE, kb_fold, raw_words, words

__all__ = ["accent_key", "has_marks", "kb_fold", "raw_words", "words"]


@lru_cache(maxsize=65536)
def accent_key(word: str) -> str:
    """A word's letters and its set of marks, so `hoà`/`hòa` and `thuỷ`/`thủy` compare equal.

    Vietnamese puts the tone mark on one vowel or the next depending on the style (old or new);
    both spell the same syllable, so the key keeps which marks the word has, not where they sit.
    """
    lowered = word.translate(ETH_TABLE).lower()
    decomposed = unicodedata.normalize("NFD", lowered)
    marks = "".join(sorted(ch for ch in decomposed if unicodedata.combining(ch)))
    base = kb_fold(lowered)
    return f"{base}|{marks}{'đ' if 'đ' in lowered else ''}"


def has_marks(word: str) -> bool:
    """Whether the operator typed any diacritic (or đ) in this word."""
    return not accent_key(word).endswith("|")
