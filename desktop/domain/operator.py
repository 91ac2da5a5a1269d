"""Who is working: the operator's name every service writes, renamed while the desk runs."""

from __future__ import annotations


class Operator:
    """One per open desk, shared by its services: a new name (chosen, or the server account signed
    in) is written from the next save, call or access record on, without a restart."""

    def __init__(self, name: str) -> None:
        self._name = name

    @property
    def name(self) -> str:
        return self._name  # one attribute read: safe from the phone's and sync's threads too

    def rename(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"Operator({self._name!r})"


def operator_of(who: str | Operator) -> Operator:
    """A service's operator: the desk's shared one, or a fixed name (CLI commands, tests)."""
    return who if isinstance(who, Operator) else Operator(who)
