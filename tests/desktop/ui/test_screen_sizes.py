"""Every screen at 1366×768 (most provincial offices) and 1920×1080, in Vietnamese, photographed.

The screenshots are kept under build/screenshots/sizes/ (gitignored) for a person to look at; the assertions
hold what the photos showed was wrong: the form's last row hidden, the overdue table's headers clipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget
from uitest_support import KNOWN_NAME, KNOWN_PHONE

from desktop.ui.shell.translations import install_translations, remove_translations

SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots" / "sizes"
SIZES = [(1366, 768), (1920, 1080)]
TASKBAR = 40  # what Windows' taskbar leaves of the screen's height


@pytest.fixture
def vietnamese(qapp):  # type: ignore[no-untyped-def]
    """Vietnamese and the desk's style sheet, as an operator sees the screens."""
    from desktop.ui.shell.style import apply_style

    sheet, font = qapp.styleSheet(), qapp.font()
    translators = install_translations(qapp)
    apply_style(qapp)
    yield
    remove_translations(qapp, translators)
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def _shoot(widget, name: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}-{size[0]}x{size[1]}.png"))


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_main_window_shows_the_whole_form_down_to_satisfaction(
    qtbot, vietnamese, make_window, seeded, size
):
    window = make_window()
    window.resize(size[0], size[1] - TASKBAR)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    QApplication.processEvents()
    _shoot(window, "main", size)
    form = window.form
    area = form.scroll_area.viewport()
    bottom_of_rating = form.satisfaction_combo.mapTo(area, QPoint(0, form.satisfaction_combo.height()))
    assert bottom_of_rating.y() <= area.height(), "the satisfaction row needs scrolling"


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_dashboard_headers_are_not_clipped(qtbot, vietnamese, make_window, seeded, size):
    window = make_window()
    dashboard = window.supervisor.open_dashboard()
    assert dashboard is not None
    dashboard.resize(size[0], size[1] - TASKBAR)
    qtbot.waitUntil(lambda: dashboard.counts is not None, timeout=10000)
    QApplication.processEvents()
    _shoot(dashboard, "dashboard", size)
    table = dashboard.overdue_table
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    for column in range(table.columnCount()):
        text = table.horizontalHeaderItem(column).text()
        assert header.sectionSize(column) >= metrics.horizontalAdvance(text) + 8, text
    tree = dashboard.breakdown  # each channel, type and level read whole, not "Hệ thống …" then a hover
    room = tree.header().sectionSize(0) - tree.indentation() - 8
    cut = [
        item.text(0)
        for item in dashboard._breakdown_rows.values()
        if tree.fontMetrics().horizontalAdvance(item.text(0)) > room
    ]
    assert cut == []
    figures = dashboard.findChild(QWidget, "figuresBox")  # the figures beside it keep their labels whole
    assert figures is not None and figures.width() >= figures.minimumSizeHint().width()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_surveys_screen_is_photographed(qtbot, vietnamese, make_window, seeded, size):
    window = make_window()
    surveys = window.supervisor.open_surveys()
    assert surveys is not None
    surveys.resize(size[0], size[1] - TASKBAR)
    qtbot.waitUntil(lambda: surveys.policy is not None, timeout=10000)
    _shoot(surveys, "surveys", size)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_report_screen_shows_its_tables_headers_whole(qtbot, vietnamese, make_window, seeded, size):
    window = make_window()
    report = window.supervisor.open_report()
    assert report is not None
    report.resize(size[0], size[1] - TASKBAR)
    with qtbot.waitSignal(report.report_shown, timeout=20000):
        report.show_report()
    for index in range(report.tabs.count()):
        report.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        _shoot(report, f"report-{index + 1}", size)
    grid = report.tabs.widget(0)
    header = grid.horizontalHeader()
    for column in range(1, grid.columnCount()):
        text = grid.horizontalHeaderItem(column).text()  # a long heading on a few lines: each line whole
        widest = max(header.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
        assert header.sectionSize(column) >= widest, text


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_procedures_panel_is_photographed(qtbot, vietnamese, type_text, make_window, store, size):
    from desktop.services.kb import ensure_starter_kb

    ensure_starter_kb(store)
    window = make_window()
    window.resize(size[0], size[1] - TASKBAR)
    panel = window.kb_panel
    window.focus_kb()
    qtbot.waitUntil(lambda: panel.is_loaded, timeout=5000)
    type_text(panel.search_edit, "cap lai cccd")
    qtbot.waitUntil(lambda: bool(panel.hits))
    with qtbot.waitSignal(panel.card_shown, timeout=3000):
        panel.open_hit(panel.hits[0])
    _shoot(window, "procedures", size)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_side_panel_keeps_its_width_while_the_operator_types(
    qtbot, vietnamese, type_text, make_window, seeded, store, runner, size
):
    from desktop.services.kb import ensure_starter_kb
    from desktop.services.phone.callbacks import CallbackQueue
    from desktop.services.phone.codes import CallbackKind
    from desktop.ui.phone.callbacks_panel import CallbacksPanel

    ensure_starter_kb(store)
    queue = CallbackQueue(store, "kiem.thu")
    queue.enqueue(CallbackKind.MISSED, "0362 112 233")
    window = make_window()
    callbacks = CallbacksPanel(queue, runner, window)
    window.side_tabs.addTab(callbacks, "Gọi lại")  # as the phone desk adds it
    window.resize(size[0], size[1] - TASKBAR)
    QApplication.processEvents()
    widths = {window.side_tabs.width()}

    def typed(widget, text: str) -> None:  # type: ignore[no-untyped-def]
        for character in text:
            type_text(widget, character)
            QApplication.processEvents()
            widths.add(window.side_tabs.width())

    with qtbot.waitSignal(callbacks.loaded, timeout=5000):
        window.side_tabs.setCurrentWidget(callbacks)
        callbacks.reload()
    QApplication.processEvents()
    widths.add(window.side_tabs.width())
    _shoot(window, "typing-callbacks", size)
    window.side_tabs.setCurrentWidget(window.history)
    typed(window.form.phone_edit, KNOWN_PHONE.replace(" ", ""))
    qtbot.waitUntil(lambda: window.history.tickets_view.topLevelItemCount() == 2)
    QApplication.processEvents()
    widths.add(window.side_tabs.width())
    _shoot(window, "typing-history", size)
    window.form.name_edit.clear()  # the known name was filled in; a long one is typed instead
    typed(window.form.name_edit, "Nguyễn Thị Ngọc Bích Phương Thảo Hoàng Lan Anh")
    typed(window.form.content_edit, "Phản ánh đèn đường ấp Tân Hòa, xã Tân Hộ Cơ, huyện Tân Hồng bị hư")
    window.focus_kb()
    qtbot.waitUntil(lambda: window.kb_panel.is_loaded, timeout=5000)
    typed(window.kb_panel.search_edit, "cap lai can cuoc cong dan")
    qtbot.waitUntil(lambda: bool(window.kb_panel.hits), timeout=5000)
    QApplication.processEvents()
    widths.add(window.side_tabs.width())
    _shoot(window, "typing-procedures", size)
    assert len(widths) == 1, f"the side panel changed width while typing: {sorted(widths)}"
    caller = window.history.name_label
    assert caller.text().startswith(KNOWN_NAME)  # the whole text, elided on screen if it must be
