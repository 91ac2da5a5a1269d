"""Phone numbers: one stored form (E.164, or the bare short code) and the local form shown."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

DEFAULT_REGION = "VN"
_SEPARATORS = re.compile(r"[\s.\-()/]+")
_PLAUSIBLE = re.compile(r"^\+?\d{3,15}$")
# Public-service short codes phonenumbers does not know (1022 itself among them).
SERVICE_SHORT_CODES = frozenset({"1022", "111", "112", "113", "114", "115"})


class InvalidPhoneNumber(ValueError):
    """A phone number that cannot be a Vietnamese caller's number; the message is for the operator."""


@lru_cache(maxsize=1 << 18)
def normalize_phone(raw: str) -> str:
    """E.164 for full numbers (`+84912345678`), the digits for short codes (`1022`)."""
    compact = _SEPARATORS.sub("", raw or "")
    if not compact:
        raise InvalidPhoneNumber("Chưa nhập số điện thoại.")
    if not _PLAUSIBLE.match(compact):
        raise InvalidPhoneNumber(
            f"«{raw}» không phải số điện thoại: chỉ được có chữ số, dấu cách, dấu chấm "
            "và dấu + ở đầu (ví dụ 0912 345 678 hoặc +84 912 345 678)."
        )
    if compact.startswith("84") and len(compact) in (11, 12):
        compact = "+" + compact
    try:
        parsed = phonenumbers.parse(compact, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneNumber(f"«{raw}» không phải số điện thoại hợp lệ.") from error
    if phonenumbers.is_valid_number(parsed):
        return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    if not compact.startswith("+") and (
        compact in SERVICE_SHORT_CODES
        or phonenumbers.is_valid_short_number_for_region(parsed, DEFAULT_REGION)
    ):
        return compact
    raise InvalidPhoneNumber(
        f"«{raw}» không phải số điện thoại Việt Nam hợp lệ: di động có 10 chữ số bắt đầu bằng "
        "03, 05, 07, 08, 09; máy bàn bắt đầu bằng 02 và mã vùng."
    )


def try_normalize_phone(raw: str) -> str | None:
    """The stored form, or None when `raw` is not (yet) a valid number: for search-as-you-type."""
    try:
        return normalize_phone(raw)
    except InvalidPhoneNumber:
        return None


@lru_cache(maxsize=1 << 16)
def display_phone(stored: str) -> str:
    """The local form an operator reads: `0912 345 678` for Vietnamese numbers."""
    if not stored.startswith("+"):
        return stored
    parsed = phonenumbers.parse(stored, None)
    if parsed.country_code != 84:
        return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
    digits = _SEPARATORS.sub("", national)
    if phonenumbers.number_type(parsed) == PhoneNumberType.MOBILE and len(digits) == 10:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    return national


def phone_prefix_digits(raw: str) -> str | None:
    """National significant digits typed so far (for prefix search), None if not digits."""
    compact = _SEPARATORS.sub("", raw or "")
    if not compact or not _PLAUSIBLE.match(compact):
        return None
    if compact.startswith("+84"):
        return compact[3:]
    if compact.startswith("84") and len(compact) > 9:
        return compact[2:]
    return compact.removeprefix("0")
