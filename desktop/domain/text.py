"""Vietnamese text folded for matching: no diacritics, đ as d, lower case, single spaces."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_D_TABLE = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """`Tân Hồng` and `tan  hong` fold to the same `tan hong`."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_TABLE))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


@lru_cache(maxsize=4096)
def fold_cached(text: str) -> str:
    """`fold` for the small vocabularies (unit names, aliases) that repeat on every row."""
    return fold(text)
