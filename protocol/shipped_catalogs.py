"""The unit and field catalogs every desk ships (resources/catalogs/), read as reference entries.

The server checks a ticket's unit and field against its own catalog tables laid over these: a desk
names the units it shipped with before the centre's admin has entered a single one on the server.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from protocol.contract import CatalogEntry

_HERE = Path(__file__).resolve().parent
# A source tree, the server's wheel (packaging/server ships them as protocol/_catalogs), the desk's wheel.
_PLACES = (
    _HERE.parent / "resources" / "catalogs",
    _HERE / "_catalogs",
    _HERE.parent / "desktop" / "_resources" / "catalogs",
)
_FILES = {"unit": ("units.json", "units"), "field": ("fields.json", "fields")}


@cache
def shipped_entries(kind: str) -> dict[str, CatalogEntry]:
    """code -> entry of the shipped catalog `kind` ("unit" or "field")."""
    filename, key = _FILES[kind]
    for place in _PLACES:
        path = place / filename
        if path.is_file():
            items = json.loads(path.read_text(encoding="utf-8"))[key]
            return {
                item["code"]: CatalogEntry(item["name"], item.get("active", True), item.get("merged_into"))
                for item in items
            }
    raise FileNotFoundError(f"Không tìm thấy danh mục {filename} đi kèm phần mềm.")
