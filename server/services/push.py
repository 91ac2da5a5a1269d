"""Applying a pushed batch: each mutation once, in seq order, in its own transaction, its result stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from protocol import Mutation, MutationResult, MutationStatus
from server.models import AppliedMutation, ClientStream
from server.services import calls, tickets
from server.services.feed import PendingChanges, publish
from server.services.tickets import Actor, Applied, Rejected

Handler = Callable[[Session, Mutation, Actor, datetime, PendingChanges], Applied]
HANDLERS: dict[tuple[str, str], Handler] = {
    ("ticket", "create"): tickets.create,
    ("ticket", "import"): tickets.create,
    ("ticket", "update"): tickets.update,
    ("ticket", "resolve"): tickets.update,
    ("conflict", "settle"): tickets.settle,
    ("call", "create"): calls.create,
    ("call", "update"): calls.update,
}


class SeqGap(Exception):
    def __init__(self, code: str, expected_seq: int, last_seq: int) -> None:
        super().__init__(code)
        self.code, self.expected_seq, self.last_seq = code, expected_seq, last_seq


def apply_batch(
    sessions: sessionmaker[Session], actor: Actor, mutations: list[Mutation]
) -> list[MutationResult]:
    """Results in the batch's order; raises SeqGap at the first mutation that does not follow (the ones
    before it stay applied and stored, so the retry gets their stored results)."""
    return [apply_one(sessions, actor, mutation) for mutation in sorted(mutations, key=lambda m: m.seq)]


def apply_one(sessions: sessionmaker[Session], actor: Actor, mutation: Mutation) -> MutationResult:
    with sessions() as session, session.begin():
        stream = _locked_stream(session, actor.client_id)
        if mutation.seq <= stream.last_seq:
            stored = session.get(AppliedMutation, (actor.client_id, mutation.seq))
            if stored is None or stored.mutation_id != mutation.mutation_id:
                raise SeqGap("seq_reused", stream.last_seq + 1, stream.last_seq)
            return MutationResult.model_validate({**stored.result, "replayed": True})
        if mutation.seq != stream.last_seq + 1:
            raise SeqGap("gap", stream.last_seq + 1, stream.last_seq)
        now = datetime.now(UTC)
        feed = PendingChanges()
        result = _apply(session, mutation, actor, now, feed)
        session.add(
            AppliedMutation(
                client_id=actor.client_id,
                seq=mutation.seq,
                mutation_id=mutation.mutation_id,
                username=actor.username,
                result=result.model_dump(mode="json"),
                applied_at=now,
            )
        )
        stream.last_seq = mutation.seq
        stream.last_username = actor.username
        stream.updated_at = now
        session.flush()
        publish(session, feed)  # last: the feed counter's lock is held only until this commit
        return result


def _apply(
    session: Session, mutation: Mutation, actor: Actor, now: datetime, feed: PendingChanges
) -> MutationResult:
    def result(status: MutationStatus, **details: Any) -> MutationResult:
        return MutationResult(
            seq=mutation.seq,
            mutation_id=mutation.mutation_id,
            entity=mutation.entity,
            entity_id=mutation.entity_id,
            status=status,
            **details,
        )

    handler = HANDLERS.get((mutation.entity, mutation.op))
    if handler is None:
        return result(
            MutationStatus.REJECTED,
            reason=(
                f"Máy chủ không biết thao tác «{mutation.op}» trên «{mutation.entity}». "
                "Hãy cập nhật phần mềm; thay đổi vẫn còn trên máy trạm."
            ),
        )
    savepoint = session.begin_nested()
    try:
        applied = handler(session, mutation, actor, now, feed)
        savepoint.commit()
    except Rejected as error:
        savepoint.rollback()
        feed.rows.clear()
        return result(MutationStatus.REJECTED, reason=str(error))
    except IntegrityError:
        savepoint.rollback()
        feed.rows.clear()
        return result(
            MutationStatus.REJECTED,
            reason="Dữ liệu trùng với một bản ghi đã có trên máy chủ (mã phiếu hoặc mã định danh).",
        )
    status = MutationStatus.CONFLICT if applied.outcomes else MutationStatus.APPLIED
    return result(status, version=applied.version, field_outcomes=applied.outcomes)


def _locked_stream(session: Session, client_id: str) -> ClientStream:
    now = datetime.now(UTC)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(ClientStream)
        .values(client_id=client_id, last_seq=0, last_username="", updated_at=now)
        .on_conflict_do_nothing(index_elements=[ClientStream.client_id])
    )
    return session.scalars(
        select(ClientStream).where(ClientStream.client_id == client_id).with_for_update()
    ).one()


def last_seq(session: Session, client_id: str) -> int:
    return session.scalar(select(ClientStream.last_seq).where(ClientStream.client_id == client_id)) or 0
