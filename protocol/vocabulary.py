"""The one business vocabulary (`vocabulary.json`): every code set, its Vietnamese labels and table order.

The desk builds its enums from it, the server checks pushed codes against it, the reports name and order
their columns by it. Stdlib only: the server and the desk both import it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Term:
    """One code of a set: stored as `code`, shown as `label`; `name` is what code may call it."""

    code: Any  # str, or int for levels
    name: str
    label: str
    role: str = ""  # what the report counts it as (resolved, satisfied, missed, ...)
    in_text: str = ""  # how the bulletin's sentences name it, when it differs from the label


@dataclass(frozen=True)
class CodeSet:
    enum: str
    description: str
    terms: tuple[Term, ...]

    def codes(self) -> tuple[Any, ...]:
        return tuple(term.code for term in self.terms)

    def labels(self) -> dict[Any, str]:
        return {term.code: term.label for term in self.terms}

    def label(self, code: Any) -> str:
        """The label of `code`; a code this version does not know is shown as itself, never dropped."""
        return self.labels().get(code, str(code))

    def with_role(self, role: str) -> tuple[Any, ...]:
        return tuple(term.code for term in self.terms if term.role == role)

    def one_with_role(self, role: str) -> Any:
        (code,) = self.with_role(role)
        return code


@dataclass(frozen=True)
class Vocabulary:
    version: int
    sets: dict[str, CodeSet]

    def __getitem__(self, name: str) -> CodeSet:
        return self.sets[name]


def parse_vocabulary(data: dict[str, Any]) -> Vocabulary:
    """The vocabulary from its JSON form; ValueError naming what is wrong."""
    sets: dict[str, CodeSet] = {}
    for name, raw in data["sets"].items():
        terms = tuple(
            Term(
                code=term["code"],
                name=term["name"],
                label=term["label"],
                role=term.get("role", ""),
                in_text=term.get("in_text", ""),
            )
            for term in raw["terms"]
        )
        codes = [term.code for term in terms]
        if len(set(codes)) != len(codes) or len({term.name for term in terms}) != len(terms):
            raise ValueError(f"code set {name}: a code or a name appears twice")
        sets[name] = CodeSet(enum=raw["enum"], description=raw["description"], terms=terms)
    return Vocabulary(version=int(data["version"]), sets=sets)


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary shipped with this version (protocol/vocabulary.json)."""
    text = resources.files("protocol").joinpath("vocabulary.json").read_text(encoding="utf-8")
    return parse_vocabulary(json.loads(text))
