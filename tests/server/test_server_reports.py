"""`GET /api/v1/reports` on the real PostgreSQL: the desktop's tickets, calls and surveys, synced to the
server, give the JSON the desktop's own store gives, figure for figure; supervisors and admins only."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from server_lab import PASSWORD, Desk, ServerProcess
from sqlalchemy import select
from store_keys import open_test_store

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import (
    CallDirection,
    CallOutcome,
    Channel,
    DissatisfactionReason,
    Level,
    RequestType,
    TicketStatus,
)
from desktop.domain.ticket import TicketDraft
from desktop.services.catalogs import CatalogService
from desktop.services.phone.calls import CallLog
from desktop.services.supervisor.reports import ReportService
from desktop.services.supervisor.surveys import SurveyAnswer, SurveyService
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from desktop.sync.refusals import refusals
from reports import Period

NOW = datetime(2021, 12, 5, 9, 0, tzinfo=VN_TZ)
UNITS = [None, "cong-an-tinh", "so-y-te", "ubnd-huyen-cao-lanh", "ubnd-tp-cao-lanh", "tong-dai-1022"]


def vn(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2021, month, day, hour, minute, tzinfo=VN_TZ)


def build_desk(store: LocalStore) -> None:
    """Tickets over every channel, type, level and unit; resolved and open, TTHC or not; surveys that
    rate some of them (pushed as ticket updates); calls in and out, answered and missed; tickets and calls
    a moment outside November; a unit renamed and a unit merged after its tickets."""
    tickets = TicketService(store, operator="dtv1", clock=lambda: NOW)
    surveys = SurveyService(store, "dtv1", clock=lambda: NOW)
    reasons = itertools.cycle(DissatisfactionReason)
    combos = zip(
        itertools.cycle(Channel), itertools.cycle(RequestType), itertools.cycle(Level),
        itertools.cycle(UNITS), strict=False,
    )  # fmt: skip
    for n, (channel, kind, level, unit) in enumerate(itertools.islice(combos, 60)):
        resolved = n % 3 != 0
        draft = TicketDraft(
            content=f"Phản ánh số {n}",
            phone=f"0912 {n:06d}",
            citizen_name="Trần Thị Mai",
            channel=channel,
            request_type=kind,
            level=level,
            unit_code=unit if unit or level is Level.ONE else "cong-an-tinh",  # 2-4 need a unit
            is_tthc=n % 4 == 0,
            tthc_code="1.000178" if n % 4 == 0 else "",
            answer="Đã hướng dẫn." if resolved else "",
            status=TicketStatus.RESOLVED if resolved else TicketStatus.IN_PROGRESS,
            received_at=vn(1 + n % 30, hour=n % 24, minute=n),
        )
        ticket = tickets.create(draft)
        if resolved and n % 5 == 1:
            surveys.record(ticket.id, SurveyAnswer.satisfied())
        elif resolved and n % 5 == 2:
            surveys.record(ticket.id, SurveyAnswer.dissatisfied(next(reasons)))
        elif resolved and n % 5 == 3:
            surveys.record(ticket.id, SurveyAnswer.no_response())
    outside = TicketDraft(content="Ngoài kỳ", phone="0912 999 999", channel=Channel.ZALO, unit_code="so-y-te")
    tickets.create(replace(outside, received_at=vn(31, 23, 59, month=10)))  # a minute before November
    tickets.create(replace(outside, received_at=datetime(2021, 11, 30, 17, tzinfo=UTC)))  # 1 Dec, 00:00
    catalogs = CatalogService(store)
    catalogs.merge_unit("ubnd-huyen-cao-lanh", "ubnd-tp-cao-lanh")
    catalogs.rename_unit("so-y-te", "Sở Y tế tỉnh Đồng Tháp")
    calls = CallLog(store, operator="dtv1", clock=lambda: NOW)
    outcomes = itertools.cycle(
        [*(o for o in CallOutcome if o is not CallOutcome.RINGING), None]  # None: still ringing
    )
    directions = itertools.cycle([CallDirection.INBOUND, CallDirection.INBOUND, CallDirection.OUTBOUND])
    moments = [vn(1 + n % 30, hour=n % 24) for n in range(25)]
    moments += [vn(1, 0, month=12), vn(31, 23, 59, month=10)]  # just outside November
    for at, direction, outcome in zip(moments, directions, outcomes, strict=False):
        call_id = calls.started("0912345678", direction, at=at)
        if outcome is not None:  # None: still ringing
            calls.finished(call_id, outcome, ended_at=at + timedelta(minutes=2))


def mirror_units(store: LocalStore, admin: Desk) -> None:
    """The administrator keeps the server's unit catalog; here it is the desktop's, unit for unit."""
    with store.sessions() as session:
        units = list(session.scalars(select(models.Unit)))
    put: set[str] = set()
    ordered: list[models.Unit] = []  # a merge target before the units merged into it (the server checks)
    while len(ordered) < len(units):
        ready = [u for u in units if u.code not in put and (u.merged_into is None or u.merged_into in put)]
        assert ready, "a circle of merges in the desk's catalog"
        ordered += ready
        put |= {u.code for u in ready}
    for unit in ordered:
        body = {
            "name": unit.name, "group": unit.group, "active": unit.active, "merged_into": unit.merged_into,
            "retired_at": unit.retired_at.isoformat() if unit.retired_at else None,
            "sort_order": unit.sort_order,
        }  # fmt: skip
        answer = admin.http.put(f"/api/v1/catalog/unit/{unit.code}", json=body)
        assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def synced(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStore]:
    store = open_test_store(Path(tmp_path_factory.mktemp("desk")))
    build_desk(store)
    mirror_units(store, Desk(server, "admin"))
    credentials = Credentials(None)
    login = Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    SyncEngine(store, SyncClient(server.base), credentials, login).run_cycle()
    assert [(r.entity, r.reason) for r in refusals(store)] == []
    yield store
    store.close()


@pytest.mark.parametrize(
    ("first", "last"),
    [("2021-11-01", "2021-11-30"), ("2021-11-30", "2021-11-30"), ("2021-10-31", "2021-12-31"),
     ("2021-11-10", "2021-11-20"), ("2020-01-01", "2020-01-31")],
)  # fmt: skip
def test_the_server_gives_the_report_the_desktop_gives(
    synced: LocalStore, server: ServerProcess, first: str, last: str
) -> None:
    on_desk = ReportService(synced).report_for(Period.parse(first, last))
    answer = Desk(server, "giamsat").http.get("/api/v1/reports", params={"from": first, "to": last})
    assert answer.status_code == 200, answer.text
    served = answer.json()
    # The server adds the tables only it can give (it holds the forwardings) after issue #7's, unchanged.
    assert list(served) == [*on_desk, "on_time", "areas"]  # the same keys in the same order, then its own
    assert {key: served[key] for key in on_desk} == on_desk
    if first == "2021-11-01":  # the dataset reaches every table (a report of zeros would prove nothing)
        assert on_desk["totals"]["tickets"] == 60 and on_desk["totals"]["tthc"] > 0
        assert on_desk["calls"]["missed"] > 0 and on_desk["calls"]["outbound"] > 0
        assert all(on_desk["channels"].values())
        assert on_desk["attitude_late"]
        rated = [row for row in on_desk["satisfaction"] if sum(row["khong_hai_long"].values())]
        assert rated and any(row["hai_long"] for row in on_desk["satisfaction"])
        names = [row["unit"] for row in on_desk["units"]]
        assert "Sở Y tế tỉnh Đồng Tháp" in names


def test_admin_reads_it_an_operator_is_refused_bad_dates_are_explained(
    synced: LocalStore, server: ServerProcess
) -> None:
    november = {"from": "2021-11-01", "to": "2021-11-30"}
    assert Desk(server, "admin").http.get("/api/v1/reports", params=november).status_code == 200
    refused = Desk(server, "dtv1").http.get("/api/v1/reports", params=november)
    assert refused.status_code == 403 and "không có quyền" in refused.json()["detail"]
    supervisor = Desk(server, "giamsat").http
    backwards = supervisor.get("/api/v1/reports", params={"from": "2021-11-30", "to": "2021-11-01"})
    assert backwards.status_code == 422 and "đổi chỗ hai ngày" in backwards.json()["detail"]
    garbled = supervisor.get("/api/v1/reports", params={"from": "2021-13-01", "to": "2021-11-30"})
    assert garbled.status_code == 422 and "NĂM-THÁNG-NGÀY" in garbled.json()["detail"]
    as_written = supervisor.get("/api/v1/reports", params={"from": "01/11/2021", "to": "30/11/2021"})
    assert as_written.json() == supervisor.get("/api/v1/reports", params=november).json()
    far = supervisor.get("/api/v1/reports", params={"from": "9999-12-30", "to": "9999-12-31"})
    assert far.status_code == 422 and "năm" in far.json()["detail"]
