"""Hot reads: a SELECT built with SQLAlchemy, compiled once for the store, run on the driver's own cursor.

SQLAlchemy's execution costs ~50 µs a statement in Python (cache key, parameters, result wrapping), more
than an indexed read of a few encrypted pages; the caller's history runs four on the ring path. A
`PreparedRead` keeps what SQLAlchemy builds (the SQL, the order of its parameters, the columns' types)
and drops only the per-execution machinery: values still go in and come out through the columns' type
processors (a `VnDateTime` comes back a datetime).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Dialect, Select

_Processor = Callable[[Any], Any] | None


def _bind_processor(kind: Any, dialect: Dialect) -> _Processor:
    processor: _Processor = kind.dialect_impl(dialect).bind_processor(dialect)
    return processor


class PreparedRead:
    """One SELECT for one dialect: `variables` are bound at each run, every other parameter (constants, a
    literal LIMIT given in `fixed`) is rendered or processed here, once."""

    def __init__(
        self,
        statement: Select[*tuple[Any, ...]],
        dialect: Dialect,
        variables: Sequence[str],
        fixed: dict[str, Any] | None = None,
    ) -> None:
        compiled = statement.compile(dialect=dialect)
        placeholders = {name: None for name in variables}
        state = compiled.construct_expanded_state({**placeholders, **(fixed or {})})
        self.sql = state.statement
        binds = compiled.binds
        self._slots: list[tuple[str | None, Any, _Processor]] = []
        for name in state.positiontup or ():
            processor = _bind_processor(binds[name].type, dialect) if name in binds else None
            if name in placeholders:
                self._slots.append((name, None, processor))
            else:
                value = state.parameters[name]
                self._slots.append((None, processor(value) if processor else value, None))
        processors = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        ]
        self._results = [(index, p) for index, p in enumerate(processors) if p is not None]

    def rows(self, cursor: Any, **values: Any) -> list[tuple[Any, ...]]:
        """The rows for `values` (one per variable), read on `cursor` (a DB-API cursor of the store)."""
        arguments = tuple(
            constant if name is None else (processor(values[name]) if processor else values[name])
            for name, constant, processor in self._slots
        )
        fetched = cursor.execute(self.sql, arguments).fetchall()
        if not self._results:
            return [tuple(row) for row in fetched]
        rows = []
        for row in fetched:
            values_out = list(row)
            for index, processor in self._results:
                values_out[index] = processor(values_out[index])
            rows.append(tuple(values_out))
        return rows
