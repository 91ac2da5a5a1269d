"""The supervisor's dashboard shows, per unit, what the server counts of the tickets forwarded to it:
forwarded, answered on time, answered late, overdue now, returned (#17 point 2); an operator's account is
told it cannot see them, a desk without a server says where the figures come from."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from server_lab import PASSWORD, Desk, ServerProcess, new_id, ticket, unit_browser, unit_step
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from store_keys import open_test_store

from desktop.services.supervisor.dashboard import DashboardService, NoPresenceServer, SupervisorServices
from desktop.sync.credentials import Credentials, Login
from desktop.sync.presence import ServerLink
from desktop.sync.unit_figures import ServerUnitsOnTime, UnitFiguresClient
from desktop.ui.shell.translations import install_translations, remove_translations
from desktop.ui.supervisor.dashboard import DashboardView
from server.db import create_server_engine
from server.services import unit_accounts

SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots" / "dashboard"


@pytest.fixture
def vietnamese(qapp: object) -> Iterator[None]:
    """Vietnamese and the desk's style sheet, as a supervisor sees the dashboard."""
    from desktop.ui.shell.style import apply_style

    sheet, font = qapp.styleSheet(), qapp.font()  # type: ignore[attr-defined]
    translators = install_translations(qapp)  # type: ignore[arg-type]
    apply_style(qapp)  # type: ignore[arg-type]
    yield
    remove_translations(qapp, translators)  # type: ignore[arg-type]
    qapp.setStyleSheet(sheet)  # type: ignore[attr-defined]
    qapp.setFont(font)  # type: ignore[attr-defined]


def unit_does(server: ServerProcess, forwarding_id: str, step: str, form: dict[str, str]) -> None:
    unit_step(unit_browser(server, "yte.hoa"), forwarding_id, step, form)


def units_source(server: ServerProcess, store: object, username: str) -> ServerUnitsOnTime:
    credentials, login = Credentials(None), Login(server.base, username)
    credentials.remember(login, password=PASSWORD)
    link = ServerLink(lambda: login, lambda: credentials, store.identity, UnitFiguresClient)  # type: ignore[attr-defined]
    return ServerUnitsOnTime(link)


def test_the_dashboard_shows_each_units_answers_from_the_server(
    qtbot: object, runner: object, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    admin = Desk(server, "admin")
    assert admin.http.put("/api/v1/catalog/unit/so-y-te", json={"name": "Sở Y tế"}).status_code == 200
    engine = create_server_engine(server.db_url)
    with Session(engine) as session, session.begin():
        unit_accounts.create(session, "yte.hoa", "so-y-te", PASSWORD)
    desk = Desk(server, "dtv1")
    forwardings, desk_ids = [], []
    for code in ("P-TK-1", "P-TK-2", "P-TK-3"):
        ticket_id = new_id()
        assert (
            desk.push([desk.mutation("ticket", "create", ticket_id, ticket(code, level=2))]).status_code
            == 200
        )
        sent = desk.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": "so-y-te"})
        assert sent.status_code == 201, sent.text
        forwardings.append(sent.json()["id"])
        desk_ids.append(ticket_id)
    unit_does(server, forwardings[0], "tra-loi", {"answer": "Đã xử lý."})
    unit_does(server, forwardings[1], "tra-lai", {"reason": "Không thuộc thẩm quyền của Sở."})
    unit_does(server, forwardings[2], "gia-han", {"days": "2", "reason": "Chờ kết quả kiểm tra thực địa."})
    with engine.begin() as connection:  # the third one's deadline has passed (time moved on)
        connection.execute(
            text("UPDATE forwardings SET deadline = DATE '2026-01-05' WHERE id = :id"), {"id": forwardings[2]}
        )
    engine.dispose()

    store = open_test_store(tmp_path / "desk")
    view = DashboardView(
        DashboardService(store),
        NoPresenceServer(),
        runner,  # type: ignore[arg-type]
        units=units_source(server, store, "giamsat"),
    )
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.refresh()
    qtbot.waitUntil(lambda: view.units is not None or view.units_error is not None, timeout=20000)  # type: ignore[attr-defined]
    assert view.units_error is None, view.units_error
    table = view.units_table
    row = [table.item(0, column).text() for column in range(table.columnCount())]
    # unit, forwarded, answered on time, answered late, overdue now, returned; the on-time rate on hover
    assert row == ["Sở Y tế", "3", "1", "0", "1", "1"]
    assert "100,00%" in table.item(0, 0).toolTip()
    assert view.units_stack.currentWidget() is table
    view.resize(1366, 728)  # the office PC's screen less the taskbar: every heading whole
    view.show()
    qtbot.waitExposed(view)  # type: ignore[attr-defined]
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / "don-vi-1366x768.png"))
    assert table.horizontalScrollBar().maximum() == 0, "a figure is out of sight"
    header = table.horizontalHeader()
    for column in range(1, table.columnCount()):
        heading = table.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= header.fontMetrics().horizontalAdvance(heading) + 8, heading

    # The unit's request for more time, answered from the dashboard.
    requests = view.requests_table
    assert [requests.item(0, column).text() for column in range(3)] == ["Sở Y tế", "P-TK-3", "2"]
    assert "(1)" in view.unit_tabs.tabText(2) and view.grant_button.isEnabled()
    view.unit_tabs.setCurrentIndex(2)
    view.grab().save(str(SHOTS / "xin-gia-han-1366x768.png"))
    qtbot.mouseClick(view.grant_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "P-TK-3" in view.requests_message.text(), timeout=20000)  # type: ignore[attr-defined]
    assert "đồng ý gia hạn" in view.requests_message.text(), view.requests_message.text()
    assert requests.rowCount() == 0 and "(0)" in view.unit_tabs.tabText(2)
    assert not view.grant_button.isEnabled()
    decided = Desk(server, "giamsat").http.get(f"/api/v1/tickets/{desk_ids[2]}/steps").json()
    assert [(s["step"], s["by"]) for s in decided][-1] == ("extension_granted", "giamsat")

    as_operator = DashboardView(
        DashboardService(store),
        NoPresenceServer(),
        runner,  # type: ignore[arg-type]
        units=units_source(server, store, "dtv1"),
    )
    qtbot.addWidget(as_operator)  # type: ignore[attr-defined]
    as_operator.refresh()
    qtbot.waitUntil(lambda: as_operator.units_error is not None, timeout=20000)  # type: ignore[attr-defined]
    assert "không phải tài khoản giám sát viên" in (as_operator.units_error or "")
    assert as_operator.units_stack.currentWidget() is as_operator.units_message

    offline = SupervisorServices.for_store(store, "giamsat")
    alone = DashboardView(offline.dashboard, offline.presence, runner, units=offline.units)  # type: ignore[arg-type]
    qtbot.addWidget(alone)  # type: ignore[attr-defined]
    alone.refresh()
    qtbot.waitUntil(lambda: alone.units_error is not None, timeout=20000)  # type: ignore[attr-defined]
    assert "Chưa kết nối máy chủ" in (alone.units_error or "")
    runner.wait_for_done(10000)  # type: ignore[attr-defined]
    store.close()


