"""Applying a pushed batch on PostgreSQL in few round trips: one stream lock a batch, one statement a ticket.

The semantics are those of `server.services.push` (each mutation once, in seq order, in its own transaction,
its result stored); only the number of statements changes:

* The client's stream is locked once for the whole batch with a session advisory lock on the batch's own
  connection (a second push from the same desktop waits there, then replays), and `last_seq` is read once.
* A new ticket (`create`/`import`) is ONE statement in its own transaction: the ticket insert
  (`ON CONFLICT DO NOTHING`, so a clash is a no-op, never an error), the stream's `last_seq`, the stored
  result, the feed counter bump and the feed row, chained by CTEs so each runs only if the one before it did
  and the feed counter is taken last (see server.services.feed). Every part is guarded by
  `last_seq = seq - 1`, so a statement that follows one that did nothing does nothing either.
* Consecutive new tickets are sent pipelined (psycopg pipeline mode, BEGIN/statement/COMMIT each): the
  server runs them one after another while the next ones travel. The first that did nothing (a clash)
  stops the rest through that guard; it is then stored as a rejection and the batch goes on after it.
* A refusal found before the database (a bad value) is one statement: the stored result and `last_seq`.
* Other mutations (edits, calls, conflicts, survey attempts) take the general path of
  server.services.push on the same connection, ending in one statement (server.services.finish_pg).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import Engine, String, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, sessionmaker

from protocol import STAMPED_TICKET_FIELDS, TICKET_FIELDS, Mutation, MutationResult, MutationStatus
from server.models import Ticket
from server.services.catalog_refs import connection_lookup
from server.services.finish_pg import StreamMoved
from server.services.push import SeqGap, apply_one
from server.services.tickets import Actor, Rejected, new_ticket_stamps, new_ticket_values
from server.services.values import to_json

PIPELINE = 100  # new tickets sent before reading their results
NEW_TICKET = frozenset({("ticket", "create"), ("ticket", "import")})

_TICKETS: Table = Ticket.__table__  # type: ignore[assignment]
# area_code is not the push's to write: server.services.ticket_areas stamps it after the batch.
_TICKET_COLUMNS = [c.name for c in _TICKETS.columns if c.name not in ("pk", "area_code")]


def _cast(name: str) -> str:
    """A parameter typed for its column; strings as text so the column (not the cast) checks the length."""
    column_type = _TICKETS.c[name].type
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    kind = "text" if isinstance(column_type, String) else column_type.compile(dialect=dialect)
    return f"%({name})s::{kind}"


_CREATE_TICKET = f"""
WITH ticket AS (
    INSERT INTO tickets ({", ".join(_TICKET_COLUMNS)})
    SELECT {", ".join(_cast(name) for name in _TICKET_COLUMNS)}
    WHERE EXISTS (
        SELECT FROM client_streams WHERE client_id = %(client_id)s::varchar AND last_seq = %(seq)s::bigint - 1
    )
    ON CONFLICT DO NOTHING
    RETURNING id
), stream AS (
    UPDATE client_streams
    SET last_seq = %(seq)s::bigint, last_username = %(username)s::varchar, updated_at = %(now)s::timestamptz
    WHERE client_id = %(client_id)s::varchar AND last_seq = %(seq)s::bigint - 1
        AND EXISTS (SELECT FROM ticket)
    RETURNING client_id
), stored AS (
    INSERT INTO applied_mutations (client_id, seq, mutation_id, username, result, applied_at)
    SELECT client_id, %(seq)s::bigint, %(mutation_id)s::varchar, %(username)s::varchar, %(result)s::jsonb,
        %(now)s::timestamptz
    FROM stream
    RETURNING seq
), counter AS (
    UPDATE feed_counter SET value = value + 1
    WHERE id = 1 AND EXISTS (SELECT FROM stored)
    RETURNING value
)
INSERT INTO feed AS f (entity, entity_id, position, version, tombstone, data, origin_client)
SELECT 'ticket', %(id)s::varchar, counter.value, 1, false, %(data)s::jsonb, %(client_id)s::varchar
FROM counter
ON CONFLICT (entity, entity_id) DO UPDATE SET position = excluded.position, version = excluded.version,
    tombstone = excluded.tombstone, data = excluded.data, origin_client = excluded.origin_client
RETURNING position
"""

_STORE_RESULT = """
WITH stream AS (
    UPDATE client_streams
    SET last_seq = %(seq)s::bigint, last_username = %(username)s::varchar, updated_at = %(now)s::timestamptz
    WHERE client_id = %(client_id)s::varchar AND last_seq = %(seq)s::bigint - 1
    RETURNING client_id
)
INSERT INTO applied_mutations (client_id, seq, mutation_id, username, result, applied_at)
SELECT client_id, %(seq)s::bigint, %(mutation_id)s::varchar, %(username)s::varchar, %(result)s::jsonb,
    %(now)s::timestamptz
