"""Vietnamese text folded for matching: no diacritics, đ as d, lower case, single spaces."""

from __future__ import annotations

from functools import lru_cache

from protocol.folding import fold

__all__ = ["fold", "fold_cached"]


@lru_cache(maxsize=4096)
def fold_cached(text: str) -> str:
    """`fold` for the small vocabularies (unit names, aliases) that repeat on every row."""
    return fold(text)