WAITING = text(
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%forwardings%'"
)


def _waiting_on_forwardings(engine: Engine) -> int:
    """The server's queries blocked on the test's lock of the forwardings."""
    with engine.connect() as connection:
        return int(connection.execute(WAITING).scalar_one())


def test_the_dashboards_reads_and_a_decision_take_turns_on_the_one_link_to_the_server(
    tmp_path: Path, server: ServerProcess
) -> None:
    """The figures are read on one worker while the supervisor's Grant runs on another, through one link,
    which is the one thread's at a time (its client and the token it renews): the second waits its turn."""
    store = open_test_store(tmp_path / "desk")
    source = units_source(server, store, "giamsat")
    assert source.extension_requests() == []  # signed in: the token is kept, both calls below only read
    engine = create_server_engine(server.db_url)
    holder = engine.connect()
    holder.execute(text("LOCK TABLE forwardings IN ACCESS EXCLUSIVE MODE"))  # the figures' read waits here
    errors: list[BaseException] = []

    def read(call: Callable[[], object]) -> None:
        try:
            call()
        except BaseException as error:
            errors.append(error)

    today = date(2026, 12, 6)
    figures = threading.Thread(target=read, args=(lambda: source.units_on_time(today, today),))
    requests = threading.Thread(target=read, args=(source.extension_requests,))
    try:
        figures.start()
        deadline = time.monotonic() + 20
        while _waiting_on_forwardings(engine) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_on_forwardings(engine) == 1, "the figures' read did not reach the server"
        requests.start()
        deadline = time.monotonic() + 3
        while _waiting_on_forwardings(engine) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_on_forwardings(engine) == 1, "two workers used the link at once"
    finally:
        holder.rollback()
        holder.close()
        figures.join(30)
        requests.join(30)
        engine.dispose()
        store.close()
    assert not errors, errors