FROM stream
RETURNING seq
"""

_OPEN_STREAM = """
WITH opened AS (
    INSERT INTO client_streams (client_id, last_seq, last_username, updated_at)
    VALUES (%(client_id)s::varchar, 0, '', now())
    ON CONFLICT (client_id) DO NOTHING
    RETURNING last_seq
)
SELECT last_seq FROM opened
UNION ALL SELECT last_seq FROM client_streams WHERE client_id = %(client_id)s::varchar
"""

_STORED = "SELECT seq, mutation_id, result FROM applied_mutations WHERE client_id = %s AND seq = ANY(%s)"
_LAST_SEQ = "SELECT last_seq FROM client_streams WHERE client_id = %s"
_CLASH = "SELECT id FROM tickets WHERE id = %s OR code = %s LIMIT 1"


@dataclass(frozen=True)
class _Batch:
    """The batch's one pooled connection: raw psycopg (autocommit) for the statements here, and sessions
    on the same connection for the general path, so a push never needs a second pooled connection."""

    raw: psycopg.Connection[Any]
    sessions: sessionmaker[Session]

    def apply_general(self, actor: Actor, mutation: Mutation) -> MutationResult:
        self.raw.autocommit = False  # the session's transaction, committed or rolled back by it
        try:
            return apply_one(self.sessions, actor, mutation, stream_locked=True)
        finally:
            if not self.raw.closed:
                self.raw.autocommit = True


@contextmanager
def _batch_connection(engine: Engine, client_id: str) -> Iterator[_Batch]:
    """A pooled connection holding the client's stream lock until the batch ends."""
    with engine.connect() as connection:
        raw: psycopg.Connection[Any] = connection.connection.driver_connection  # type: ignore[assignment]
        raw.autocommit = True
        raw.execute("SELECT pg_advisory_lock(hashtextextended(%s, 1022))", (client_id,))
        try:
            yield _Batch(raw, sessionmaker(bind=connection, expire_on_commit=False))
        finally:
            if not raw.closed:
                raw.rollback()  # whatever failed half-way: the lock is released outside any transaction
                raw.autocommit = True
                raw.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 1022))", (client_id,))
                raw.autocommit = False


def apply_batch(engine: Engine, actor: Actor, mutations: Sequence[Mutation]) -> list[MutationResult]:
    """Results in seq order; raises SeqGap at the first mutation that does not follow (the ones
    before it stay applied and stored)."""
    ordered = sorted(mutations, key=lambda m: m.seq)
    results: list[MutationResult] = []
    with _batch_connection(engine, actor.client_id) as batch:
        connection = batch.raw
        last = int(connection.execute(_OPEN_STREAM, {"client_id": actor.client_id}).fetchone()[0])  # type: ignore[index]
        stored = _stored_results(connection, actor.client_id, [m.seq for m in ordered if m.seq <= last])
        index = 0
        while index < len(ordered):
            mutation = ordered[index]
            if mutation.seq <= last:
                results.append(_replay(connection, actor, mutation, last, stored))
                index += 1
                continue
            if mutation.seq != last + 1:
                raise SeqGap("gap", last + 1, last)
            if (mutation.entity, mutation.op) in NEW_TICKET:
                run = _new_ticket_run(ordered, index, last)
                done = _create_tickets(connection, actor, run)
                results.extend(done)
                for result in done:
                    stored[result.seq] = (result.mutation_id, result.model_dump(mode="json"))
                index += len(done)
                last += len(done)
                if done:
                    continue
                mutation = ordered[index]  # refused by the database: the general path stores why
            result = batch.apply_general(actor, mutation)
            results.append(result)
            stored[result.seq] = (result.mutation_id, result.model_dump(mode="json"))
            last = mutation.seq
            index += 1
    return results


def _new_ticket_run(ordered: Sequence[Mutation], start: int, last: int) -> list[Mutation]:
    """The consecutive new-ticket mutations from `start` (seq following seq), at most PIPELINE."""
    run: list[Mutation] = []
    for mutation in ordered[start : start + PIPELINE]:
        following = mutation.seq == last + 1 + len(run)
        if not following or (mutation.entity, mutation.op) not in NEW_TICKET:
            break
        run.append(mutation)
    return run


def _stored_results(
    connection: psycopg.Connection[Any], client_id: str, seqs: list[int]
) -> dict[int, tuple[str, dict[str, Any]]]:
    if not seqs:
        return {}
    rows = connection.execute(_STORED, (client_id, seqs)).fetchall()
    return {int(seq): (str(mutation_id), result) for seq, mutation_id, result in rows}


def _replay(
    connection: psycopg.Connection[Any],
    actor: Actor,
    mutation: Mutation,
    last: int,
    stored: dict[int, tuple[str, dict[str, Any]]],
) -> MutationResult:
    found = stored.get(mutation.seq) or _stored_results(connection, actor.client_id, [mutation.seq]).get(
        mutation.seq
    )
    if found is None or found[0] != mutation.mutation_id:
        raise SeqGap("seq_reused", last + 1, last)
    return MutationResult.model_validate({**found[1], "replayed": True})


def _result(mutation: Mutation, status: MutationStatus, **details: Any) -> MutationResult:
    return MutationResult(
        seq=mutation.seq,
        mutation_id=mutation.mutation_id,
        entity=mutation.entity,
        entity_id=mutation.entity_id,
        status=status,
        **details,
    )


