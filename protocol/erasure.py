"""A citizen's erasure as both ends name it: by a digest of the number, so the change feed that tells every
desk to erase a number does not itself keep that number."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable

from protocol.folding import fold

ENTITY = "erasure"
REDACTED_TEXT = "(Nội dung đã được xóa theo yêu cầu xóa dữ liệu cá nhân của người dân.)"
ERASED_SUBJECT = "(đã xóa)"  # what an access record says of a citizen who was erased
ERASED_WORDS = "(đã xóa)"  # written over a name or number inside a kept text (an answer, a unit's reason)
_SEPARATORS = r"[\s.\-()]*"  # how people group a number's digits: 0987 654 321, 0987.654.321, (+84) 987-…


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


def text_scrubber(phones: Iterable[str], words: Iterable[str]) -> Callable[[str], str]:
    """A kept text with the citizens' names and addresses (3+ characters, the longest first) and their numbers
    in any written form (as stored, as dialled, grouped by spaces, dots or dashes) written over. Both ends
    scrub with it, so a desk's copy reads as the server's next version of the same text will."""
    numbers = [_any_grouping(phone) for phone in phones if sum(c.isdigit() for c in phone) >= 6]
    texts = sorted({text for text in words if text and len(text) >= 3}, key=len, reverse=True)

    def scrubbed(text: str) -> str:
        for number in numbers:
            text = number.sub(ERASED_WORDS, text)
        for known in texts:
            text = text.replace(known, ERASED_WORDS)
        return text

    return scrubbed


def _any_grouping(phone: str) -> re.Pattern[str]:
    digits = "".join(c for c in phone if c.isdigit())
    if phone.startswith("+84") or (digits.startswith("84") and len(digits) >= 11):
        prefix, national = r"(?:\(\+?84\)|\+?84|0)", digits[2:]
    else:
        prefix, national = "", digits
    return re.compile(r"(?<!\d)" + prefix + _SEPARATORS + _SEPARATORS.join(national) + r"(?!\d)")
