"""The supervisor's screens as the main window opens them: two actions, two windows made on first use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop.changes import ChangeHub, OpChanges, Origin
from desktop.ui.common.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.services.supervisor.dashboard import SupervisorServices
    from desktop.services.supervisor.surveys import RecordedAttempt
    from desktop.ui.supervisor.dashboard import DashboardView
    from desktop.ui.supervisor.report_view import ReportView
    from desktop.ui.supervisor.surveys_view import SurveysView

DASHBOARD_KEYS = ["Ctrl+Shift+B"]
SURVEYS_KEYS = ["Ctrl+Shift+S"]
REPORT_KEYS = ["Ctrl+Shift+R"]


class SupervisorScreens(QObject):
    """Owns the dashboard and survey windows; `call_requested` passes the survey list's calls on."""

    call_requested = Signal(str, str)  # phone, ticket id

    def __init__(
        self,
        services: SupervisorServices | None,
        runner: TaskRunner,
        window: QWidget,
        changes: ChangeHub | None = None,
    ) -> None:
        super().__init__(window)
        self._services = services
        self._changes = changes or ChangeHub()
        self._runner = runner
        self._window = window
        self.dashboard: DashboardView | None = None
        self.surveys: SurveysView | None = None
        self.report: ReportView | None = None
        self.dashboard_action = self._action(
            "dashboardAction",
            self.tr("Supervisor &dashboard"),
            DASHBOARD_KEYS,
            self.tr("Live counts, overdue tickets, operators and trends"),
            self.open_dashboard,
        )
        self.surveys_action = self._action(
            "surveysAction",
            self.tr("Satisfaction &surveys"),
            SURVEYS_KEYS,
            self.tr("Call back resolved tickets and record the citizen's satisfaction"),
            self.open_surveys,
        )
        self.report_action = self._action(
            "reportAction",
            self.tr("&Report…"),
            REPORT_KEYS,
            self.tr("The province's report of a period: tables, Excel and Word"),
            self.open_report,
        )
        self.actions = [self.dashboard_action, self.surveys_action, self.report_action]
        for action in self.actions:
            action.setEnabled(services is not None)

    def _action(self, name: str, text: str, keys: list[str], tip: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({shown})")
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def open_dashboard(self) -> DashboardView | None:
        if self._services is None:
            return None
        if self.dashboard is None:
            from desktop.ui.supervisor.dashboard import DashboardView

            self.dashboard = DashboardView(
                self._services.dashboard,
                self._services.presence,
                self._runner,
                parent=self._window,
                units=self._services.units,
            )
            self.dashboard.setWindowFlag(Qt.WindowType.Window)
        _raise(self.dashboard)
        return self.dashboard

    def open_surveys(self) -> SurveysView | None:
        if self._services is None:
            return None
        if self.surveys is None:
            from desktop.ui.supervisor.surveys_view import SurveysView

            self.surveys = SurveysView(self._services.surveys, self._runner, parent=self._window)
            self.surveys.setWindowFlag(Qt.WindowType.Window)
            self.surveys.call_requested.connect(self.call_requested)
            self.surveys.answer_recorded.connect(self.on_surveys_answer_recorded)
            self.surveys.follow(self._changes)
        _raise(self.surveys)
        return self.surveys

    def on_surveys_answer_recorded(self, result: RecordedAttempt) -> None:
        """A rating is a ticket change: the list, the open form and the sync desk hear of it."""
        self._changes.publish(OpChanges(Origin.LOCAL, tickets=frozenset({result.ticket_id}), outbox=True))

    def open_report(self) -> ReportView | None:
        if self._services is None or self._services.reports is None:
            return None
        if self.report is None:
            from desktop.ui.supervisor.report_view import ReportView

            self.report = ReportView(
                self._services.reports,
                self._runner,
                parent=self._window,
                server=self._services.server_tables,
            )
            self.report.setWindowFlag(Qt.WindowType.Window)
        _raise(self.report)
        return self.report


def _raise(widget: QWidget) -> None:
    widget.show()
    widget.raise_()
    widget.activateWindow()
