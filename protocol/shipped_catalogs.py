"""The catalogs every desk ships (resources/catalogs/), read as reference entries.

The server checks a ticket's unit and field against its own catalog tables laid over these: a desk
names the units it shipped with before the centre's admin has entered a single one on the server. Its
deadlines count the shipped holidays and level rules under its own rows alike, so a desk's days left
and the server's deadline agree before an admin has entered a single holiday.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from protocol.contract import CatalogEntry

_HERE = Path(__file__).resolve().parent
# A source tree, the server's wheel (packaging/server ships them as protocol/_catalogs), the desk's wheel.
_PLACES = (
    _HERE.parent / "resources" / "catalogs",
    _HERE / "_catalogs",
    _HERE.parent / "desktop" / "_resources" / "catalogs",
)
_FILES = {"unit": ("units.json", "units"), "field": ("fields.json", "fields")}


def _shipped(filename: str) -> dict[str, Any]:
    for place in _PLACES:
        path = place / filename
        if path.is_file():
            found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return found
    raise FileNotFoundError(f"Không tìm thấy danh mục {filename} đi kèm phần mềm.")


@cache
def shipped_entries(kind: str) -> dict[str, CatalogEntry]:
    """code -> entry of the shipped catalog `kind` ("unit" or "field")."""
    filename, key = _FILES[kind]
    return {
        item["code"]: CatalogEntry(item["name"], item.get("active", True), item.get("merged_into"))
        for item in _shipped(filename)[key]
    }


@cache
def shipped_deadline_days() -> dict[int, int]:
    """level -> working days to answer, as every desk ships it: the server's rule for a level until its
    admin enters one, so the deadline a desk shows before forwarding is the one the server sets."""
    return {
        int(item["level"]): int(item["deadline_working_days"]) for item in _shipped("levels.json")["levels"]
    }


@cache
def shipped_days() -> dict[date, bool]:
    """day -> is it worked: the shipped holidays (False) and the Saturdays worked in a swap (True); the
    server's calendar until its admin enters a day, so its deadlines count as every desk's days left."""
    catalog = _shipped("holidays.json")
    days = {date.fromisoformat(item["date"]): False for item in catalog["holidays"]}
    days.update((date.fromisoformat(item["date"]), True) for item in catalog.get("extra_working_days", []))
    return days