def _create_tickets(
    connection: psycopg.Connection[Any], actor: Actor, run: list[Mutation]
) -> list[MutationResult]:
    """Apply the run pipelined up to the first one that does nothing; that one is stored as refused.
    Returns the results of the mutations applied or refused: at least one, unless the first holds a value
    the database refuses (the caller then applies it on the general path, which stores the refusal)."""
    now = datetime.now(UTC)
    planned: list[tuple[Mutation, MutationResult, dict[str, Any] | None]] = []
    catalog = connection_lookup(connection)
    for mutation in run:
        try:
            values = new_ticket_values(mutation, catalog)
        except Rejected as error:
            planned.append((mutation, _result(mutation, MutationStatus.REJECTED, reason=str(error)), None))
            break  # a refusal found here is stored on its own, after the ones before it
        planned.append((mutation, _result(mutation, MutationStatus.APPLIED, version=1), values))
    sendable = [entry for entry in planned if entry[2] is not None]
    applied = 0
    if sendable:
        try:
            with connection.pipeline(), connection.cursor() as cursor:
                for mutation, result, checked in sendable:
                    assert checked is not None
                    cursor.execute("BEGIN")
                    cursor.execute(_CREATE_TICKET, _create_parameters(actor, mutation, result, checked, now))
                    cursor.execute("COMMIT")
        except (psycopg.DataError, psycopg.IntegrityError):
            # A value the database refuses (out of its range, a check it fails): the ones
            # before it are committed; the general path then applies that one alone and stores its refusal.
            connection.rollback()
            landed = int(connection.execute(_LAST_SEQ, (actor.client_id,)).fetchone()[0])  # type: ignore[index]
            return [result for _, result, _ in planned[: landed - (run[0].seq - 1)]]
        except psycopg.Error:
            connection.rollback()  # the failed one's transaction; the ones before it are committed
            raise
        # Outside the pipeline: rowcount of each statement is gone, so count what landed from the stream.
        landed = int(connection.execute(_LAST_SEQ, (actor.client_id,)).fetchone()[0])  # type: ignore[index]
        applied = landed - (run[0].seq - 1)
        if not 0 <= applied <= len(sendable):
            raise StreamMoved(f"client {actor.client_id}: last_seq {landed} after a run from {run[0].seq}")
    results = [result for _, result, _ in planned[:applied]]
    if applied < len(planned):
        mutation, result, unsent = planned[applied]
        if unsent is not None:  # it did nothing: its ticket clashed with one already stored
            reason = _clash_reason(connection, mutation, unsent)
            result = _result(mutation, MutationStatus.REJECTED, reason=reason)
        _store(connection, actor, mutation, result, now)
        results.append(result)
    return results


def _create_parameters(
    actor: Actor, mutation: Mutation, result: MutationResult, values: dict[str, Any], now: datetime
) -> dict[str, Any]:
    row = {
        **values,
        "id": mutation.entity_id,
        "version": 1,
        "created_by": actor.username,
        "updated_by": actor.username,
        "created_at": now,
        "updated_at": now,
        "creator_rank": actor.rank,
        "field_meta": Jsonb({}),
        "origin_client": actor.client_id,
        **new_ticket_stamps(mutation, values, actor.username),
    }
    data = {name: to_json(row[name]) for name in TICKET_FIELDS}
    data.update({stamp: row[stamp] for stamp in STAMPED_TICKET_FIELDS.values()})
    data.update(
        id=mutation.entity_id,
        version=1,
        created_by=actor.username,
        updated_by=actor.username,
        created_at=now.isoformat(),
        updated_at=now.isoformat(),
    )
    return {
        **row,
        "client_id": actor.client_id,
        "seq": mutation.seq,
        "mutation_id": mutation.mutation_id,
        "username": actor.username,
        "now": now,
        "result": Jsonb(result.model_dump(mode="json")),
        "data": Jsonb(data),
    }


def _clash_reason(connection: psycopg.Connection[Any], mutation: Mutation, values: dict[str, Any]) -> str:
    row = connection.execute(_CLASH, (mutation.entity_id, values["code"])).fetchone()
    if row is not None and row[0] == mutation.entity_id:
        return f"Phiếu {values['code']} đã có trên máy chủ; không tạo lần nữa."
    return f"Mã phiếu {values['code']} đã được dùng cho một phiếu khác trên máy chủ."


def _store(
    connection: psycopg.Connection[Any],
    actor: Actor,
    mutation: Mutation,
    result: MutationResult,
    now: datetime,
) -> None:
    done = connection.execute(
        _STORE_RESULT,
        {
            "client_id": actor.client_id,
            "seq": mutation.seq,
            "mutation_id": mutation.mutation_id,
            "username": actor.username,
            "now": now,
            "result": Jsonb(result.model_dump(mode="json")),
        },
    ).fetchone()
    if done is None:
        raise StreamMoved(f"client {actor.client_id}: seq {mutation.seq} no longer follows")