def test_each_units_five_figures_match_a_hand_counted_set_of_forwardings(
    qtbot: object, runner: object, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    """Two units, every case once: answered on time, answered late, overdue now, still in time, returned
    and forwarded to the other unit, more time granted then answered within it, and one forwarded before
    the dashboard's 90 days. Counted by hand: Sở Y tế 5 forwarded, 1 on time, 1 late, 1 overdue, 1
    returned; Sở Xây dựng 2 forwarded, 2 on time."""
    admin = Desk(server, "admin")
    for code, name in (("so-y-te", "Sở Y tế"), ("so-xay-dung", "Sở Xây dựng")):
        assert admin.http.put(f"/api/v1/catalog/unit/{code}", json={"name": name}).status_code == 200
    engine = create_server_engine(server.db_url)
    with Session(engine) as session, session.begin():
        unit_accounts.create(session, "yte.hoa", "so-y-te", PASSWORD)
        unit_accounts.create(session, "xd.lan", "so-xay-dung", PASSWORD)
    desk, supervisor = Desk(server, "dtv1"), Desk(server, "giamsat")
    health, building = unit_browser(server, "yte.hoa"), unit_browser(server, "xd.lan")

    def forwarded(code: str, unit: str, ticket_id: str | None = None) -> tuple[str, str]:
        if ticket_id is None:
            ticket_id = new_id()
            made = desk.push([desk.mutation("ticket", "create", ticket_id, ticket(code, level=2))])
            assert made.status_code == 200
        sent = desk.http.post(f"/api/v1/tickets/{ticket_id}/forward", json={"unit_code": unit})
        assert sent.status_code == 201, sent.text
        return ticket_id, sent.json()["id"]

    _, on_time = forwarded("P-HC-1", "so-y-te")
    unit_step(health, on_time, "tra-loi", {"answer": "Đã xử lý trong hạn."})
    _, late = forwarded("P-HC-2", "so-y-te")
    unit_step(health, late, "tra-loi", {"answer": "Đã xử lý, trễ hạn."})
    _, overdue = forwarded("P-HC-3", "so-y-te")
    forwarded("P-HC-4", "so-y-te")  # still within its deadline: forwarded, nothing else
    returned_ticket, returned = forwarded("P-HC-5", "so-y-te")
    unit_step(health, returned, "tra-lai", {"reason": "Không thuộc thẩm quyền của Sở Y tế."})
    _, again = forwarded("P-HC-5", "so-xay-dung", returned_ticket)  # the same ticket, now the other unit's
    unit_step(building, again, "tra-loi", {"answer": "Đã cấp phép sửa chữa."})
    _, extended = forwarded("P-HC-6", "so-xay-dung")
    unit_step(building, extended, "gia-han", {"days": "3", "reason": "Chờ kiểm tra thực địa."})
    assert supervisor.http.post(f"/api/v1/forwardings/{extended}/extension", json={"grant": True}).is_success
    unit_step(building, extended, "tra-loi", {"answer": "Đã kiểm tra, công trình đúng phép."})
    _, old = forwarded("P-HC-7", "so-xay-dung")
    with engine.begin() as connection:  # time moved on for three of them
        connection.execute(  # answered two days after a deadline that had passed
            text("UPDATE forwardings SET deadline = (answered_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 2 "
                 "WHERE id = :id"),
            {"id": late},
        )  # fmt: skip
        connection.execute(
            text("UPDATE forwardings SET deadline = DATE '2026-01-05' WHERE id = :id"), {"id": overdue}
        )
        connection.execute(
            text("UPDATE forwardings SET forwarded_at = now() - interval '100 days', "
                 "deadline = DATE '2026-01-05' WHERE id = :id"),
            {"id": old},
        )  # fmt: skip
    engine.dispose()

    store = open_test_store(tmp_path / "desk")
    view = DashboardView(
        DashboardService(store),
        NoPresenceServer(),
        runner,  # type: ignore[arg-type]
        units=units_source(server, store, "giamsat"),
    )
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.resize(1366, 728)
    view.show()
    view.refresh()
    qtbot.waitUntil(lambda: view.units is not None or view.units_error is not None, timeout=20000)  # type: ignore[attr-defined]
    assert view.units_error is None, view.units_error
    table = view.units_table
    shown = {
        table.item(row, 0).text(): [
            table.item(row, column).text() for column in range(1, table.columnCount())
        ]
        for row in range(table.rowCount())
    }
    # forwarded, answered on time, answered late, overdue now, returned
    assert shown == {"Sở Y tế": ["5", "1", "1", "1", "1"], "Sở Xây dựng": ["2", "2", "0", "0", "0"]}
    assert "50,00%" in next(
        table.item(row, 0).toolTip()
        for row in range(table.rowCount())
        if table.item(row, 0).text() == "Sở Y tế"
    )
    qtbot.waitExposed(view)  # type: ignore[attr-defined]
    name_width = table.columnWidth(0) - 8
    for row in range(table.rowCount()):  # each unit's whole name is on screen, over lines if it must
        name = table.item(row, 0).text()
        needed = table.fontMetrics().boundingRect(0, 0, name_width, 1000, Qt.TextFlag.TextWordWrap, name)
        assert needed.width() <= name_width and needed.height() <= table.rowHeight(row), name
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / "don-vi-hand-counted-1366x768.png"))
    runner.wait_for_done(10000)  # type: ignore[attr-defined]
    store.close()
