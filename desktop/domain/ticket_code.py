"""Readable ticket codes that many offline desktops create at once without colliding."""

from __future__ import annotations

import re
import uuid
from datetime import date

# Crockford base32: no I, L, O, U, so codes read aloud over the phone are unambiguous.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_PATTERN = re.compile(r"^\d{6}-[0-9A-HJKMNP-TV-Z]{5}-\d{4,}$")


def desk_tag(client_id: uuid.UUID) -> str:
    """Five base32 characters from the desktop's client id (2^25 values)."""
    value = client_id.int >> (128 - 25)
    return "".join(_ALPHABET[(value >> shift) & 31] for shift in (20, 15, 10, 5, 0))


def format_ticket_code(day: date, tag: str, sequence: int) -> str:
    """`261122-7KQ2M-0042`: the day, the desktop, that desktop's count of the day.

    The ticket's UUID is its identity; the code is for people. Two desktops share a code only if
    their tags collide, which the server detects when it first sees a client id.
    """
    return f"{day:%y%m%d}-{tag}-{sequence:04d}"


def new_ticket_id() -> str:
    return str(uuid.uuid4())
