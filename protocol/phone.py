"""Phone numbers: one policy for every number stored, typed, imported, from the switchboard or pushed.

The desk stores numbers by it and the server checks every pushed number by it (`synced_phone`), so a
number one end keeps the other never refuses, and junk one end refuses the other never keeps.

- a number `phonenumbers` validates: E.164 (`+84912345678`);
- a number shaped like a Vietnamese one but not in `phonenumbers`' ranges (its metadata lags new
  allocations; numbers are typed from dictation): E.164 too, and *unverified*;
- a foreign number: E.164 (unverified when only possible);
- a service short code: its digits (`1022`);
- a withheld caller: HIDDEN_PHONE, a value no typed number can equal (never "", which would match
  every other unknown caller).
Only what cannot be a number at all (letters, too short, too long) is refused.
"""

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
HIDDEN_PHONE = "an-so"  # stored for a withheld caller; display_phone shows it as HIDDEN_LABEL
HIDDEN_LABEL = "Số ẩn"
UNVERIFIED_WARNING = "Số này chưa có trong danh bạ nhà mạng — hãy đọc lại cho người dân"
# What switchboards put in From/PAI for a withheld number (compared case-folded).
_WITHHELD_USERS = frozenset(
    {"", "anonymous", "anonymous.invalid", "unknown", "restricted", "private", "withheld"}
)
# National significant numbers shaped like Vietnamese ones: mobiles (9 digits, 3/5/7/8/9) and
# landlines (10 digits, 2 and the area code).
_VN_SHAPE = re.compile(r"^(?:[35789]\d{8}|2\d{9})$")


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
    if _possible_but_unlisted(parsed):
        return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    raise InvalidPhoneNumber(
        f"«{raw}» không phải số điện thoại Việt Nam hợp lệ: di động có 10 chữ số bắt đầu bằng "
        "03, 05, 07, 08, 09; máy bàn bắt đầu bằng 02 và mã vùng."
    )


def _possible_but_unlisted(parsed: phonenumbers.PhoneNumber) -> bool:
    if parsed.country_code == 84:
        return bool(_VN_SHAPE.match(phonenumbers.national_significant_number(parsed)))
    return phonenumbers.is_possible_number(parsed)


@lru_cache(maxsize=1 << 16)
def is_unverified(stored: str) -> bool:
    """A stored E.164 number `phonenumbers` does not list as allocated: kept, with a warning."""
    if not stored.startswith("+"):
        return False
    return not phonenumbers.is_valid_number(phonenumbers.parse(stored, None))


def is_hidden(stored: str) -> bool:
    return stored == HIDDEN_PHONE


def caller_phone(user: str) -> str:
    """The stored form of a call's other party: a From/PAI user part, or a number dialled.

    Withheld (`anonymous`, empty) and anything that cannot be a number is HIDDEN_PHONE, so the call is
    still logged and counted; RFC 3966 parameters (`;phone-context=...`) are dropped.
    """
    number = (user or "").split(";", 1)[0].strip()
    if number == HIDDEN_PHONE or number.casefold() in _WITHHELD_USERS:
        return HIDDEN_PHONE
    try:
        return normalize_phone(number)
    except InvalidPhoneNumber:
        compact = _SEPARATORS.sub("", number)
        if _is_extension(compact):
            return compact  # an extension of the switchboard or an odd trunk number: logged as dialled
        return HIDDEN_PHONE


def synced_phone(value: str, *, call: bool) -> str:
    """The stored form of a number another end sent, by the same policy; raises InvalidPhoneNumber.

    A ticket may have no number (""); a call's other party is never "" (a withheld caller is
    HIDDEN_PHONE) and may be an extension of the switchboard, kept as its digits as `caller_phone` does.
    Letters, too short or too long are refused with the message typing them gives.
    """
    if value == HIDDEN_PHONE or (not value and not call):
        return value
    try:
        return normalize_phone(value)
    except InvalidPhoneNumber:
        if call and _is_extension(value):
            return value
        raise


def known_phone(raw: str) -> str:
    """The stored form to look a party up by (history, callbacks): what `normalize_phone` gives, or the
    digits of a switchboard extension that `caller_phone` logged (`1002`); raises InvalidPhoneNumber."""
    try:
        return normalize_phone(raw)
    except InvalidPhoneNumber:
        compact = _SEPARATORS.sub("", raw or "")
        if _is_extension(compact):
            return compact
        raise


def _is_extension(number: str) -> bool:
    return number.isascii() and number.isdigit() and len(number) <= 15


def try_normalize_phone(raw: str) -> str | None:
    """The stored form, or None when `raw` is not (yet) a valid number: for search-as-you-type."""
    try:
        return normalize_phone(raw)
    except InvalidPhoneNumber:
        return None


@lru_cache(maxsize=1 << 16)
def display_phone(stored: str) -> str:
    """The local form an operator reads: `0912 345 678` for Vietnamese numbers, "Số ẩn" for a withheld one."""
    if stored == HIDDEN_PHONE:
        return HIDDEN_LABEL
    if not stored.startswith("+"):
        return stored
    parsed = phonenumbers.parse(stored, None)
    if parsed.country_code != 84:
        return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
    digits = _SEPARATORS.sub("", national)
    if not phonenumbers.is_valid_number(parsed):
        digits = "0" + phonenumbers.national_significant_number(parsed)
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}" if len(digits) == 10 else digits
    if phonenumbers.number_type(parsed) == PhoneNumberType.MOBILE and len(digits) == 10:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    return national


def phone_search_prefixes(raw: str) -> list[str]:
    """Stored-form prefixes a typed number can start (search and suggestions), [] if not digits.

    A Vietnamese number in any form (`0892 000`, `84892`, `+84892`) is `+84...`, listed or not; a
    foreign one typed with its `+` is itself; a short code or an extension (`1022`) is also its digits.
    """
    compact = _SEPARATORS.sub("", raw or "")
    digits = phone_prefix_digits(compact)
    if not digits:
        return []
    if compact.startswith("+") and not compact.startswith("+84"):
        return [compact]
    prefixes = ["+84" + digits]
    if not compact.startswith(("0", "+", "84")):
        prefixes.append(compact)
    return prefixes


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
