"""The desk's Báo cáo screen adds the server's tables 7 and 8 (on time per unit, per administrative area) to
the tables it counts itself (#17 point 6): read from the real server's report of a known month on a worker,
shown as tabs 7-8, written into the Excel workbook and the Word bulletin; offline, signed out or signed in as
an operator, tabs 7-8 say they come from the central server and what to do, and the rest still works."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from memory_keyring import MemoryKeyring
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel, QTableWidget
from server_lab import PASSWORD, Desk, ServerProcess, new_id, ticket
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from store_keys import open_test_store

from desktop.desk import Desk as OpenDesk
from desktop.services.supervisor.reports import ReportService, ServerTables
from desktop.settings import Settings
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login, sign_in
from desktop.sync.presence import ServerLink
from desktop.sync.unit_figures import ServerReportTables, UnitFiguresClient
from desktop.ui.phone.presence_desk import read_through_server
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.translations import install_translations, remove_translations
from desktop.ui.supervisor.report_view import ReportView
from desktop.ui.sync.desk import SyncDesk
from reports.tables import BUILDERS, ON_TIME_SHEETS
from server.models import Forwarding

VN = timezone(timedelta(hours=7))
SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots" / "report"
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def vietnamese(qapp: object) -> Iterator[None]:
    """Vietnamese and the desk's style sheet, as a supervisor sees the screen."""
    from desktop.ui.shell.style import apply_style

    sheet, font = qapp.styleSheet(), qapp.font()  # type: ignore[attr-defined]
    translators = install_translations(qapp)  # type: ignore[arg-type]
    apply_style(qapp)  # type: ignore[arg-type]
    yield
    remove_translations(qapp, translators)  # type: ignore[arg-type]
    qapp.setStyleSheet(sheet)  # type: ignore[attr-defined]
    qapp.setFont(font)  # type: ignore[attr-defined]


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=VN).astimezone(UTC)


def seed_march(server: ServerProcess) -> None:
    """Three tickets of March 2026 forwarded to Sở Y tế: answered on time, answered late, overdue now."""
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    for code, name, group in (
        ("so-y-te", "Sở Y tế", "so_nganh"),
        ("ubnd-xa-tan-khanh-dong", "UBND xã Tân Khánh Đông", "xa"),
    ):
        entry = {"name": name, "group": group, "active": True, "merged_into": None}
        assert admin.http.put(f"/api/v1/catalog/unit/{code}", json=entry).status_code == 200
    ids = {}
    for number, (code, address) in enumerate(
        (
            ("T1", "Ấp Tân Hòa, xã Tân Khánh Đông"),
            ("T2", "xã Tân Khánh Đông"),
            ("T3", "Quận 3, TP Hồ Chí Minh"),
        ),
        2,
    ):
        ids[code] = new_id()
        values = ticket(
            f"P-BC-{code}",
            received_at=f"2026-03-{number:02d}T08:30:00+07:00",
            citizen_address=address,
            level=3,
            unit_code=None,
        )
        pushed = operator.push([operator.mutation("ticket", "create", ids[code], values)])
        assert pushed.status_code == 200, pushed.text
    # Mon 2/3 to Fri 6/3 is 5 working days
    steps = [
        ("T1", "answered", date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 4)),
        ("T2", "answered", date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 10)),
        ("T3", "forwarded", date(2026, 3, 3), date(2026, 3, 9), None),
    ]
    engine = create_engine(server.db_url)
    with Session(engine) as session, session.begin():
        for code, state, forwarded, deadline, answered in steps:
            session.add(
                Forwarding(
                    id=str(uuid.uuid4()), ticket_id=ids[code], unit_code="so-y-te", state=state,
                    forwarded_at=at(forwarded), forwarded_by="dtv1", deadline=deadline,
                    answered_at=at(answered, 15) if answered else None,
                )
            )  # fmt: skip
    engine.dispose()


class OnWhichThread:
    """The real server source, noting the thread each read ran on (the GUI thread must never wait on it)."""

    def __init__(self, source: ServerReportTables) -> None:
        self._source = source
        self.threads: list[threading.Thread] = []

    def on_time_tables(self, first: date, last: date) -> ServerTables:
        self.threads.append(threading.current_thread())
        return self._source.on_time_tables(first, last)


