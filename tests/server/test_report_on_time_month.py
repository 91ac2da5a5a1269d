"""April 2026's on-time figures, worked out by hand, read back from a real server's JSON, Excel workbook and
Word bulletin. The month has the holidays of its end (Monday 27/4 in lieu of the Hùng Kings' day, 30/4 and
1/5) and a worked Saturday (25/4), answers on time and late, one still overdue, a ticket returned and
forwarded to another unit, one answered and forwarded again, and one forwarded in March still waiting.

The admin's level catalog gives level 2 five working days, level 3 ten. By hand:

    forwarding  ticket unit         forwarded  deadline  outcome                 working days
    F0          T0     so-y-te      Fri 20/3   27/3      open (March: carried)   -
    F1          T1     so-y-te      Thu 23/4   Mon 4/5   answered 4/5, on time   5 (24, Sat 25, 28, 29, 4)
    F2          T2     so-y-te      Tue 28/4   Thu 7/5   answered 8/5, late      6 (29, 4, 5, 6, 7, 8)
    F3          T3     so-xay-dung  Wed 1/4    Wed 8/4   returned 2/4            -
    F4          T3     so-y-te      Fri 3/4    Fri 10/4  open: overdue now       -
    F5          T4     so-xay-dung  Mon 20/4   Wed 6/5   answered 29/4, on time  7 (21-24, Sat 25, 28, 29)
    F6a         T5     so-y-te      Mon 6/4    Mon 13/4  answered 9/4, on time   3
    F6b         T5     so-xay-dung  Tue 14/4   Tue 21/4  answered 22/4, late     6

Per unit: Sở Y tế 4 forwarded, 2 on time, 1 late, 1 overdue, 66,67 %, median of (3, 5, 6) = 5, and F0
carried over (overdue); Sở Xây dựng 3, 1 on time, 1 late, 1 returned, 50 %, median of (6, 7) = 6,5.
Overall 7 forwardings of 5 tickets, 3 on time of 5 answered = 60 %, median of (3, 5, 6, 6, 7) = 6; being
followed: F4 and F0, both overdue, F0 from an earlier period.
By the citizen's area (April's tickets): phường Sa Đéc (T2 in the old Phường 1 merged into it, T3, T5)
3 tickets, 5 forwardings, 1 on time, 2 late, 1 overdue, 1 returned, 33,33 %; xã Tân Khánh Đông (T1, T4)
2 tickets, 1 resolved, 2 on time, 100 %; T6 (Quận 3, TP HCM, level 1) in no area of the catalog.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import docx
import openpyxl
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from server.models import Forwarding
from server.services.forwarding import deadline_for
from tests.server.server_lab import Desk, ServerProcess, new_id, ticket

VN = timezone(timedelta(hours=7))
APRIL = {"from": "2026-04-01", "to": "2026-04-30"}
CARRIED = "Còn 1 phiếu từ các kỳ trước chuyển sang (1 quá hạn)"  # F0, in the note of Sở Y tế and the total
UNITS = {
    "so-y-te": ("Sở Y tế", "so_nganh", True, None),
    "so-xay-dung": ("Sở Xây dựng", "so_nganh", True, None),
    "ubnd-phuong-sa-dec": ("UBND phường Sa Đéc", "xa", True, None),
    "ubnd-phuong-1-sa-dec": ("UBND Phường 1", "xa", False, "ubnd-phuong-sa-dec"),  # merged in 2025
    "ubnd-xa-tan-khanh-dong": ("UBND xã Tân Khánh Đông", "xa", True, None),
}
LEVELS = {2: ("Cấp độ 2", 5), 3: ("Cấp độ 3", 10)}
DAYS_OFF = {
    "2026-04-25": ("Làm bù cho ngày nghỉ 27/4", True),
    "2026-04-27": ("Nghỉ bù Giỗ Tổ Hùng Vương", False),
    "2026-04-30": ("Ngày Chiến thắng", False),
    "2026-05-01": ("Quốc tế Lao động", False),
}
# code: (received, address, level, status)
TICKETS = {
    "T0": (date(2026, 3, 20), "ấp 1, xã Tân Khánh Đông", 2, "dang_xu_ly"),
    "T1": (date(2026, 4, 23), "Ấp Tân Hòa, xã Tân Khánh Đông", 2, "da_xu_ly"),
    "T2": (date(2026, 4, 28), "Số 5 Hùng Vương, Phường 1, thành phố Sa Đéc", 2, "dang_xu_ly"),
    "T3": (date(2026, 4, 1), "phường Sa Đéc, tỉnh Đồng Tháp", 2, "dang_xu_ly"),
    "T4": (date(2026, 4, 20), "xa tan khanh dong", 3, "dang_xu_ly"),
    "T5": (date(2026, 4, 6), "Khóm 2, phường Sa Đéc", 2, "dang_xu_ly"),
    "T6": (date(2026, 4, 15), "Quận 3, TP Hồ Chí Minh", 1, "da_xu_ly"),
}
# (ticket, unit, state, forwarded on, the deadline by hand, answered or returned on)
FORWARDINGS: list[tuple[str, str, str, date, date, date | None]] = [
    ("T0", "so-y-te", "forwarded", date(2026, 3, 20), date(2026, 3, 27), None),
    ("T1", "so-y-te", "answered", date(2026, 4, 23), date(2026, 5, 4), date(2026, 5, 4)),
    ("T2", "so-y-te", "answered", date(2026, 4, 28), date(2026, 5, 7), date(2026, 5, 8)),
    ("T3", "so-xay-dung", "returned", date(2026, 4, 1), date(2026, 4, 8), date(2026, 4, 2)),
    ("T3", "so-y-te", "forwarded", date(2026, 4, 3), date(2026, 4, 10), None),
    ("T4", "so-xay-dung", "answered", date(2026, 4, 20), date(2026, 5, 6), date(2026, 4, 29)),
    ("T5", "so-y-te", "answered", date(2026, 4, 6), date(2026, 4, 13), date(2026, 4, 9)),
    ("T5", "so-xay-dung", "answered", date(2026, 4, 14), date(2026, 4, 21), date(2026, 4, 22)),
]


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=VN).astimezone(UTC)


@pytest.fixture(scope="module")
def april(server: ServerProcess) -> ServerProcess:
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    for code, (name, group, active, merged_into) in UNITS.items():
        entry = {"name": name, "group": group, "active": active, "merged_into": merged_into}
        assert admin.http.put(f"/api/v1/catalog/unit/{code}", json=entry).status_code == 200
    for level, (name, days) in LEVELS.items():
        entry = {"name": name, "deadline_working_days": days}
        assert admin.http.put(f"/api/v1/catalog/level/{level}", json=entry).status_code == 200
    for day, (name, working) in DAYS_OFF.items():
        entry = {"name": name, "is_working_day": working}
        assert admin.http.put(f"/api/v1/catalog/holiday/{day}", json=entry).status_code == 200
    ids = {code: new_id() for code in TICKETS}
    for code, (received, address, level, status) in TICKETS.items():
        values = ticket(
            f"P-T4-{code}",
            received_at=at(received, 8).isoformat(),
            citizen_address=address,
            level=level,
            status=status,
            unit_code=None,
            resolved_at=at(received + timedelta(days=20), 10).isoformat() if status == "da_xu_ly" else None,
        )
        pushed = operator.push([operator.mutation("ticket", "create", ids[code], values)])
        assert pushed.status_code == 200, pushed.text
    engine = create_engine(server.db_url)
    with Session(engine) as session, session.begin():
        for code, unit, state, forwarded, deadline, ended in FORWARDINGS:
            assert deadline_for(session, TICKETS[code][2], forwarded) == deadline  # the server's own count
            session.add(
                Forwarding(
                    id=str(uuid.uuid4()), ticket_id=ids[code], unit_code=unit, state=state,
                    forwarded_at=at(forwarded, 9), forwarded_by="dtv1", deadline=deadline,
                    answered_at=at(ended, 15) if state == "answered" and ended else None,
                    returned_at=at(ended, 16) if state == "returned" and ended else None,
                    return_reason="Không thuộc thẩm quyền" if state == "returned" else "",
                )
            )  # fmt: skip
    engine.dispose()
    return server


def _get(server: ServerProcess, kind: str) -> Any:
    answer = Desk(server, "giamsat").http.get("/api/v1/reports", params={**APRIL, "format": kind})
    assert answer.status_code == 200, answer.text
    return answer


def _figures(row: dict[str, Any]) -> tuple[Any, ...]:
    names = ("forwarded", "answered_on_time", "answered_late", "waiting", "overdue_now", "returned")
    return (*(row[name] for name in names), row["on_time_rate"], row["median_working_days"])


def test_the_json_has_each_figure_worked_out_by_hand(april: ServerProcess) -> None:
    on_time = _get(april, "json").json()["on_time"]
    units = {row["unit"]: row for row in on_time["units"]}
    assert list(units) == ["Sở Xây dựng", "Sở Y tế"]
    assert _figures(units["Sở Y tế"]) == (4, 2, 1, 0, 1, 0, 66.67, 5)
    assert (units["Sở Y tế"]["carried_over"], units["Sở Y tế"]["carried_over_overdue"]) == (1, 1)
    assert _figures(units["Sở Xây dựng"]) == (3, 1, 1, 0, 0, 1, 50.0, 6.5)
    assert units["Sở Xây dựng"]["carried_over"] == 0
    assert _figures(on_time["total"]) == (7, 3, 2, 0, 1, 1, 60.0, 6)
    assert (on_time["total"]["carried_over"], on_time["tickets_forwarded"]) == (1, 5)
    areas = [
        (row["area"], row["tickets"], row["resolved"], row["in_progress"], *_figures(row))
        for row in _get(april, "json").json()["areas"]
    ]
    assert areas == [
        ("Phường Sa Đéc", 3, 0, 3, 5, 1, 2, 0, 1, 1, 33.33, 6),
        ("Xã Tân Khánh Đông", 2, 1, 1, 2, 2, 0, 0, 0, 0, 100.0, 6),  # March's T0 is not April's
        ("Chưa xác định địa bàn", 1, 1, 0, 0, 0, 0, 0, 0, 0, None, None),
    ]


def test_the_workbook_shows_the_same_figures_as_the_province_writes_them(april: ServerProcess) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_get(april, "xlsx").content))
    units = [[cell.value for cell in row] for row in book["7. Xử lý đúng hạn"].iter_rows(min_row=6)]
    assert [row[1:11] for row in units] == [
        ["Sở Xây dựng", 3, 1, 1, 0, 0, 1, "50%", "6,5", None],
        ["Sở Y tế", 4, 2, 1, 0, 1, 0, "66,67%", "5", CARRIED],
        ["Tổng số", 7, 3, 2, 0, 1, 1, "60%", "6", CARRIED],
    ]
    areas = [[cell.value for cell in row] for row in book["8. Theo địa bàn"].iter_rows(min_row=6)]
    assert [row[1:12] for row in areas] == [
        ["Phường Sa Đéc", 3, 0, 3, 5, 1, 2, 0, 1, 1, "33,33%"],
        ["Xã Tân Khánh Đông", 2, 1, 1, 2, 2, 0, 0, 0, 0, "100%"],
        ["Chưa xác định địa bàn", 1, 1, 0, 0, 0, 0, 0, 0, 0, "-"],
        ["Tổng số", 6, 2, 4, 7, 3, 2, 0, 1, 1, "60%"],
    ]


def test_the_bulletin_says_the_month_in_the_provinces_words(april: ServerProcess) -> None:
    document = docx.Document(io.BytesIO(_get(april, "docx").content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert (
        "Trong kỳ, Tổng đài 1022 đã chuyển 5 phản ánh, kiến nghị (7 lượt chuyển) đến các cơ quan, đơn vị, "
        "địa phương xử lý; đã trả lời 5 phiếu, trong đó đúng hạn 3 phiếu, trễ hạn 2 phiếu (tỷ lệ phản ánh, "
        "kiến nghị xử lý đúng hạn đạt 60%), thời gian xử lý trung vị 6 ngày làm việc; còn 2 phản ánh, kiến "
        "nghị đang theo dõi kết quả xử lý từ cơ quan, đơn vị, địa phương (trong đó 2 phiếu quá hạn, 1 phiếu "
        "từ các kỳ trước chuyển sang); 1 phiếu được trả lại do không thuộc thẩm quyền."
    ) in text
    assert "trễ hạn, quá hạn: Sở Y tế (1 trễ hạn, 2 quá hạn), Sở Xây dựng (1 trễ hạn, 0 quá hạn)." in text
    by_unit, by_area = document.tables[6], document.tables[7]
    assert [[cell.text for cell in row.cells[1:11]] for row in by_unit.rows[2:]] == [
        ["Sở Xây dựng", "3", "1", "1", "0", "0", "1", "50%", "6,5", ""],
        ["Sở Y tế", "4", "2", "1", "0", "1", "0", "66,67%", "5", CARRIED],
        ["Tổng số", "7", "3", "2", "0", "1", "1", "60%", "6", CARRIED],
    ]  # fmt: skip
    assert [[cell.text for cell in row.cells[1:12]] for row in by_area.rows[2:]] == [
        ["Phường Sa Đéc", "3", "0", "3", "5", "1", "2", "0", "1", "1", "33,33%"],
        ["Xã Tân Khánh Đông", "2", "1", "1", "2", "2", "0", "0", "0", "0", "100%"],
        ["Chưa xác định địa bàn", "1", "1", "0", "0", "0", "0", "0", "0", "0", "-"],
        ["Tổng số", "6", "2", "4", "7", "3", "2", "0", "1", "1", "60%"],
    ]
    assert "8. Tiến độ xử lý phản ánh, kiến nghị theo địa bàn hành chính" in text
