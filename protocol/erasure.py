"""A citizen's erasure as both ends name it: by a digest of the number, so the change feed that tells every
desk to erase a number does not itself keep that number."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from protocol.folding import fold

ENTITY = "erasure"
REDACTED_TEXT = "(Nội dung đã được xóa theo yêu cầu xóa dữ liệu cá nhân của người dân.)"
ERASED_SUBJECT = "(đã xóa)"  # what an access record says of a citizen who was erased


def phone_digest(phone_e164: str) -> str:
    return hashlib.sha256(f"tongdai1022-erasure:{phone_e164}".encode()).hexdigest()


def search_matcher(phones: Iterable[str], words: Iterable[str]) -> Callable[[str], bool]:
    """Whether a search typed on a ticket list (kept as typed: folded, partial) names the citizens: a word
    of their names or addresses (3+ letters), or six or more digits of their numbers in any written form.
    Built once for an erasure, asked of every search kept."""
    names = {fold(word) for text in words for word in text.split() if len(word) >= 3}
    numbers = {form for phone in phones for form in _written_forms(phone)}

    def names_them(typed: str) -> bool:
        digits = "".join(character for character in typed if character.isdigit())
        by_number = len(digits) >= 6 and any(digits in number for number in numbers)
        return by_number or not names.isdisjoint(fold(typed).split())

    return names_them


def _written_forms(phone_e164: str) -> tuple[str, str]:
    digits = phone_e164.lstrip("+")
    return digits, ("0" + digits[2:] if digits.startswith("84") else digits)