def server_tables(base_url: str, store: Any, username: str | None) -> ServerReportTables:
    credentials = Credentials(None)
    login = Login(base_url, username) if username else None
    if login is not None:
        credentials.remember(login, password=PASSWORD)
    return ServerReportTables(
        ServerLink(lambda: login, lambda: credentials, store.identity, UnitFiguresClient)
    )


def show_march(qtbot: Any, view: ReportView) -> dict[str, Any]:
    for edit, day in zip((view.from_date, view.to_date), MARCH, strict=True):
        edit.setDate(QDate(day.year, day.month, day.day))
    with qtbot.waitSignal(view.report_shown, timeout=30000) as shown:
        view.show_report()
    report: dict[str, Any] = shown.args[0]
    return report


def rows_of(grid: QTableWidget) -> list[list[str]]:
    return [
        [grid.item(row, column).text() for column in range(grid.columnCount())]
        for row in range(grid.rowCount())
    ]


def test_the_report_screen_shows_and_writes_the_servers_on_time_tables(
    qtbot: Any, runner: Any, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    seed_march(server)
    store = open_test_store(tmp_path / "desk")
    source = OnWhichThread(server_tables(server.base, store, "giamsat"))
    view = ReportView(ReportService(store), runner, server=source)
    qtbot.addWidget(view)
    view.resize(1366, 728)  # the office PC's screen less the taskbar
    view.show()
    qtbot.waitExposed(view)

    report = show_march(qtbot, view)
    assert source.threads and all(thread is not threading.main_thread() for thread in source.threads)
    assert view.server_note is None
    assert view.tabs.count() == len(BUILDERS) + 2
    assert [view.tabs.tabText(index) for index in (6, 7)] == list(ON_TIME_SHEETS)
    units = view.tabs.widget(6)
    assert isinstance(units, QTableWidget)
    # STT, unit, forwarded, on time, late, waiting, overdue, returned, on-time rate, median days, note
    assert rows_of(units) == [
        ["1", "Sở Y tế", "3", "1", "1", "0", "1", "0", "50%", "4", ""],
        ["", "Tổng số", "3", "1", "1", "0", "1", "0", "50%", "4", ""],
    ]
    areas = view.tabs.widget(7)
    assert isinstance(areas, QTableWidget)
    assert [row[1:] for row in rows_of(areas)] == [
        ["Xã Tân Khánh Đông", "2", "0", "2", "2", "1", "1", "0", "0", "0", "50%", "4"],
        [
            "Chưa xác định địa bàn",
            "1",
            "0",
            "1",
            "1",
            "0",
            "0",
            "0",
            "1",
            "0",
            "-",
            "-",
        ],  # nothing answered: no rate
        ["Tổng số", "3", "0", "3", "3", "1", "1", "0", "1", "0", "50%", ""],
    ]
    assert report["on_time"]["total"]["forwarded"] == 3  # the desk's own tables beside them: its empty store
    assert report["totals"]["tickets"] == 0
    view.tabs.setCurrentIndex(6)
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / "bang-7-1366x768.png"))
    assert units.horizontalScrollBar().maximum() == 0, "a figure of table 7 is out of sight at 1366x768"
    assert units.item(0, 8).textAlignment() & Qt.AlignmentFlag.AlignRight  # the rate, drawn as a number
    view.tabs.setCurrentIndex(7)
    view.grab().save(str(SHOTS / "bang-8-1366x768.png"))

    for kind in ("xlsx", "docx"):
        with qtbot.waitSignal(view.exported, timeout=30000):
            view.export_to(tmp_path / f"bao-cao.{kind}", kind)
        assert view.progress.isHidden()
    book = openpyxl.load_workbook(tmp_path / "bao-cao.xlsx")
    assert book.sheetnames[-2:] == list(ON_TIME_SHEETS)
    written = [[cell.value for cell in row] for row in book[ON_TIME_SHEETS[0]].iter_rows(min_row=6)]
    assert [row[1:10] for row in written] == [
        ["Sở Y tế", 3, 1, 1, 0, 1, 0, "50%", "4"],
        ["Tổng số", 3, 1, 1, 0, 1, 0, "50%", "4"],
    ]
    written_areas = [[cell.value for cell in row] for row in book[ON_TIME_SHEETS[1]].iter_rows(min_row=6)]
    assert [row[1] for row in written_areas] == ["Xã Tân Khánh Đông", "Chưa xác định địa bàn", "Tổng số"]
    bulletin = "\n".join(
        paragraph.text for paragraph in docx.Document(str(tmp_path / "bao-cao.docx")).paragraphs
    )
    assert "7. Tiến độ xử lý phản ánh, kiến nghị theo cơ quan" in bulletin
    assert "8. Tiến độ xử lý phản ánh, kiến nghị theo địa bàn hành chính" in bulletin
    runner.wait_for_done(10000)
    store.close()


