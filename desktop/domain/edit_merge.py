"""Merging an operator's edit with a change saved elsewhere meanwhile (a survey, a pull, another window)."""

from __future__ import annotations

from dataclasses import fields, replace

from desktop.domain.ticket import TicketDraft

# Fields that only make sense together: an edit of one carries the other.
_TIED = (
    frozenset({"is_tthc", "tthc_code"}),
    frozenset({"satisfaction", "dissatisfaction_reason"}),
)


def with_tied_fields(edited: frozenset[str]) -> frozenset[str]:
    grown = set(edited)
    for group in _TIED:
        if grown & group:
            grown |= group
    return frozenset(grown)


def merge_edit(
    loaded: TicketDraft, mine: TicketDraft, latest: TicketDraft, edited: frozenset[str]
) -> tuple[TicketDraft, list[str]]:
    """The latest ticket with the operator's edited fields on top, and the fields changed on both sides.

    `loaded` is the ticket as the form showed it, `mine` what the form holds now, `latest` the ticket
    as saved elsewhere since; `edited` names the fields the operator touched. A clash is a field both
    sides changed to different values: the operator's value is kept, the caller decides what to do.
    """
    edited = with_tied_fields(edited)
    known = {field.name for field in fields(TicketDraft)}
    taken = {name: getattr(mine, name) for name in edited if name in known}
    clashes = [
        name
        for name in sorted(taken)
        if getattr(latest, name) != getattr(loaded, name) and getattr(latest, name) != taken[name]
    ]
    return replace(latest, **taken), clashes
