"""The administrative area (địa bàn hành chính) of a citizen's address, as the unit catalog knows the areas.

The catalog's local governments (UBND of a commune or ward, and the districts until 2025) are the areas:
an address naming "xã Tân Khánh Đông, TP Sa Đéc" belongs to the commune, the most specific area it names.
An area the 2025 reform merged away (`merged_into`) counts under the area that absorbed it, so an old
address is counted where the province counts it now; an address naming no catalog area has its own row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from protocol.folding import kb_fold

# The catalog groups whose units are local governments, i.e. areas (the communes/wards after 2025).
AREA_GROUPS = frozenset({"xa", "huyen"})
UNKNOWN_AREA = "Chưa xác định địa bàn"

# How an address writes each kind of area (folded), the commune level first: it is the more specific.
_KINDS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("xa", ("xa", "x"), 0),
    ("phuong", ("phuong", "p"), 0),
    ("thi tran", ("thi tran", "tt"), 0),
    ("thi xa", ("thi xa", "tx"), 1),
    ("thanh pho", ("thanh pho", "tp"), 1),
    ("huyen", ("huyen", "h"), 1),
    ("quan", ("quan", "q"), 1),
)
_GOVERNMENT = re.compile(r"^(?:ubnd|uy ban nhan dan)\s+")
_NOT_A_LETTER = re.compile(r"[^a-z0-9]+")


def _fold_table() -> dict[int, str]:
    """Each precomposed letter to its folded ASCII letter, other ASCII to a space: one `translate` folds
    an address (a report reads hundreds of thousands; `kb_fold`'s decomposition took 15 µs each)."""
    table: dict[int, str] = {}
    for point in range(0x2000):
        character = chr(point)
        if character.isascii():
            table[point] = character.lower() if character.isalnum() else " "
            continue
        folded = kb_fold(character)
        if len(folded) == 1 and folded.isascii() and folded.isalnum():
            table[point] = folded
    return table


_FOLD = _fold_table()


@dataclass(frozen=True)
class CatalogArea:
    """A unit of the catalog as an area: its code, name, whether it is still one, what absorbed it."""

    code: str
    name: str
    group: str
    active: bool = True
    merged_into: str | None = None


def _folded(text: str) -> str:
    """`Số 5, Phường 1, TP. Sa Đéc` -> `so 5 phuong 1 tp sa dec`."""
    quick = text.translate(_FOLD)
    if not quick.isascii():  # decomposed marks or letters beyond the table: the slow, complete way
        quick = _NOT_A_LETTER.sub(" ", kb_fold(text))
    return " ".join(quick.split())


def area_name(unit_name: str) -> str:
    """`UBND xã Tân Khánh Đông` -> `Xã Tân Khánh Đông`: the place, as the province's tables name it."""
    bare = re.sub(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+", "", unit_name.strip(), flags=re.IGNORECASE)
    return bare[:1].upper() + bare[1:]


class AreaResolver:
    """Finds the area of an address; one per report (it remembers the addresses it has read)."""

    def __init__(self, catalog: Iterable[CatalogArea]) -> None:
        units = {unit.code: unit for unit in catalog}
        self._units = units
        self._phrases: dict[str, tuple[str, int]] = {}  # "xa tan khanh dong" -> (code, specificity)
        for unit in units.values():
            if unit.group not in AREA_GROUPS:
                continue
            folded = _GOVERNMENT.sub("", _folded(unit.name))
            for kind, spellings, rank in _KINDS:
                if folded.startswith(kind + " ") and len(folded) > len(kind) + 1:
                    place = folded[len(kind) + 1 :]
                    for spelling in spellings:
                        self._phrases.setdefault(f"{spelling} {place}", (unit.code, rank))
                    break
        self._starts = {phrase.split(" ", 1)[0] for phrase in self._phrases}
        self._longest = max((phrase.count(" ") + 1 for phrase in self._phrases), default=0)
        self._seen: dict[str, str | None] = {}

    def code_of(self, address: str) -> str | None:
        """The code of the live area `address` names (its commune before its district), or None."""
        named = self.named_code(address)
        return self._absorbing(named) if named else None

    def named_code(self, address: str) -> str | None:
        """The code of the area `address` names, merged away or not (what is stored: `current` follows the
        merges made later, and the undoing of one), or None."""
        if address in self._seen:
            return self._seen[address]
        words = _folded(address).split(" ")
        found: tuple[int, int, str] | None = None  # (specificity, position, code): the lowest wins
        for at, word in enumerate(words):
            if word not in self._starts:
                continue
            for end in range(min(len(words), at + self._longest), at + 1, -1):  # the longest name first
                named = self._phrases.get(" ".join(words[at:end]))
                if named is not None:
                    if found is None or (named[1], at) < found[:2]:
                        found = (named[1], at, named[0])
                    break
        area = found[2] if found else None
        self._seen[address] = area
        return area

    def current(self, code: str) -> str | None:
        """A code found earlier (stored): the area holding it today, or None if the catalog lost it."""
        return self._absorbing(code) if code in self._units else None

    def _absorbing(self, code: str) -> str:
        """The area that holds `code` today: it, or what it was merged into (a chain, cycles cut)."""
        seen = {code}
        unit = self._units[code]
        while unit.merged_into and unit.merged_into in self._units and unit.merged_into not in seen:
            seen.add(unit.merged_into)
            unit = self._units[unit.merged_into]
        return unit.code

    def name_of(self, code: str | None) -> str:
        if code is None or code not in self._units:
            return UNKNOWN_AREA
        return area_name(self._units[code].name)