def carry_over_from_february(server: ServerProcess) -> None:
    """A February ticket Sở Y tế still holds, long overdue: March's table 7 notes it in its last column."""
    ticket_id = new_id()
    values = ticket("P-BC-T0", received_at="2026-02-02T08:30:00+07:00", level=3, unit_code=None)
    operator = Desk(server, "dtv1")
    assert operator.push([operator.mutation("ticket", "create", ticket_id, values)]).status_code == 200
    engine = create_engine(server.db_url)
    with Session(engine) as session, session.begin():
        session.add(
            Forwarding(
                id=str(uuid.uuid4()), ticket_id=ticket_id, unit_code="so-y-te", state="forwarded",
                forwarded_at=at(date(2026, 2, 2)), forwarded_by="dtv1", deadline=date(2026, 2, 6),
            )
        )  # fmt: skip
    engine.dispose()


def test_a_note_of_tickets_carried_over_fits_the_screen_and_is_read_whole_in_its_tip(
    qtbot: Any, runner: Any, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    seed_march(server)
    carry_over_from_february(server)
    store = open_test_store(tmp_path / "desk")
    view = ReportView(ReportService(store), runner, server=server_tables(server.base, store, "giamsat"))
    qtbot.addWidget(view)
    view.resize(1366, 728)
    view.show()
    qtbot.waitExposed(view)

    show_march(qtbot, view)
    units = view.tabs.widget(6)
    assert isinstance(units, QTableWidget)
    note = "Còn 1 phiếu từ các kỳ trước chuyển sang (1 quá hạn)"
    assert [units.item(row, 10).text() for row in range(units.rowCount())] == [note, note]
    view.tabs.setCurrentIndex(6)
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / "bang-7-ton-ky-truoc-1366x768.png"))
    assert units.horizontalScrollBar().maximum() == 0, "the note pushed table 7's figures sideways"
    assert units.item(0, 10).toolTip() == note
    runner.wait_for_done(10000)
    store.close()


@pytest.mark.parametrize(
    ("who", "said"),
    [
        ("signed out", "Chưa kết nối máy chủ"),
        ("server down", "Không kết nối được máy chủ"),
        ("operator", "không phải tài khoản giám sát viên"),
    ],
)
def test_without_the_server_tabs_7_and_8_say_where_they_come_from_and_the_rest_works(
    qtbot: Any, runner: Any, vietnamese: None, tmp_path: Path, server: ServerProcess, who: str, said: str
) -> None:
    store = open_test_store(tmp_path / "desk")
    if who == "server down":
        source = server_tables("http://127.0.0.1:9", store, "giamsat")  # the discard port: nothing listens
    else:
        source = server_tables(server.base, store, None if who == "signed out" else "dtv1")
    view = ReportView(ReportService(store), runner, server=source)
    qtbot.addWidget(view)
    view.resize(1366, 728)
    view.show()
    qtbot.waitExposed(view)
    report = show_march(qtbot, view)
    assert "on_time" not in report and view.server_note is not None
    assert all(isinstance(view.tabs.widget(index), QTableWidget) for index in range(len(BUILDERS)))
    for index in (6, 7):
        note = view.tabs.widget(index)
        assert isinstance(note, QLabel)
        assert "máy chủ trung tâm" in note.text() and said in note.text(), note.text()
        assert "Xem (F5) lại" in note.text()
    if who == "server down":
        view.tabs.setCurrentIndex(6)
        SHOTS.mkdir(parents=True, exist_ok=True)
        view.grab().save(str(SHOTS / "bang-7-mat-ket-noi-1366x768.png"))
    with qtbot.waitSignal(view.exported, timeout=30000):
        view.export_to(tmp_path / "bao-cao.xlsx", "xlsx")
    book = openpyxl.load_workbook(tmp_path / "bao-cao.xlsx")
    assert len(book.sheetnames) == len(BUILDERS) and ON_TIME_SHEETS[0] not in book.sheetnames
    runner.wait_for_done(10000)
    store.close()


