"""The desk's name for the one number policy, kept in `protocol.phone` (the server checks by it too)."""

from __future__ import annotations

from protocol.phone import (
    HIDDEN_LABEL,
    HIDDEN_PHONE,
    SERVICE_SHORT_CODES,
    UNVERIFIED_WARNING,
    InvalidPhoneNumber,
    caller_phone,
    display_phone,
    is_hidden,
    is_unverified,
    known_phone,
    normalize_phone,
    phone_prefix_digits,
    phone_search_prefixes,
    try_normalize_phone,
)

__all__ = [
    "HIDDEN_LABEL",
    "HIDDEN_PHONE",
    "SERVICE_SHORT_CODES",
    "UNVERIFIED_WARNING",
    "InvalidPhoneNumber",
    "caller_phone",
    "display_phone",
    "is_hidden",
    "is_unverified",
    "known_phone",
    "normalize_phone",
    "phone_prefix_digits",
    "phone_search_prefixes",
    "try_normalize_phone",
]
