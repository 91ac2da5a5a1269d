"""The main window opens the dashboard and the survey list by shortcut; survey calls reach the phone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from uitest_support import draft

from desktop.domain.clock import now_vn

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_shortcuts_open_the_supervisor_screens(qtbot, make_window, ticket_service, seeded):
    window = make_window()
    today = now_vn().date()
    expected_today = sum(
        ticket_service.get(ticket_id).draft.received_at.date() == today for ticket_id in seeded.values()
    )
    assert window.supervisor.dashboard_action in window.shortcut_actions()
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL_SHIFT)
    dashboard = window.supervisor.dashboard
    assert dashboard is not None
    qtbot.waitUntil(lambda: dashboard.counts is not None, timeout=10000)
    assert dashboard.isVisible()
    assert dashboard.counts.today.tickets.total == expected_today
    ticket_service.create(draft(received_at=now_vn()))
    qtbot.waitUntil(lambda: dashboard.counts.today.tickets.total == expected_today + 1, timeout=8000)
    dashboard.close()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_S, CTRL_SHIFT)
    surveys = window.supervisor.surveys
    assert surveys is not None
    qtbot.waitUntil(lambda: surveys.policy is not None, timeout=10000)
    assert [item.ticket_id for item in surveys.model.items] == []  # the resolved one is rated
    surveys.close()
