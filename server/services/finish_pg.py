"""The end of a mutation's transaction on PostgreSQL in one statement: last_seq, stored result, feed rows.

Used while the batch holds the client's stream lock (server.services.push_pg): the stream is advanced only
if it still stands at seq - 1, the stored result follows, and the feed counter is taken last (see
server.services.feed) for the pending feed rows, which are written in the same statement.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from protocol import Mutation, MutationResult
from server.services.feed import PendingChanges
from server.services.tickets import Actor

_FINISH = text(
    """
WITH stream AS (
    UPDATE client_streams SET last_seq = :seq, last_username = :username, updated_at = :now
    WHERE client_id = :client_id AND last_seq = :seq - 1
    RETURNING client_id
), stored AS (
    INSERT INTO applied_mutations (client_id, seq, mutation_id, username, result, applied_at)
    SELECT client_id, :seq, :mutation_id, :username, CAST(:result AS jsonb), :now FROM stream
    RETURNING seq
), counter AS (
    UPDATE feed_counter SET value = value + :count
    WHERE id = 1 AND :count > 0 AND EXISTS (SELECT FROM stored)
    RETURNING value
), published AS (
    INSERT INTO feed AS f (entity, entity_id, position, version, tombstone, data, origin_client)
    SELECT r.entity, r.entity_id, counter.value - :count + r.n, r.version, r.tombstone, r.data,
        r.origin_client
    FROM counter, jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(
        n bigint, entity text, entity_id text, version integer, tombstone boolean, data jsonb,
        origin_client text
    )
    ON CONFLICT (entity, entity_id) DO UPDATE SET position = excluded.position, version = excluded.version,
        tombstone = excluded.tombstone, data = excluded.data, origin_client = excluded.origin_client
    RETURNING position
)
SELECT (SELECT count(*) FROM stored), (SELECT count(*) FROM published)
"""
)


class StreamMoved(RuntimeError):
    """The stream's last_seq is not what the batch holds: another writer ignored the batch lock."""


def finish_locked(
    session: Session,
    actor: Actor,
    mutation: Mutation,
    result: MutationResult,
    now: datetime,
    feed: PendingChanges,
) -> None:
    rows = [{"n": n, **row} for n, row in enumerate(feed.rows.values(), start=1)]
    stored, published = session.execute(
        _FINISH,
        {
            "seq": mutation.seq,
            "username": actor.username,
            "now": now,
            "client_id": actor.client_id,
            "mutation_id": mutation.mutation_id,
            "result": json.dumps(result.model_dump(mode="json"), ensure_ascii=False),
            "count": len(rows),
            "rows": json.dumps(rows, ensure_ascii=False),
        },
    ).one()
    if stored != 1 or published != len(rows):
        raise StreamMoved(f"client {actor.client_id}: seq {mutation.seq} no longer follows")
    feed.rows.clear()
