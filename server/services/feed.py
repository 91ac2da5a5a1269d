"""The change feed: cursors that follow COMMIT order, even with several writers and server processes.

Why not a sequence: two transactions may take sequence values 10 and 11 and commit 11 first; a client pulling
in between reads 11, saves cursor 11 and never sees 10. Here every transaction that changes the feed ends by
updating the single row of `feed_counter` (`UPDATE … SET value = value + n RETURNING value`) just before it
commits. The row lock is held until commit, so a second writer waits there until the first has committed (or
rolled back, which undoes its increment too), then reads the committed value and continues after it. Cursor
positions are therefore handed out in commit order with no holes: whenever a reader sees position p, every
position below p is already committed and visible. The cost is that feed writers serialise for the short
window between the counter update and COMMIT; everything else in the transaction runs before taking it.

Each entity has one feed row (its latest state, or a tombstone); a new change moves it to a new position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from protocol import Change
from server.models import FeedCounter, FeedEntry


@dataclass
class PendingChanges:
    """Changes one transaction makes, published together by `publish` right before its commit."""

    rows: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def record(
        self,
        entity: str,
        entity_id: str,
        version: int,
        data: dict[str, Any] | None,
        *,
        origin_client: str | None = None,
    ) -> None:
        self.rows[(entity, entity_id)] = {
            "entity": entity,
            "entity_id": entity_id,
            "version": version,
            "tombstone": data is None,
            "data": data,
            "origin_client": origin_client,
        }


def publish(session: Session, pending: PendingChanges) -> int:
    """Give the pending changes their cursors (see the module docstring); returns the last one, or 0."""
    if not pending.rows:
        return 0
    count = len(pending.rows)
    last: int = session.execute(
        update(FeedCounter)
        .where(FeedCounter.id == 1)
        .values(value=FeedCounter.value + count)
        .returning(FeedCounter.value)
    ).scalar_one()
    rows = [dict(row, position=last - count + 1 + i) for i, row in enumerate(pending.rows.values())]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(FeedEntry).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[FeedEntry.entity, FeedEntry.entity_id],
        set_={
            "position": statement.excluded.position,
            "version": statement.excluded.version,
            "tombstone": statement.excluded.tombstone,
            "data": statement.excluded.data,
            "origin_client": statement.excluded.origin_client,
        },
    )
    session.execute(statement)
    pending.rows.clear()
    return last


def feed_head(session: Session) -> int:
    return session.scalar(select(FeedCounter.value).where(FeedCounter.id == 1)) or 0


def read_page(
    session: Session, cursor: int, limit: int, entity: str | None = None
) -> tuple[list[Change], bool]:
    """Changes after `cursor` in commit order, at most `limit`, and whether more follow; of one `entity`
    only when given (a desk catching up a kind of record its older release skipped)."""
    query = select(FeedEntry).where(FeedEntry.position > cursor)
    if entity is not None:
        query = query.where(FeedEntry.entity == entity)
    query = query.order_by(FeedEntry.position).limit(limit + 1)
    entries = list(session.scalars(query))
    changes = [
        Change(
            cursor=entry.position,
            entity=entry.entity,
            entity_id=entry.entity_id,
            version=entry.version,
            tombstone=entry.tombstone,
            fields=entry.data,
        )  # not origin_client: one desk's id is no business of the others (#13 point 3)
        for entry in entries[:limit]
    ]
    return changes, len(entries) > limit


_PAGE_JSON_SQL = """
SELECT coalesce(json_agg(json_build_object(
        'cursor', position, 'entity', entity, 'entity_id', entity_id, 'version', version,
        'tombstone', tombstone, 'fields', data, 'origin_client', NULL
    ) ORDER BY position) FILTER (WHERE n <= :limit), '[]')::text,
    max(position) FILTER (WHERE n <= :limit),
    count(*) > :limit
FROM (
    SELECT position, entity, entity_id, version, tombstone, data,
        row_number() OVER (ORDER BY position) AS n
    FROM (SELECT * FROM feed WHERE position > :cursor{entity} ORDER BY position LIMIT :limit + 1) AS page
) AS numbered
"""
_PAGE_JSON = text(_PAGE_JSON_SQL.format(entity=""))
_ENTITY_PAGE_JSON = text(_PAGE_JSON_SQL.format(entity=" AND entity = :entity"))


def read_page_json(
    session: Session, cursor: int, limit: int, entity: str | None = None
) -> tuple[str, int | None, bool]:
    """`read_page` on PostgreSQL with the JSON built by the database: (the changes as a JSON array, the
    last cursor in it or None, whether more follow). The same `Change` fields, without a Python object
    per change (pulling a large feed is mostly this)."""
    if entity is None:
        found = session.execute(_PAGE_JSON, {"cursor": cursor, "limit": limit})
    else:
        found = session.execute(_ENTITY_PAGE_JSON, {"cursor": cursor, "limit": limit, "entity": entity})
    changes, last, more = found.one()
    return str(changes), None if last is None else int(last), bool(more)


_SNAPSHOT = text(
    "SELECT (SELECT last_seq FROM client_streams WHERE client_id = :client_id), "
    "(SELECT value FROM feed_counter WHERE id = 1), "
    "(SELECT value FROM server_meta WHERE key = 'server_epoch')"
)


def sync_snapshot(session: Session, client_id: str) -> tuple[int, int, str]:
    """(the client's last applied seq, the feed head, the server epoch) in one query."""
    last, head, epoch = session.execute(_SNAPSHOT, {"client_id": client_id}).one()
    return int(last or 0), int(head or 0), str(epoch or "")


def feed_size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(FeedEntry)) or 0
