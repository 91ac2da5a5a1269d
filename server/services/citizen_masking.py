"""What a ticket's texts show of the citizen outside the desks (least access): phone and ID numbers however
they are written, ID documents named in the text, the citizen's name and how people call them, and for
the citizen look-up their home address too."""

from __future__ import annotations

import re

MASK = "•••"
NUMBER_MASK = "•••• ••• •••"

# A number as people type one: digits with single spaces, dots, dashes or brackets between them
# ("0912 345 678", "(028) 3822 1234", "001.203.004.567", "+84 912-345-678").
_NUMBER = re.compile(r"(?<![\w+])\+?\(?\d(?:[ .\-()]{0,2}\d)*")
_LONG_ENOUGH = 9  # an ID card has 9 (CMND) or 12 (CCCD) digits, a phone 10-11: fewer is a count or a year
# "1.500.000.000 đồng" is an amount the unit must read, not a number of a person
_MONEY_AFTER = re.compile(r"\s*(?:đồng|đ|vnđ|vnd|triệu|tỷ)\b", re.IGNORECASE)
# The document named, then its number whatever its shape ("hộ chiếu C1234567", "CMND số: 123456789")
_ID_DOCUMENT = re.compile(
    r"(?P<name>\b(?:CCCD|CMND|CMT|căn cước(?: công dân)?|chứng minh(?: nhân dân| thư)?|hộ chiếu|"
    r"định danh(?: cá nhân)?|mã số thuế|MST|passport)\b[\s:.,]*(?:số\b[\s:.]*)?)"
    r"(?P<number>[A-Z0-9](?:[ .\-]?[A-Z0-9]){5,15})(?![\w])",
    re.IGNORECASE,
)
# An address's administrative parts (the commune, the province) say where, not who: they stay readable.
_AREA = re.compile(r"^(xã|phường|thị trấn|thị xã|huyện|quận|thành phố|tp\.?|tỉnh)\b", re.IGNORECASE)


def masked_phone(phone: str) -> str:
    """Only the last three digits: enough to tell two callers apart, not to call one."""
    digits = re.sub(r"\D", "", phone)
    return "•••• ••• " + digits[-3:] if len(digits) >= 6 else "••••"


def masked_numbers(text: str) -> str:
    """Phone and ID numbers written in `text` masked whole, however grouped; amounts of money kept."""
    text = _ID_DOCUMENT.sub(_id_document, text)

    def number(match: re.Match[str]) -> str:
        found = match.group(0)
        if sum(ch.isdigit() for ch in found) < _LONG_ENOUGH or _MONEY_AFTER.match(text, match.end()):
            return found
        return NUMBER_MASK

    return _NUMBER.sub(number, text)


def _id_document(match: re.Match[str]) -> str:
    number = match.group("number")
    if not any(ch.isdigit() for ch in number):  # "làm hộ chiếu online": a word, not a number
        return match.group(0)
    return match.group("name") + NUMBER_MASK


def masked_citizen(text: str, name: str, address: str = "") -> str:
    """`text` with the citizen's name masked (the whole name and how people are called: the given name,
    the last two words; not a middle name alone, "Văn phòng" stays), the parts of `address` below the
    commune when one is given, and every phone and ID number."""
    words = name.split()
    parts = {" ".join(words), " ".join(words[-2:]), *words[-1:]}
    if address.strip():
        pieces = [piece.strip() for piece in address.split(",")]
        parts |= {address.strip(), *(piece for piece in pieces if not _AREA.match(piece))}
    for part in sorted((p for p in parts if len(p) >= 2), key=len, reverse=True):
        # whole words as written (capitalised in a name): "An" is masked, "an toàn" is not
        text = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", MASK, text)
    return masked_numbers(text)
