"""One push path: the same batch pushed to a SQLite server and a PostgreSQL server gets the same results,
through the one function the API calls (push_path.apply_batch), whichever database is underneath."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from server_lab import edit, new_id, ticket

from protocol import Mutation, MutationResult
from server.db import create_server_engine, migrate, session_factory
from server.services import push_path
from server.services.push import SeqGap
from server.services.tickets import Actor


def batch(client: str) -> list[Mutation]:
    first, second, third = new_id(), new_id(), new_id()
    code = f"P-{client[:8]}"
    payloads: list[tuple[str, str, str, dict[str, Any], int]] = [
        ("ticket", "create", first, ticket(f"{code}-1"), 0),
        ("ticket", "create", second, ticket(f"{code}-2"), 0),
        ("ticket", "create", third, ticket(f"{code}-1"), 0),  # the code is taken: refused, the rest goes on
        ("ticket", "update", first, edit(answer=("", "Đã hướng dẫn")), 1),
        ("ticket", "explode", second, {}, 0),  # an operation this server does not know
        ("ticket", "update", second, edit(answer=("", "Đã chuyển")), 1),
    ]
    return [
        Mutation.model_validate(
            {
                "seq": seq,
                "mutation_id": str(uuid.uuid4()),
                "entity": entity,
                "op": op,
                "entity_id": entity_id,
                "base_version": base,
                "payload": payload,
            }
        )
        for seq, (entity, op, entity_id, payload, base) in enumerate(payloads, start=1)
    ]


def outcome(results: list[MutationResult]) -> list[tuple[str, int | None, bool, str]]:
    """What a desk reads of each result; the code quoted in a refusal differs between runs."""
    return [(r.status.value, r.version, r.replayed, (r.reason or "")[:8]) for r in results]


def push_twice(url: str) -> tuple[list[MutationResult], list[MutationResult], SeqGap]:
    engine = create_server_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    try:
        client = str(uuid.uuid4())
        actor = Actor("dtv1", 1, client)
        mutations = batch(client)
        first = push_path.apply_batch(sessions, actor, mutations)
        again = push_path.apply_batch(sessions, actor, mutations)  # the acknowledgement was lost
        later = batch(client)[1:]
        with pytest.raises(SeqGap) as gap:
            push_path.apply_batch(sessions, actor, [m.model_copy(update={"seq": m.seq + 10}) for m in later])
        return first, again, gap.value
    finally:
        engine.dispose()


def test_a_batch_gets_the_same_results_on_sqlite_and_on_postgresql(tmp_path: Path, db_url: str) -> None:
    on_sqlite = push_twice(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    on_postgresql = push_twice(db_url)
    first, again, gap = on_sqlite
    assert [r.status.value for r in first] == [
        "applied",
        "applied",
        "rejected",
        "applied",
        "rejected",
        "applied",
    ]
    assert [r.version for r in first] == [1, 1, None, 2, None, 2]
    assert all(r.replayed for r in again) and outcome(again) == [(*o[:2], True, o[3]) for o in outcome(first)]
    assert (gap.code, gap.expected_seq, gap.last_seq) == ("gap", 7, 6)
    assert outcome(on_postgresql[0]) == outcome(first)
    assert outcome(on_postgresql[1]) == outcome(again)
    assert (on_postgresql[2].code, on_postgresql[2].expected_seq) == (gap.code, gap.expected_seq)
