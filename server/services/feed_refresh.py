"""Entities a migration corrected in place, published again to the change feed when the server starts.

A data migration may change rows but cannot publish them: the feed carries an entity as its live
serialiser writes it (tickets: server.services.tickets.ticket_data, through the ORM), which follows the
newest schema, not the revision's. So the migration lists what it corrected in `feed_stale` and this,
run after the migrations (server.cli), publishes each one through its entity's write path, as any server
edit is published: a new version (a desk applies only newer versions) at new feed positions taken from
feed_counter by server.services.feed.publish, in commit order and without gaps.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, case, delete, select, tuple_
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from server.models import FeedEntry, FeedStale, Forwarding
from server.services import forwarding, tickets
from server.services.feed import PendingChanges, publish

log = logging.getLogger(__name__)
# The server corrects a step the units and operators wrote through it (a unit's answer is rank 2): an
# operator's offline edit made before the correction does not undo it unless it outranks a unit.
CORRECTOR = tickets.Actor("may-chu", 2, "may-chu")
BATCH = 500  # tickets per transaction: the feed counter's lock is held only for a batch's commit


def republish_stale(engine: Engine, now: datetime | None = None) -> int:
    """Publishes every listed entity again, a batch per transaction (tickets first); returns the tickets
    and forwardings published."""
    published = 0
    while True:
        with Session(engine) as session, session.begin():
            batch = [
                (entity, entity_id)
                for entity, entity_id in session.execute(
                    select(FeedStale.entity, FeedStale.entity_id)
                    .order_by(
                        case((FeedStale.entity == "ticket", 0), else_=1),
                        FeedStale.entity,
                        FeedStale.entity_id,
                    )
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)  # another server starting at once takes the others
                )
            ]
            if not batch:
                return published
            session.execute(delete(FeedStale).where(tuple_(FeedStale.entity, FeedStale.entity_id).in_(batch)))
            published += _publish_again(session, [key for entity, key in batch if entity == "ticket"], now)
            published += _publish_forwardings(
                session, [key for entity, key in batch if entity == forwarding.ENTITY]
            )
            for entity in {entity for entity, _ in batch} - {"ticket", forwarding.ENTITY}:
                log.warning("feed_stale lists a %s, which nothing publishes again: dropped", entity)


def republish_at_start(engine: Engine) -> None:
    """`republish_stale` at the server's start: a failure is logged and the list kept for the next start
    (the desks get those corrections later, the server still serves)."""
    try:
        count = republish_stale(engine)
    except SQLAlchemyError as error:
        log.warning(
            "corrected tickets not published again (%s): tried at the next start", type(error).__name__
        )
        return
    if count:
        log.info("%d tickets and forwardings listed by a migration published again to the desks", count)


def _publish_again(session: Session, ticket_ids: list[str], now: datetime | None) -> int:
    feed = PendingChanges()
    rows = session.execute(
        select(FeedEntry.entity_id, FeedEntry.data).where(
            FeedEntry.entity == "ticket", FeedEntry.entity_id.in_(ticket_ids), FeedEntry.tombstone.is_(False)
        )
    )
    sent: dict[str, dict[str, Any] | None] = {ticket_id: data for ticket_id, data in rows}
    moment = now or datetime.now(UTC)
    done = 0
    for ticket_id in ticket_ids:
        if ticket_id in sent and tickets.republish(
            session, ticket_id, sent[ticket_id], CORRECTOR, moment, feed
        ):
            done += 1
    publish(session, feed)
    return done


def _publish_forwardings(session: Session, forwarding_ids: list[str]) -> int:
    """Forwardings a migration listed (0022: the ones made before the desks kept them), each at its next
    version, oldest forwarding first."""
    if not forwarding_ids:
        return 0
    feed = PendingChanges()
    found = session.scalars(
        select(Forwarding)
        .where(Forwarding.id.in_(forwarding_ids))
        .order_by(Forwarding.forwarded_at, Forwarding.id)
        .with_for_update()
    ).all()
    for listed in found:
        forwarding.publish_step(feed, listed)
    publish(session, feed)
    return len(found)
