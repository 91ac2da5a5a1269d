"""What the engine reads: the ticket, call and unit columns it is handed, and the codes it counts."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Self

from sqlalchemy import ColumnElement
from sqlalchemy.sql.expression import ColumnCollection

from protocol.vocabulary import vocabulary

Column = ColumnElement[Any]


class _Named:
    """Columns taken by name from a table that names them as the desktop's and the server's do."""

    _renamed: ClassVar[dict[str, str]] = {}

    @classmethod
    def of(cls, table: ColumnCollection[str, Any], **instead: Column) -> Self:
        """`table.c`'s columns of these names; `instead` replaces some (an expression over one)."""
        chosen = {
            field.name: instead.get(field.name, table[cls._renamed.get(field.name, field.name)])
            for field in fields(cls)  # type: ignore[arg-type]
        }
        return cls(**chosen)


@dataclass(frozen=True)
class TicketColumns(_Named):
    """Columns of the tickets table (one table: every column must come from it)."""

    _renamed: ClassVar[dict[str, str]] = {"unit": "unit_code"}

    received_at: Column  # aware timestamp (the desktop stores it as ISO text with +07:00)
    unit: Column  # unit code; NULL means the hotline handled it itself
    channel: Column
    request_type: Column
    level: Column
    status: Column
    is_tthc: Column
    satisfaction: Column
    dissatisfaction_reason: Column


@dataclass(frozen=True)
class CallColumns(_Named):
    started_at: Column
    direction: Column
    outcome: Column


@dataclass(frozen=True)
class UnitColumns(_Named):
    """The unit catalog: every unit ever used, renamed, merged or retired (never deleted)."""

    code: Column
    name: Column
    active: Column
    sort_order: Column


@dataclass(frozen=True)
class Vocabulary:
    """The codes of DOMAIN.md, in the order the tables show them; every one appears even at 0."""

    channels: tuple[str, ...]
    request_types: tuple[str, ...]
    levels: tuple[int, ...]
    dissatisfaction_reasons: tuple[str, ...]
    resolved: str  # status
    in_progress: str  # status
    satisfied: str
    dissatisfied: str
    no_response: str
    not_rated: str
    attitude: str  # request type: complaint about a civil servant's attitude
    late: str  # request type: complaint about late handling of a procedure
    inbound: str  # call direction
    outbound: str
    missed_outcomes: tuple[str, ...]  # inbound calls nobody answered
    hotline_unit: str | None  # tickets with no unit are the hotline's own (DOMAIN.md: "or the hotline")
    unassigned_name: str = "Chưa giao đơn vị"  # their row's name when the catalog has no hotline unit


def report_codes(hotline_unit: str | None) -> Vocabulary:
    """The codes the report counts, from the one vocabulary (protocol/vocabulary.json): the desk and
    the server count the same codes in the same order, a new channel included."""
    data = vocabulary()
    status, satisfaction = data["status"], data["satisfaction"]
    request_type, direction = data["request_type"], data["call_direction"]
    return Vocabulary(
        channels=data["channel"].codes(),
        request_types=request_type.codes(),
        levels=data["level"].codes(),
        dissatisfaction_reasons=data["dissatisfaction_reason"].codes(),
        resolved=status.one_with_role("resolved"),
        in_progress=status.one_with_role("in_progress"),
        satisfied=satisfaction.one_with_role("satisfied"),
        dissatisfied=satisfaction.one_with_role("dissatisfied"),
        no_response=satisfaction.one_with_role("no_response"),
        not_rated=satisfaction.one_with_role("not_rated"),
        attitude=request_type.one_with_role("attitude"),
        late=request_type.one_with_role("late"),
        inbound=direction.one_with_role("inbound"),
        outbound=direction.one_with_role("outbound"),
        missed_outcomes=data["call_outcome"].with_role("missed"),
        hotline_unit=hotline_unit,
    )


@dataclass(frozen=True)
class ReportSource:
    tickets: TicketColumns
    calls: CallColumns
    units: UnitColumns
    codes: Vocabulary
