"""The province's report from the server with its on-time tables: per unit (answered on time, late, still
followed, overdue, returned, the on-time rate, the median working days) and per administrative area of the
citizen's address (communes and wards as the catalog knows them after the 2025 mergers), checked against a
small known month in the JSON, and by reopening the Excel workbook and the Word bulletin the server wrote."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from server.models import Forwarding
from tests.server.server_lab import REPO, SECRET, Desk, ServerProcess, new_id, ticket

VN = timezone(timedelta(hours=7))
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
HOSTILE_UNIT = '=HYPERLINK("http://x.invalid","Sở Xây dựng")'
AREAS = {
    # code: (name, group, active, merged_into)
    "ubnd-tp-sa-dec": ("UBND Thành phố Sa Đéc", "huyen", False, None),  # district level abolished in 2025
    "ubnd-phuong-sa-dec": ("UBND phường Sa Đéc", "xa", True, None),
    "ubnd-phuong-1-sa-dec": ("UBND Phường 1", "xa", False, "ubnd-phuong-sa-dec"),  # merged in 2025
    "ubnd-xa-tan-khanh-dong": ("UBND xã Tân Khánh Đông", "xa", True, None),
}


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=VN).astimezone(UTC)


@pytest.fixture(scope="module")
def march(server: ServerProcess) -> ServerProcess:
    """Five tickets of March 2026 and four forwardings, with days chosen so every figure is known."""
    admin, operator = Desk(server, "admin"), Desk(server, "dtv1")
    units = {
        "so-y-te": ("Sở Y tế", "so_nganh", True, None),
        "so-xay-dung": (HOSTILE_UNIT, "so_nganh", True, None),
        **AREAS,
    }
    for code, (name, group, active, merged_into) in units.items():
        entry = {"name": name, "group": group, "active": active, "merged_into": merged_into}
        assert admin.http.put(f"/api/v1/catalog/unit/{code}", json=entry).status_code == 200
    addresses = {
        "T1": ("Ấp Tân Hòa, xã Tân Khánh Đông, TP Sa Đéc", 3, "dang_xu_ly"),
        "T2": ("Số 5 Hùng Vương, Phường 1, thành phố Sa Đéc", 3, "dang_xu_ly"),  # the old ward's name
        "T3": ("phường Sa Đéc, tỉnh Đồng Tháp", 2, "dang_xu_ly"),
        "T4": ("Quận 3, TP Hồ Chí Minh", 1, "da_xu_ly"),  # no area of the catalog
        "T5": ("xa tan khanh dong", 1, "da_xu_ly"),  # typed without marks
    }
    ids = {}
    for number, (code, (address, level, status)) in enumerate(addresses.items(), 2):
        ids[code] = new_id()
        values = ticket(
            f"P-OT-{code}",
            received_at=f"2026-03-{number:02d}T08:30:00+07:00",
            citizen_address=address,
            level=level,
            status=status,
            unit_code=None,
            resolved_at=f"2026-03-{number:02d}T09:30:00+07:00" if status == "da_xu_ly" else None,
        )
        pushed = operator.push([operator.mutation("ticket", "create", ids[code], values)])
        assert pushed.status_code == 200, pushed.text
    # (ticket, unit, state, forwarded on, deadline, answered on): Mon 2/3 to Fri 6/3 is 5 working days
    steps: list[tuple[str, str, str, date, date, date | None]] = [
        ("T1", "so-y-te", "answered", date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 4)),  # 2 days
        ("T2", "so-y-te", "answered", date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 10)),  # 6 days
        ("T3", "so-y-te", "forwarded", date(2026, 3, 3), date(2026, 3, 9), None),  # overdue since
        ("T3", "so-xay-dung", "returned", date(2026, 3, 2), date(2026, 3, 6), None),
    ]
    engine = create_engine(server.db_url)
    with Session(engine) as session, session.begin():
        for code, unit, state, forwarded, deadline, answered in steps:
            session.add(
                Forwarding(
                    id=str(uuid.uuid4()), ticket_id=ids[code], unit_code=unit, state=state,
                    forwarded_at=at(forwarded), forwarded_by="dtv1", deadline=deadline,
                    answered_at=at(answered, 15) if answered else None,
                    returned_at=at(forwarded, 16) if state == "returned" else None,
                    return_reason="Không thuộc thẩm quyền" if state == "returned" else "",
                )
            )  # fmt: skip
    engine.dispose()
    return server


def _get(server: ServerProcess, kind: str) -> Any:
    answer = Desk(server, "giamsat").http.get("/api/v1/reports", params={**MARCH, "format": kind})
    assert answer.status_code == 200, answer.text
    return answer


def test_the_json_counts_each_unit_and_each_area_against_its_deadlines(march: ServerProcess) -> None:
    report = _get(march, "json").json()
    health = next(row for row in report["on_time"]["units"] if row["unit_code"] == "so-y-te")
    assert health == {
        "unit_code": "so-y-te", "unit": "Sở Y tế", "forwarded": 3, "answered_on_time": 1, "answered_late": 1,
        "overdue_now": 1, "waiting": 0, "returned": 0, "on_time_rate": 50.0, "median_working_days": 4.0,
        "carried_over": 0, "carried_over_overdue": 0,
    }  # fmt: skip
    total = report["on_time"]["total"]
    assert (total["forwarded"], total["returned"], total["on_time_rate"]) == (4, 1, 50.0)
    areas = [
        (a["area"], a["tickets"], a["resolved"], a["forwarded"], a["on_time_rate"]) for a in report["areas"]
    ]
    assert areas == [
        ("Phường Sa Đéc", 2, 0, 3, 0.0),  # the old Phường 1 counts where it was merged
        ("Xã Tân Khánh Đông", 2, 1, 1, 100.0),  # the commune before the district, marks or not
        ("Chưa xác định địa bàn", 1, 1, 0, None),
    ]


def test_the_workbook_has_the_on_time_tables_with_the_same_numbers(march: ServerProcess) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_get(march, "xlsx").content))
    units = book["7. Xử lý đúng hạn"]
    rows = [[cell.value for cell in row] for row in units.iter_rows(min_row=6)]
    health = next(row for row in rows if row[1] == "Sở Y tế")
    assert health[2:10] == [3, 1, 1, 0, 1, 0, "50%", "4"]
    hostile = next(row for row in units.iter_rows(min_row=6) if row[1].value == HOSTILE_UNIT)
    assert hostile[1].data_type == "s"  # the catalog's text stays text, never a formula
    assert [cell.value for cell in hostile[2:10]] == [1, 0, 0, 0, 0, 1, "-", "-"]
    assert rows[-1][1:10] == ["Tổng số", 4, 1, 1, 0, 1, 1, "50%", "4"]
    areas = [[cell.value for cell in row] for row in book["8. Theo địa bàn"].iter_rows(min_row=6)]
    assert [row[1:12] for row in areas] == [
        ["Phường Sa Đéc", 2, 0, 2, 3, 0, 1, 0, 1, 1, "0%"],
        ["Xã Tân Khánh Đông", 2, 1, 1, 1, 1, 0, 0, 0, 0, "100%"],
        ["Chưa xác định địa bàn", 1, 1, 0, 0, 0, 0, 0, 0, 0, "-"],
        ["Tổng số", 5, 2, 3, 4, 1, 1, 0, 1, 1, "50%"],
    ]
    assert book["8. Theo địa bàn"]["B4"].value == "Địa bàn (xã, phường)"


def test_the_bulletin_says_the_on_time_rate_and_draws_both_tables(march: ServerProcess) -> None:
    document = docx.Document(io.BytesIO(_get(march, "docx").content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "tỷ lệ phản ánh, kiến nghị xử lý đúng hạn đạt 50%" in text
    assert "còn 1 phản ánh, kiến nghị đang theo dõi kết quả xử lý từ cơ quan, đơn vị, địa phương" in text
    assert "1 phiếu được trả lại do không thuộc thẩm quyền" in text
    assert "Sở Y tế (1 trễ hạn, 1 quá hạn)" in text
    by_unit, by_area = document.tables[6], document.tables[7]
    health = next(row for row in by_unit.rows if row.cells[1].text == "Sở Y tế")
    assert [cell.text for cell in health.cells[2:10]] == ["3", "1", "1", "0", "1", "0", "50%", "4"]
    assert [cell.text for cell in by_area.rows[-1].cells[1:12]] == [
        "Tổng số", "5", "2", "3", "4", "1", "1", "0", "1", "1", "50%",
    ]  # fmt: skip
    assert by_area.rows[2].cells[1].text == "Phường Sa Đéc"


def test_a_wrong_format_is_refused_in_words(march: ServerProcess) -> None:
    answer = Desk(march, "giamsat").http.get("/api/v1/reports", params={**MARCH, "format": "pdf"})
    assert answer.status_code == 422


def test_an_admin_writes_the_same_workbook_from_the_command_line(
    march: ServerProcess, tmp_path: Path
) -> None:
    out = tmp_path / "bao-cao-thang-3.xlsx"
    command = [sys.executable, "-m", "server", "--db", march.db_url, "report",
               "--from", MARCH["from"], "--to", MARCH["to"], "--out", str(out)]  # fmt: skip
    env = {**os.environ, "TONGDAI1022_SERVER_SECRET": SECRET}
    made = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "Đã ghi báo cáo" in made.stdout
    written = openpyxl.load_workbook(out)["8. Theo địa bàn"]
    served = openpyxl.load_workbook(io.BytesIO(_get(march, "xlsx").content))["8. Theo địa bàn"]
    assert [[c.value for c in row] for row in written.iter_rows()] == [
        [c.value for c in row] for row in served.iter_rows()
    ]
    wrong = subprocess.run([*command[:-1], str(tmp_path / "bao-cao.pdf")], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert wrong.returncode == 2 and "Lỗi" in wrong.stderr
