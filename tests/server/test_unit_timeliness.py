"""Each unit's answers against their deadlines: on time, late, overdue now, returned, the on-time rate and
the median working days to answer, across Tết and a swapped Saturday; served to supervisors only.
The same figures whether PostgreSQL counts them (GROUP BY, working days in SQL) or Python tallies them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from reports import Period
from server.db import create_server_engine, migrate
from server.models import Forwarding, Holiday, Unit
from server.services.forwarding import work_calendar
from server.services.unit_timeliness import on_time_tables, timeliness
from tests.server.server_lab import REPO, SECRET, Desk, ServerProcess, new_id, ticket

VN = timezone(timedelta(hours=7))
TET_2026 = [date(2026, 2, day) for day in range(14, 23)]
SWAPPED_SATURDAY = date(2026, 3, 7)


def forwarding(
    unit: str, state: str, forwarded: date, deadline: date, answered: date | None = None
) -> Forwarding:
    def at(day: date) -> datetime:  # 16:30 in Vietnam: still that day there, 09:30 UTC
        return datetime(day.year, day.month, day.day, 16, 30, tzinfo=VN).astimezone(UTC)

    return Forwarding(
        id=str(uuid.uuid4()),
        ticket_id=str(uuid.uuid4()),
        unit_code=unit,
        state=state,
        forwarded_at=at(forwarded),
        forwarded_by="dtv1",
        deadline=deadline,
        answered_at=at(answered) if answered else None,
        returned_at=at(forwarded + timedelta(days=1)) if state == "returned" else None,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    postgres = request.getfixturevalue("postgres")
    return str(postgres.url(postgres.create_database(request.getfixturevalue("template"))))


@pytest.fixture
def province(database_url: str) -> Iterator[Session]:
    engine = create_server_engine(database_url)
    migrate(engine)
    session = Session(engine)
    for day in TET_2026:
        session.merge(Holiday(day=day, name="Tết Nguyên đán", is_working_day=False))
    session.merge(Holiday(day=SWAPPED_SATURDAY, name="Làm bù", is_working_day=True))
    session.merge(Unit(code="so-y-te", name="Sở Y tế"))
    session.merge(Unit(code="so-tu-phap", name="Sở Tư pháp"))
    session.add_all(
        [
            # forwarded Thu 12/2, answered Thu 26/2, its deadline: Fri 13 then Mon 23 to Thu 26 = 5 days
            forwarding("so-y-te", "answered", date(2026, 2, 12), date(2026, 2, 26), date(2026, 2, 26)),
            # forwarded Wed 4/3, answered Wed 11/3, a day late: Thu, Fri, Sat 7 (worked), Mon, Tue, Wed = 6
            forwarding("so-y-te", "answered", date(2026, 3, 4), date(2026, 3, 10), date(2026, 3, 11)),
            forwarding("so-y-te", "forwarded", date(2026, 3, 4), date(2026, 3, 10)),  # overdue on 12/3
            forwarding("so-tu-phap", "returned", date(2026, 3, 2), date(2026, 3, 9)),
            forwarding("so-tu-phap", "forwarded", date(2026, 3, 12), date(2026, 3, 19)),  # still in time
            forwarding("so-tu-phap", "answered", date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 6)),
        ]
    )
    session.commit()
    yield session
    session.close()
    engine.dispose()


def test_each_unit_counts_on_time_late_overdue_and_returned_in_working_days(province: Session) -> None:
    session = province
    figures = timeliness(session, Period(date(2026, 2, 1), date(2026, 3, 31)), today=date(2026, 3, 12))
    health, justice = figures["units"][1], figures["units"][0]  # by name: Sở Tư pháp, Sở Y tế
    assert health == {
        "unit_code": "so-y-te", "unit": "Sở Y tế", "forwarded": 3, "answered_on_time": 1,
        "answered_late": 1, "overdue_now": 1, "waiting": 0, "returned": 0, "on_time_rate": 50.0,
        "median_working_days": 5.5, "carried_over": 0, "carried_over_overdue": 0,
    }  # fmt: skip
    assert justice["unit"] == "Sở Tư pháp"
    assert (justice["forwarded"], justice["returned"], justice["waiting"]) == (2, 1, 1)
    assert justice["on_time_rate"] is None  # January's answer is outside the period
    assert figures["total"]["forwarded"] == 5
    assert figures["total"]["on_time_rate"] == 50.0


def test_forwardings_of_tickets_the_server_does_not_hold_count_in_the_area_named_nowhere(
    province: Session,
) -> None:
    session = province
    today, march = date(2026, 3, 12), Period(date(2026, 2, 1), date(2026, 3, 31))
    units, areas = on_time_tables(session, march, today, work_calendar(session))
    assert [row["area"] for row in areas] == ["Chưa xác định địa bàn"]
    nowhere = {name: value for name, value in areas[0].items() if name in units["total"]}
    assert nowhere == units["total"]
    assert (nowhere["median_working_days"], nowhere["answered_late"], nowhere["overdue_now"]) == (5.5, 1, 1)


def test_a_supervisor_reads_the_units_on_time_figures_and_an_operator_cannot(server: ServerProcess) -> None:
    admin, operator, supervisor = Desk(server, "admin"), Desk(server, "dtv1"), Desk(server, "giamsat")
    assert admin.http.put("/api/v1/catalog/unit/so-xay-dung", json={"name": "Sở Xây dựng"}).status_code == 200
    ticket_id = new_id()
    values = ticket("P-DH-1", level=3, content="Hỏi cấp phép xây dựng nhà ở riêng lẻ.")
    assert operator.push([operator.mutation("ticket", "create", ticket_id, values)]).status_code == 200
    sent = operator.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": "so-xay-dung"})
    assert sent.status_code == 201, sent.text
    today = datetime.now(VN).date()
    span = {"from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()}
    answer = supervisor.http.get("/api/v1/reports/units-on-time", params=span)
    assert answer.status_code == 200, answer.text
    row = next(r for r in answer.json()["units"] if r["unit_code"] == "so-xay-dung")
    assert (row["unit"], row["forwarded"], row["waiting"], row["on_time_rate"]) == ("Sở Xây dựng", 1, 1, None)
    assert operator.http.get("/api/v1/reports/units-on-time", params=span).status_code == 403
    wrong = supervisor.http.get(
        "/api/v1/reports/units-on-time", params={"from": span["to"], "to": "2020-01-01"}
    )
    assert wrong.status_code == 422


def test_an_admin_gets_the_same_figures_from_the_command_line(server: ServerProcess) -> None:
    span = ("--from", "2026-01-01", "--to", "2026-12-31")
    command = [sys.executable, "-m", "server", "--db", server.db_url, "units-on-time", *span]
    env = {**os.environ, "TONGDAI1022_SERVER_SECRET": SECRET}
    made = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    supervisor = Desk(server, "giamsat")
    served = supervisor.http.get("/api/v1/reports/units-on-time", params={"from": span[1], "to": span[3]})
    assert json.loads(made.stdout)["units"] == served.json()["units"]
    wrong = subprocess.run([*command[:-4], "--from", "31/02/2026", "--to", "2026-03-01"], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert wrong.returncode == 2 and "Lỗi" in wrong.stderr


def test_a_units_forwardings_from_before_the_period_still_with_it_are_carried_over(province: Session) -> None:
    """ "Còn tồn từ các kỳ trước chuyển sang": in the units' table beside the period's figures, never in
    them nor in the areas' table; a unit holding only those has its row."""
    session = province
    session.merge(Unit(code="so-cong-thuong", name="Sở Công Thương"))
    session.add_all(
        [
            forwarding("so-tu-phap", "forwarded", date(2026, 1, 20), date(2026, 1, 27)),  # overdue since
            forwarding(
                "so-cong-thuong", "forwarded", date(2026, 2, 27), date(2026, 3, 13)
            ),  # in time on 12/3
        ]
    )
    session.commit()
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    figures, areas = on_time_tables(
        session, march, date(2026, 3, 12), work_calendar(session), with_carried=True
    )
    units = {row["unit"]: row for row in figures["units"]}
    carried = {
        name: (row["forwarded"], row["carried_over"], row["carried_over_overdue"])
        for name, row in units.items()
    }
    assert carried == {"Sở Công Thương": (0, 1, 0), "Sở Tư pháp": (2, 1, 1), "Sở Y tế": (2, 0, 0)}
    assert units["Sở Công Thương"]["on_time_rate"] is None
    total = figures["total"]
    assert (total["forwarded"], total["carried_over"], total["carried_over_overdue"]) == (4, 2, 1)
    assert sum(row["forwarded"] for row in areas) == 4 and not any(row["carried_over"] for row in areas)
    without, _ = on_time_tables(session, march, date(2026, 3, 12), work_calendar(session), with_areas=False)
    assert "Sở Công Thương" not in {row["unit"] for row in without["units"]}  # the dashboard's figures
