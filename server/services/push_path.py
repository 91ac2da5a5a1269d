"""The one push path: a desk's batch applied by the core (`push`), through PostgreSQL's layer (`push_pg`).

Both dialects share the semantics and the per-change core (`push.apply_one`: the handlers, the refusal of a
change the server cannot apply, the stored result, the feed); PostgreSQL only adds the batch's stream lock,
the pipelined new tickets and the one-statement finish. The API calls this function and never chooses.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from protocol import Mutation, MutationResult
from server.services import push, push_pg
from server.services.ticket_areas import stamp_pushed
from server.services.tickets import Actor


def apply_batch(
    sessions: sessionmaker[Session], actor: Actor, mutations: Sequence[Mutation]
) -> list[MutationResult]:
    """Results in seq order; raises push.SeqGap at the first mutation that does not follow (the ones
    before it stay applied and stored, so the retry gets their stored results)."""
    engine: Engine = sessions.kw["bind"]
    if engine.dialect.name == "postgresql":
        results = push_pg.apply_batch(engine, actor, mutations)
        stamp_pushed(engine, mutations)  # the report by area reads the stored code, not the address
        return results
    return push.apply_batch(sessions, actor, list(mutations))
