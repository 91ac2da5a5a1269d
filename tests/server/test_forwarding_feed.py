"""Every step of a forwarding is published to the desks' feed with a higher version: forward, more time
asked, refused, asked again, granted, answered; the request a unit made before asking again stays in the
forwarding's history (the feed's copy and the server's steps), not overwritten by the next one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from protocol import Mutation
from server.db import create_server_engine, migrate
from server.models import LevelRule, Ticket, Unit, UnitAccount
from server.services.catalog_refs import session_lookup
from server.services.feed import read_page
from server.services.forwarding import answer, ask_for_time, decide_extension, forward, ticket_steps
from server.services.tickets import new_ticket_values
from tests.server.server_lab import ticket


def province_with_a_ticket(tmp_path: Path) -> Session:
    engine = create_server_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    migrate(engine)
    session = Session(engine)
    session.add(LevelRule(level=2, name="Cấp độ 2", deadline_working_days=5))
    session.add(Unit(code="so-xay-dung", name="Sở Xây dựng", active=True))
    received = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    values = {**ticket("P-FEED-1", level=2), "received_at": received.isoformat()}
    create = Mutation(
        seq=1, mutation_id="m", entity="ticket", op="create", entity_id="t-1", base_version=0, payload=values,
        made_at=received,
    )  # fmt: skip
    session.add(
        Ticket(
            id="t-1", version=1, created_by="dtv1", updated_by="dtv1", created_at=received,
            updated_at=received, creator_rank=1, field_meta={}, origin_client="desk-1",
            **new_ticket_values(create, session_lookup(session)),
        )
    )  # fmt: skip
    session.commit()
    return session


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def test_each_step_publishes_the_forwarding_and_an_earlier_request_for_time_stays_in_its_history(
    tmp_path: Path,
) -> None:
    session = province_with_a_ticket(tmp_path)
    staff = UnitAccount(username="so.xd", unit_code="so-xay-dung", password_hash="x")
    made = forward(session, "t-1", "so-xay-dung", "dtv1", at(4, 2))
    published = []

    def feed_copy() -> tuple[int, dict[str, object]]:
        changes, _more = read_page(session, 0, 100)
        (change,) = [c for c in changes if c.entity == "forwarding"]
        published.append(change.version)
        return change.version, change.fields or {}

    feed_copy()
    ask_for_time(session, made, staff, "Chờ kết quả đo đạc", 2, at(5, 2))
    feed_copy()
    decide_extension(session, made, False, "giamsat", at(5, 4))
    feed_copy()
    ask_for_time(session, made, staff, "Chờ ý kiến Sở Tài nguyên", 3, at(6, 2))
    feed_copy()
    decide_extension(session, made, True, "giamsat", at(6, 4))
    feed_copy()
    answer(session, made, staff, "Đã cấp phép.", "", at(9, 2))
    _version, data = feed_copy()
    session.commit()

    assert published == [1, 2, 3, 4, 5, 6]
    assert (data["state"], data["answer"], data["extension_state"]) == ("answered", "Đã cấp phép.", "granted")
    assert data["earlier_extensions"] == [
        {
            "asked_at": at(5, 2).isoformat(), "asked_by": "don-vi:so.xd", "reason": "Chờ kết quả đo đạc",
            "days": 2, "state": "refused", "decided_at": at(5, 4).isoformat(), "decided_by": "giamsat",
            "deadline": data["first_deadline"],
        }
    ]  # fmt: skip
    assert data["deadline"] != data["first_deadline"]  # the granted three days moved it
    steps = [(s["step"], s["by"]) for s in ticket_steps(session, "t-1")]
    assert steps == [
        ("forwarded", "dtv1"),
        ("extension_asked", "don-vi:so.xd"),
        ("extension_refused", "giamsat"),
        ("extension_asked", "don-vi:so.xd"),
        ("extension_granted", "giamsat"),
        ("answered", "don-vi:so.xd"),
    ]