def test_the_desk_signed_in_as_a_supervisor_reads_tables_7_and_8_through_its_sync_server(
    qtbot: Any, runner: Any, tmp_path: Path, server: ServerProcess
) -> None:
    """As launch.py wires it: the main window opens the screen; the sync's server and user give 7-8."""
    seed_march(server)
    store = open_test_store(tmp_path / "desk")
    window = MainWindow(OpenDesk.open(store, "giamsat"), tmp_path / "desk", runner)
    supervisor = window.desk.services.supervisor
    assert supervisor is not None
    qtbot.addWidget(window)
    settings = Settings.load(tmp_path / "desk")
    settings.operator, settings.sync_server, settings.sync_user = "giamsat", server.base, "giamsat"
    credentials = Credentials(MemoryKeyring())
    sign_in(SyncClient(server.base), credentials, Login(server.base, "giamsat"), PASSWORD, store.identity)
    sync = SyncDesk(window, window.desk, settings, credentials, runner)
    read_through_server(supervisor, sync)
    window.show()
    qtbot.waitExposed(window)
    view = window.supervisor.open_report()  # Ctrl+Shift+R
    assert view is not None and view.isVisible()
    report = show_march(qtbot, view)
    assert view.server_note is None, view.server_note
    assert report["on_time"]["total"]["answered_on_time"] == 1
    units = view.tabs.widget(6)
    assert isinstance(units, QTableWidget) and rows_of(units)[0][1:3] == ["Sở Y tế", "3"]
    sync.stop()
    runner.wait_for_done(10000)
    store.close()


class HeldBack:
    """The real server source, answering only once the test lets it (a slow server, made reproducible)."""

    def __init__(self, source: ServerReportTables) -> None:
        self._source = source
        self.go = threading.Event()

    def on_time_tables(self, first: date, last: date) -> ServerTables:
        assert self.go.wait(30)
        return self._source.on_time_tables(first, last)


def test_while_the_server_counts_tabs_7_and_8_say_so_and_no_file_is_written_without_them(
    qtbot: Any, runner: Any, vietnamese: None, tmp_path: Path, server: ServerProcess
) -> None:
    store = open_test_store(tmp_path / "desk")
    source = HeldBack(server_tables(server.base, store, "giamsat"))
    view = ReportView(ReportService(store), runner, server=source)
    qtbot.addWidget(view)
    view.show()
    try:
        with qtbot.waitSignal(view.report_shown, timeout=30000) as shown:
            for edit, day in zip((view.from_date, view.to_date), MARCH, strict=True):
                edit.setDate(QDate(day.year, day.month, day.day))
            view.show_report()
            qtbot.waitUntil(lambda: view.tabs.count() == len(BUILDERS) + 2, timeout=20000)
            waiting = view.tabs.widget(6)
            assert isinstance(waiting, QLabel) and "Đang lấy hai bảng này từ máy chủ" in waiting.text()
            assert isinstance(view.tabs.widget(0), QTableWidget)  # the desk's own tables do not wait
            assert not view.excel_button.isEnabled() and not view.word_button.isEnabled()
            source.go.set()
    finally:
        source.go.set()  # never leave the worker waiting
        runner.wait_for_done(10000)
    assert shown.args[0]["on_time"]["total"]["forwarded"] == 0  # an empty server: its tables, with no rows
    assert isinstance(view.tabs.widget(6), QTableWidget) and view.excel_button.isEnabled()
    runner.wait_for_done(10000)
    store.close()
