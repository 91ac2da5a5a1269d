"""The supervisor's Báo cáo screen: period presets, the province's tables, Excel and Word with progress."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.domain.clock import now_vn
from desktop.ui.supervisor.report_view import PRESET_CUSTOM, PRESET_REFORM, column_labels, preset_range
from reports.tables import BUILDERS, Head, Table


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 8), (date(2026, 2, 21), date(2026, 3, 20))),
        (date(2026, 3, 21), (date(2026, 3, 21), date(2026, 4, 20))),
        (date(2026, 12, 25), (date(2026, 12, 21), date(2027, 1, 20))),
        (date(2026, 1, 5), (date(2025, 12, 21), date(2026, 1, 20))),
    ],
)
def test_the_reform_period_runs_from_the_21st_to_the_20th(today: date, expected: tuple[date, date]) -> None:
    assert preset_range(PRESET_REFORM, today) == expected


def test_merged_headers_give_each_column_its_whole_label() -> None:
    table = Table(
        "t",
        "t",
        [[Head("Đơn vị", rows=2), Head("Cấp độ", columns=2)], [Head("1"), Head("2")]],
        [],
        [],
    )
    assert column_labels(table) == ["Đơn vị", "Cấp độ · 1", "Cấp độ · 2"]


def test_the_report_screen_shows_the_tables_and_exports_excel_and_word(
    qtbot, make_window, seeded, tmp_path: Path
):
    window = make_window()
    qtbot.keyClick(
        window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    view = window.supervisor.report
    assert view is not None and view.isVisible()
    today = now_vn().date()
    assert view.period() == (today.replace(day=1), today)  # this month by default
    view.from_date.setDate(view.from_date.date().addDays(-40))  # the seeded tickets span month ends
    assert view.preset_combo.currentData() == PRESET_CUSTOM
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    with qtbot.waitSignal(view.report_shown, timeout=20000) as shown:
        qtbot.keyClick(view, Qt.Key.Key_F5)
    assert shown.args[0]["totals"]["tickets"] == 3
    assert view.tabs.count() == len(BUILDERS) + 2  # tables 7-8: a page saying they come from the server
    for index in (len(BUILDERS), len(BUILDERS) + 1):
        note = view.tabs.widget(index)
        assert isinstance(note, QLabel) and "máy chủ trung tâm" in note.text()
        assert "Chưa kết nối máy chủ" in note.text() and "Đăng nhập máy chủ" in note.text()
    first = view.tabs.widget(0)
    assert first.rowCount() >= 1 and first.columnCount() > 3

    for kind in ("xlsx", "docx"):
        target = tmp_path / f"bao-cao.{kind}"
        with qtbot.waitSignal(view.exported, timeout=30000):
            view.export_to(target, kind)
        assert view.progress.isHidden()
        with zipfile.ZipFile(target) as written:  # a whole Office file, not a partial one
            assert written.testzip() is None
        assert not list(tmp_path.glob(".*dang-ghi"))
