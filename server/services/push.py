"""Applying a pushed batch: each mutation once, in seq order, in its own transaction, its result stored."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DisconnectionError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from protocol import Mutation, MutationResult, MutationStatus
from server.models import AppliedMutation, ClientStream
from server.services import access_trail, calls, surveys, tickets
from server.services.feed import PendingChanges, publish
from server.services.finish_pg import StreamMoved, finish_locked
from server.services.tickets import Actor, Applied, Rejected

log = logging.getLogger(__name__)

Handler = Callable[[Session, Mutation, Actor, datetime, PendingChanges], Applied]
HANDLERS: dict[tuple[str, str], Handler] = {
    ("ticket", "create"): tickets.create,
    ("ticket", "import"): tickets.create,
    ("ticket", "update"): tickets.update,
    ("ticket", "resolve"): tickets.update,
    ("conflict", "settle"): tickets.settle,
    ("call", "create"): calls.create,
    ("call", "update"): calls.update,
    ("survey_attempt", "create"): surveys.create,
    ("access", "create"): access_trail.pushed,
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


def apply_one(
    sessions: sessionmaker[Session], actor: Actor, mutation: Mutation, *, stream_locked: bool = False
) -> MutationResult:
    """`stream_locked`: the caller holds the client's stream lock for its batch and knows this seq follows
    (server.services.push_pg); the stream is then checked and advanced in the transaction's last statement."""
    try:
        try:
            return _apply_in_transaction(sessions, actor, mutation, stream_locked, _apply)
        except IntegrityError:
            # A unique key clashed with a row committed meanwhile; that transaction is gone. Apply again: the
            # handlers' checks now see the row and turn the clash into a stored rejection.
            return _apply_in_transaction(sessions, actor, mutation, stream_locked, _apply)
    except (SeqGap, OperationalError, DisconnectionError, StreamMoved):
        raise  # the stream or the database, not this change: the desk retries the batch later
    except Exception as error:
        # One change the server cannot apply (a value the database refuses, a bug) must not stall the desk's
        # stream: it is stored as refused, the operator reads why, and the changes after it go on.
        # Only the error's kind is logged: its text may quote the change's personal data.
        log.error(
            "change %s/%s seq %d of client %s refused: %s",
            mutation.entity,
            mutation.op,
            mutation.seq,
            actor.client_id,
            type(error).__name__,
        )
        refusal = _refusal(mutation, type(error).__name__)
        return _apply_in_transaction(sessions, actor, mutation, stream_locked, lambda *_: refusal)


def _refusal(mutation: Mutation, kind: str) -> MutationResult:
    return MutationResult(
        seq=mutation.seq,
        mutation_id=mutation.mutation_id,
        entity=mutation.entity,
        entity_id=mutation.entity_id,
        status=MutationStatus.REJECTED,
        reason=(
            f"Máy chủ không áp dụng được thay đổi này (lỗi dữ liệu: {kind}). Thay đổi vẫn còn trên máy "
            "trạm; các thay đổi sau vẫn được gửi. Hãy báo quản trị viên để kiểm tra."
        ),
    )


Decide = Callable[[Session, Mutation, Actor, datetime, PendingChanges], MutationResult]


def _apply_in_transaction(
    sessions: sessionmaker[Session], actor: Actor, mutation: Mutation, stream_locked: bool, decide: Decide
) -> MutationResult:
    with sessions() as session, session.begin():
        if stream_locked:
            now = datetime.now(UTC)
            feed = PendingChanges()
            result = decide(session, mutation, actor, now, feed)
            session.flush()
            finish_locked(session, actor, mutation, result, now, feed)
            return result
        last = _locked_last_seq(session, actor.client_id)
        if mutation.seq <= last:
            stored = session.get(AppliedMutation, (actor.client_id, mutation.seq))
            if stored is None or stored.mutation_id != mutation.mutation_id:
                raise SeqGap("seq_reused", last + 1, last)
            return MutationResult.model_validate({**stored.result, "replayed": True})
        if mutation.seq != last + 1:
            raise SeqGap("gap", last + 1, last)
        now = datetime.now(UTC)
        feed = PendingChanges()
        result = decide(session, mutation, actor, now, feed)
        session.flush()
        session.execute(
            insert(AppliedMutation).values(
                client_id=actor.client_id,
                seq=mutation.seq,
                mutation_id=mutation.mutation_id,
                username=actor.username,
                result=result.model_dump(mode="json"),
                applied_at=now,
            )
        )
        session.execute(
            update(ClientStream)
            .where(ClientStream.client_id == actor.client_id)
            .values(last_seq=mutation.seq, last_username=actor.username, updated_at=now)
        )
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
    try:
        applied = handler(session, mutation, actor, now, feed)
    except Rejected as error:  # handlers refuse before they write anything
        feed.rows.clear()
        return result(MutationStatus.REJECTED, reason=str(error))
    status = MutationStatus.CONFLICT if applied.outcomes else MutationStatus.APPLIED
    return result(status, version=applied.version, field_outcomes=applied.outcomes, reason=applied.reason)


def _locked_last_seq(session: Session, client_id: str) -> int:
    """The client's last applied seq, its stream row locked (so one client's pushes apply one at a time)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ClientStream).values(
        client_id=client_id, last_seq=0, last_username="", updated_at=datetime.now(UTC)
    )
    statement = statement.on_conflict_do_update(
        index_elements=[ClientStream.client_id], set_={"client_id": statement.excluded.client_id}
    )
    return int(session.execute(statement.returning(ClientStream.last_seq)).scalar_one())


def last_seq(session: Session, client_id: str) -> int:
    return session.scalar(select(ClientStream.last_seq).where(ClientStream.client_id == client_id)) or 0
