"""A forwarded ticket's deadline in working days, from the server's holiday catalog: across Tết, with a
swapped Saturday worked; and the inbox light for the last working day and past it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from protocol import Mutation
from server.db import create_server_engine, migrate
from server.models import Holiday, LevelRule, Ticket, Unit
from server.services.catalog_refs import session_lookup
from server.services.forwarding import (
    deadline_for,
    decide_extension,
    forward,
    light,
    ticket_by_id,
    work_calendar,
)
from server.services.tickets import new_ticket_values
from tests.server.server_lab import ticket

TET_2026 = [date(2026, 2, day) for day in range(14, 23)]  # 14/2 to 22/2: the national Tết break
SWAPPED_SATURDAY = date(2026, 3, 7)  # worked in exchange for a day of the break


def catalog(tmp_path: Path) -> Session:
    engine = create_server_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    migrate(engine)
    session = Session(engine)
    session.add_all(Holiday(day=day, name="Tết Nguyên đán", is_working_day=False) for day in TET_2026)
    session.add(Holiday(day=SWAPPED_SATURDAY, name="Làm bù", is_working_day=True))
    session.add(LevelRule(level=2, name="Cấp độ 2", deadline_working_days=5))
    session.commit()
    return session


def test_a_deadline_skips_tet_and_counts_the_swapped_saturday(tmp_path: Path) -> None:
    session = catalog(tmp_path)
    # forwarded Thursday 12/2: Fri 13 is day 1, the break, then Mon 23 to Thu 26 are days 2 to 5
    assert deadline_for(session, 2, date(2026, 2, 12)) == date(2026, 2, 26)
    # forwarded Wednesday 4/3: Thu 5, Fri 6, Sat 7 (worked), Mon 9, Tue 10
    assert deadline_for(session, 2, date(2026, 3, 4)) == date(2026, 3, 10)


def test_the_light_turns_yellow_on_the_last_working_day_and_red_after(tmp_path: Path) -> None:
    calendar = work_calendar(catalog(tmp_path))
    deadline = date(2026, 2, 23)  # the Monday after Tết
    assert light(deadline, date(2026, 2, 10), calendar) == "green"
    assert light(deadline, date(2026, 2, 20), calendar) == "yellow"  # no working day left before it
    assert light(deadline, deadline, calendar) == "yellow"
    assert light(deadline, date(2026, 2, 24), calendar) == "red"


def test_the_ticket_carries_the_units_deadline_and_a_granted_extension_moves_it(tmp_path: Path) -> None:
    session = catalog(tmp_path)
    session.add(Unit(code="so-xay-dung", name="Sở Xây dựng", active=True))
    received = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
    values = {**ticket("P-HAN-1", level=2), "received_at": received.isoformat()}
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

    forwarded = forward(session, "t-1", "so-xay-dung", "dtv1", datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    assert forwarded.deadline == date(2026, 3, 10)
    assert ticket_by_id(session, "t-1").deadline == date(2026, 3, 10)  # not the reception's 2/2 + 5 days
    forwarded.extension_state, forwarded.extension_days = "asked", 2
    decide_extension(session, forwarded, True, "giamsat", datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    assert ticket_by_id(session, "t-1").deadline == date(2026, 3, 12)  # every desk pulls the new deadline


def test_a_server_no_admin_gave_a_holiday_counts_the_shipped_calendar_and_levels_under_its_own(
    tmp_path: Path,
) -> None:
    engine = create_server_engine(f"sqlite:///{tmp_path / 'bare.sqlite3'}")
    migrate(engine)
    session = Session(engine)
    # the desks' catalogs: level 2 is 3 working days; Tết 2027 (Fri 5/2 to Thu 11/2) off
    assert deadline_for(session, 2, date(2027, 2, 3)) == date(2027, 2, 15)  # Thu 4, Fri 12, Mon 15
    calendar = work_calendar(session)
    assert not calendar.is_working_day(date(2027, 2, 8)) and calendar.is_working_day(date(2026, 8, 22))
    # an admin's day on the server wins over the shipped one: 12/2/2027 made a day off too
    session.add(Holiday(day=date(2027, 2, 12), name="Nghỉ bù Tết", is_working_day=False))
    session.add(LevelRule(level=2, name="Cấp độ 2", deadline_working_days=5))
    session.commit()
    assert deadline_for(session, 2, date(2027, 2, 3)) == date(2027, 2, 18)  # Thu 4, Mon 15 to Thu 18


def test_the_light_is_yellow_on_the_last_working_day_before_a_break_that_ends_on_the_deadline(
    tmp_path: Path,
) -> None:
    calendar = work_calendar(catalog(tmp_path))
    deadline = date(2026, 2, 23)  # the Monday after Tết
    assert light(deadline, date(2026, 2, 12), calendar) == "green"  # Thu 12 and Fri 13 left before it
    assert light(deadline, date(2026, 2, 13), calendar) == "yellow"  # back from Tết on the deadline
    assert light(date(2026, 2, 11), date(2026, 2, 10), calendar) == "green"  # a plain day before: no break
