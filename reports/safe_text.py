"""User-typed text in exported files: always text, never a formula, never a character XML refuses.

A unit's name or code comes from whoever edited the catalog or pushed a ticket; `=HYPERLINK(...)` in it
must open in Excel as those characters, and a NUL must not crash the export.
"""

from __future__ import annotations

import re

# What XML 1.0 refuses (so do openpyxl and python-docx) and what no report should carry.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` without control characters or lone surrogates (each becomes a space)."""
    return _UNPRINTABLE.sub(" ", text)
