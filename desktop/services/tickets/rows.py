"""The one definition of writing a ticket row: its columns, its snapshot, its search words, and how a
row goes in with its index entry, history row and outbox entry.

Three entry points share these definitions, each at the speed its caller needs:

- one ticket through the ORM session (`add_ticket`, `TicketEdit`): the form's service, the survey's
  rating, a settled conflict;
- many tickets through the import's sqlite3 cursor (`write_bulk`, executemany of ready tuples in
  `BULK_COLUMNS` order);
- one pulled change through the pull's sqlite3 cursor (`insert_pulled`, `update_pulled`,
  `delete_pulled`): the server's version, so no history and no outbox entry.

The columns come from the store's model (`models.Ticket`), the synced ones from the protocol
(`protocol.TICKET_FIELDS`): a new plain field is a column there and a name there, not a list here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import Connection, Table, delete, update
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.orm import Session

from desktop.domain.codes import HistoryAction
from desktop.services.outbox import append_mutation, server_base_version
from desktop.services.tickets.search_index import (
    FTS_DELETE_SQL,
    FTS_FILL_RANGE_SQL,
    FTS_INSERT_SQL,
    SEARCHED_COLUMNS,
    index_ticket,
    searchable_text,
)
from desktop.store import models
from protocol import STAMPED_TICKET_FIELDS, TICKET_FIELDS


def _ticket_table() -> Table:
    table = models.Ticket.__table__
    assert isinstance(table, Table)
    return table


TABLE = _ticket_table()
COLUMNS: tuple[str, ...] = tuple(column.name for column in TABLE.columns)
# What history, the outbox and the sync carry of a ticket: the protocol's list, in its order.
SNAPSHOT_FIELDS: tuple[str, ...] = TICKET_FIELDS
# Set by whoever stored the row: a difference in these alone is not a change to show or count.
BOOKKEEPING = frozenset({"created_at", "updated_at", "created_by", "updated_by"})
# The columns a desk keeps for itself; every other column is synced (tests/desktop/test_ticket_rows.py).
LOCAL_COLUMNS = frozenset({"pk", "id", "version"}) | BOOKKEEPING
# Who took a step (called back, resolved): the server stamps them from the account that pushed the step, the
# pull brings them; this desk writes its own operator's name meanwhile. Never in a snapshot, never pushed.
STAMP_COLUMNS = frozenset(STAMPED_TICKET_FIELDS.values())


def stamp_steps(row: models.Ticket, changed: Collection[str], actor: str) -> None:
    """Who took each step whose moment `changed`: `actor`, or nobody when the moment was emptied."""
    for moment, stamp in STAMPED_TICKET_FIELDS.items():
        if moment in changed:
            setattr(row, stamp, actor if getattr(row, moment) is not None else None)


# ---- what a row is, as values -------------------------------------------------------------------


def ticket_snapshot(row: models.Ticket | Mapping[str, Any]) -> dict[str, Any]:
    """The ticket as JSON-ready values: what history and the outbox record.

    `row` is a stored ticket or the column values of one (the outbox reader reads imported tickets
    with SQLAlchemy Core and records the same snapshot).
    """
    get: Callable[[str], Any] = row.__getitem__ if isinstance(row, Mapping) else partial(getattr, row)
    values: dict[str, Any] = {}
    for name in SNAPSHOT_FIELDS:
        value = get(name)
        values[name] = value.isoformat() if isinstance(value, date) else value  # datetime too
    return values


def ticket_search_body(row: models.Ticket | Mapping[str, Any]) -> str:
    """What the free-text index keeps for a ticket (a stored ticket or its column values).

    The code and the phone number are not in it: they have indexes of their own, which the search
    uses for a typed token with a digit (a million unique tokens would double the index's cost).
    """
    parts = _SEARCHED_ATTRIBUTES(row) if isinstance(row, models.Ticket) else _SEARCHED_VALUES(row)
    return searchable_text(*parts)  # it skips the empty (and None) parts


_SEARCHED_ATTRIBUTES = attrgetter(*SEARCHED_COLUMNS)
_SEARCHED_VALUES = itemgetter(*SEARCHED_COLUMNS)


# ---- one ticket through the ORM: the form, surveys, conflicts ------------------------------------


def add_ticket(session: Session, row: models.Ticket, *, actor: str, at: datetime) -> None:
    """A new ticket: its row, its index entry, its `tao` history row and its `create` mutation."""
    stamp_steps(row, STAMPED_TICKET_FIELDS, actor)
    session.add(row)
    session.flush()
    index_ticket(session, row.pk, ticket_search_body(row))
    snapshot = ticket_snapshot(row)
    write_history(
        session,
        row.id,
        at,
        actor,
        HistoryAction.CREATED,
        {name: [None, value] for name, value in snapshot.items()},
    )
    append_mutation(session, entity="ticket", entity_id=row.id, op="create", payload=snapshot)


@dataclass(frozen=True)
class TicketEdit:
    """A stored ticket being changed: what it was, so that history, the outbox and the index can say
    what changed. `begin` before setting the new values, `write` after."""

    row: models.Ticket
    before: dict[str, Any]
    indexed_body: str

    @classmethod
    def begin(cls, row: models.Ticket) -> TicketEdit:
        return cls(row, ticket_snapshot(row), ticket_search_body(row))

    def changes(self) -> dict[str, list[Any]]:
        """{field: [before, after]} of the synced fields that differ now."""
        after = ticket_snapshot(self.row)
        return {name: [self.before[name], after[name]] for name in after if self.before[name] != after[name]}

    def write(
        self,
        session: Session,
        changes: dict[str, list[Any]],
        *,
        actor: str,
        at: datetime,
        action: HistoryAction = HistoryAction.UPDATED,
        mutation: bool = True,
    ) -> None:
        """The new version: version and bookkeeping, the index when the words changed, the history
        row, and (unless the caller sends its own) the `update` mutation with the values before."""
        row = self.row
        row.version += 1
        row.updated_at = at
        row.updated_by = actor
        stamp_steps(row, changes, actor)
        body = ticket_search_body(row)
        if body != self.indexed_body:  # the index keeps no text: the old words go as they went in
            index_ticket(session, row.pk, body, old_body=self.indexed_body)
        write_history(session, row.id, at, actor, action, changes)
        if mutation:
            append_mutation(
                session,
                entity="ticket",
                entity_id=row.id,
                op="update",
                payload={
                    "changes": {name: values[1] for name, values in changes.items()},
                    "before": {name: values[0] for name, values in changes.items()},
                },
                base_version=server_base_version(session, "ticket", row.id),
            )


def write_history(
    session: Session,
    ticket_id: str,
    at: datetime,
    actor: str,
    action: HistoryAction,
    changes: dict[str, Any],
) -> None:
    session.add(
        models.TicketHistory(
            ticket_id=ticket_id,
            at=at,
            actor=actor,
            action=action.value,
            changes=json.dumps(changes, ensure_ascii=False, default=str),
        )
    )


# ---- many tickets through the import's cursor ------------------------------------------------------

# A bulk row's values in this order; citizen_id is looked up by the INSERT itself from the phone.
BULK_COLUMNS: tuple[str, ...] = tuple(name for name in COLUMNS if name != "citizen_id")
_PHONE_PARAM = f"?{BULK_COLUMNS.index('phone') + 1}"
BULK_TICKETS_SQL = (
    f"INSERT INTO tickets ({', '.join(BULK_COLUMNS)}, citizen_id) VALUES "
    f"({', '.join(f'?{position}' for position in range(1, len(BULK_COLUMNS) + 1))}, "
    f"CASE WHEN {_PHONE_PARAM} = '' THEN NULL "
    f"ELSE (SELECT id FROM citizens WHERE phone = {_PHONE_PARAM}) END)"
)
# (ticket_id, at, actor, action, changes) and (mutation_id, entity, entity_id, op, base_version,
# payload, created_at): the tuples `import_parse` builds.
BULK_HISTORY_SQL = "INSERT INTO ticket_history (ticket_id, at, actor, action, changes) VALUES (?, ?, ?, ?, ?)"
BULK_OUTBOX_SQL = (
    "INSERT INTO outbox (mutation_id, entity, entity_id, op, base_version, payload, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def write_bulk(
    cursor: Any,
    tickets: Sequence[tuple[Any, ...]],
    history: Sequence[tuple[Any, ...]],
    outbox: Sequence[tuple[Any, ...]],
    pks: tuple[int, int],
) -> None:
    """New tickets numbered `pks` (first, last) with their history and outbox rows, then their index
    entries read from the rows just written (their words never cross from the parsing process).
    Their citizens must be written first: each row finds its citizen id by its number."""
    cursor.executemany(BULK_TICKETS_SQL, tickets)
    cursor.executemany(BULK_HISTORY_SQL, history)
    cursor.executemany(BULK_OUTBOX_SQL, outbox)
    cursor.execute(FTS_FILL_RANGE_SQL, pks)


# ---- one pulled change through the pull's cursor ---------------------------------------------------


def _binders() -> tuple[dict[str, Any], dict[str, Any]]:
    """Per column: what SQLAlchemy would bind for a value (VnDateTime's text, IsoDate's, 1/0), and the
    client-side default an INSERT through it would have filled in."""
    dialect = sqlite_dialect()
    binders = {column.name: column.type.bind_processor(dialect) for column in TABLE.columns}
    defaults = {
        column.name: getattr(column.default, "arg")  # noqa: B009 (a ScalarElementColumnDefault's)
        for column in TABLE.columns
        if column.default is not None and getattr(column.default, "is_scalar", False)
    }
    return binders, defaults


_BIND, _DEFAULTS = _binders()
_BY_ID_SQL = "SELECT * FROM tickets WHERE id = ?"


def stored_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Ticket values as the store keeps them, so they compare with a row read back by the cursor."""
    stored = {}
    for name, value in values.items():
        bind = _BIND[name]
        stored[name] = value if bind is None or value is None else bind(value)
    return stored


def find_pulled(raw: Any, ticket_id: str) -> dict[str, Any] | None:
    """The stored row of a ticket, as the store keeps its values (None: not here)."""
    found = raw.execute(_BY_ID_SQL, (ticket_id,))
    row = found.fetchone()
    return None if row is None else dict(zip((d[0] for d in found.description), row, strict=True))


def insert_pulled(raw: Any, values: Mapping[str, Any]) -> None:
    """A ticket new to this desk: its row (column defaults filled in) and its index entry."""
    inserted = stored_values({**_DEFAULTS, **values})
    names = list(inserted)
    raw.execute(
        f"INSERT INTO tickets ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [inserted[name] for name in names],
    )
    raw.execute(FTS_INSERT_SQL, (raw.lastrowid, ticket_search_body(inserted)))


def update_pulled(raw: Any, current: Mapping[str, Any], stored: Mapping[str, Any]) -> None:
    """New values (as stored) on the row `current`, and its index entry when its words changed."""
    names = list(stored)
    raw.execute(
        f"UPDATE tickets SET {', '.join(f'{name} = ?' for name in names)} WHERE pk = ?",
        [*(stored[name] for name in names), current["pk"]],
    )
    old_body = ticket_search_body(current)
    new_body = ticket_search_body({**current, **stored})
    if new_body != old_body:  # the index keeps no text: the old words go as they went in
        raw.execute(FTS_DELETE_SQL, (current["pk"], old_body))
        raw.execute(FTS_INSERT_SQL, (current["pk"], new_body))


def delete_pulled(connection: Connection, current: Mapping[str, Any]) -> None:
    """A ticket the server deleted: its calls keep no link to it, its history and index entry go."""
    ticket_id = current["id"]
    connection.execute(update(models.Call).where(models.Call.ticket_id == ticket_id).values(ticket_id=None))
    connection.execute(delete(models.TicketHistory).where(models.TicketHistory.ticket_id == ticket_id))
    connection.exec_driver_sql(FTS_DELETE_SQL, (current["pk"], ticket_search_body(current)))
    connection.execute(delete(models.Ticket).where(models.Ticket.id == ticket_id))
