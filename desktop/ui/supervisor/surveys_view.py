"""The satisfaction survey list: call back, then record the answer in at most three keystrokes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.changes import ChangeHub, OpChanges
from desktop.domain.clock import shown_vn
from desktop.domain.phone import display_phone
from desktop.services.supervisor.surveys import (
    REASON_KEYS,
    DueList,
    DueSurvey,
    RecordedAttempt,
    SurveyAnswer,
    SurveyPolicy,
)
from desktop.ui.common.tasks import TaskRunner, default_runner

DUE_LIMIT = 500
LIVE_REFRESH_MS = 300  # a burst of pulled pages → one read of the due list


class SurveyDesk(Protocol):
    """The part of SurveyService the list uses; every call runs on a worker thread."""

    def due(self, limit: int = 500) -> DueList: ...
    def record(
        self, ticket_id: str, answer: SurveyAnswer, *, call_id: str | None = None
    ) -> RecordedAttempt: ...
    def policy(self) -> SurveyPolicy: ...
    def set_policy(self, policy: SurveyPolicy) -> None: ...


class DueSurveyModel(QAbstractTableModel):
    """The due list as rows; read-only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: list[DueSurvey] = []
        self._headers = [
            self.tr("Code"),
            self.tr("Phone"),
            self.tr("Citizen"),
            self.tr("Unit"),
            self.tr("Resolved on"),
            self.tr("Attempts"),
            self.tr("Last attempt"),
        ]

    def set_items(self, items: list[DueSurvey]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and not item.phone:
            return self.tr("No phone number: press 3 to record 'no response'")
        return None

    def _text(self, item: DueSurvey, column: int) -> str:
        if column == 0:
            return item.code
        if column == 1:
            return display_phone(item.phone) if item.phone else "–"
        if column == 2:
            return item.citizen_name
        if column == 3:
            return item.unit_name or self.tr("1022 Hotline")
        if column == 4:
            return shown_vn(item.resolved_at)
        if column == 5:
            return str(item.attempts)
        return shown_vn(item.last_attempt_at, "%d/%m %H:%M") if item.last_attempt_at else ""


class SurveysView(QWidget):
    """Keys on the list: 1 satisfied; 2 then 1-6 dissatisfied with a reason; 0 no answer this time;
    3 no response (final); Enter calls the citizen; Esc cancels a started answer, else closes the
    window (as the dashboard's and the report's Esc do); F5 reloads."""

    call_requested = Signal(str, str)  # phone (E.164), ticket id
    answer_recorded = Signal(object)  # RecordedAttempt
    list_loaded = Signal(int)  # how many are due

    def __init__(
        self, desk: SurveyDesk, runner: TaskRunner | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("surveysView")
        self.setWindowTitle(self.tr("Satisfaction surveys"))
        self._desk = desk
        self._runner = runner or default_runner()
        self._busy = False
        self._awaiting_reason = False
        self._calls: dict[str, str] = {}
        self.total = 0
        self.policy: SurveyPolicy | None = None
        self._unfollow: Callable[[], None] | None = None
        self._live_refresh = QTimer(self)
        self._live_refresh.setSingleShot(True)
        self._live_refresh.setInterval(LIVE_REFRESH_MS)
        self._live_refresh.timeout.connect(self.on_live_refresh_timeout)

        self.model = DueSurveyModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("surveyList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(self.on_table_double_clicked)

        title = QLabel(self.tr("Satisfaction surveys"), self)
        title.setObjectName("panelTitle")
        self.count_label = QLabel("…", self)
        self.count_label.setObjectName("surveyCount")
        self.attempts_spin = QSpinBox(self)
        self.attempts_spin.setObjectName("maxAttempts")
        self.attempts_spin.setRange(1, 20)
        self.attempts_spin.setValue(SurveyPolicy().max_attempts)
        self.attempts_spin.setToolTip(
            self.tr("After this many unanswered calls the ticket is recorded as 'no response'")
        )
        self.attempts_spin.editingFinished.connect(self.on_attempts_spin_editing_finished)
        attempts_label = QLabel(self.tr("No response after"), self)
        attempts_label.setBuddy(self.attempts_spin)
        self.keys_label = QLabel(self)
        self.keys_label.setObjectName("surveyKeys")
        self.keys_label.setWordWrap(True)
        self.reasons_label = QLabel(self)
        self.reasons_label.setObjectName("surveyReasons")
        self.reasons_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.reasons_label.setMargin(6)
        self.reasons_label.hide()
        self.message_label = QLabel(self)
        self.message_label.setObjectName("surveyMessage")
        self.message_label.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.count_label, 1)
        top.addWidget(attempts_label)
        top.addWidget(self.attempts_spin)
        top.addWidget(QLabel(self.tr("attempts"), self))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reasons_label)
        layout.addWidget(self.keys_label)
        layout.addWidget(self.message_label)
        self._show_keys()
        self.resize(1000, 600)

    # -- loading -------------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._busy:
            self.reload()  # reopened: what others answered meanwhile is not shown stale
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def follow(self, changes: ChangeHub) -> None:
        """Shown, the list follows the desk's change event: a ticket resolved or rated here or on
        another desk shows at once, not at the next F5 (hidden, it is read again when shown)."""
        if self._unfollow is not None:
            self._unfollow()
        self._unfollow = changes.subscribe(self.on_changes)
        self.destroyed.connect(self._unfollow)

    def on_changes(self, changes: OpChanges) -> None:
        if changes.touches_tickets and self.isVisible():
            self._live_refresh.start()

    def on_live_refresh_timeout(self) -> None:
        if self._busy:  # an answer is being saved: its own reload follows, then this one
            self._live_refresh.start()
            return
        self.reload()

    def reload(self) -> None:
        self._live_refresh.stop()
        desk = self._desk

        def read() -> DueList:
            """Runs on a worker thread."""
            return desk.due(DUE_LIMIT)

        self._busy = True
        self._runner.run(read, self.on_due_loaded, self.on_task_failed)

    def on_due_loaded(self, due: DueList) -> None:
        row = max(0, self.table.currentIndex().row())
        self.model.set_items(due.items)
        self.total = due.total
        self.policy = due.policy
        self.attempts_spin.setValue(due.policy.max_attempts)
        shown = len(due.items)
        text = self.tr("%1 tickets waiting for a survey").replace("%1", f"{due.total:,}".replace(",", "."))
        if shown < due.total:
            text += " " + self.tr("(the oldest %1 shown)").replace("%1", str(shown))
        if due.policy.due_within_days:
            text += " · " + self.tr(
                "resolved in the last %1 days and not rated yet (older ones are not listed)"
            ).replace("%1", str(due.policy.due_within_days))
        self.count_label.setText(text)
        if shown:
            self.table.setCurrentIndex(self.model.index(min(row, shown - 1), 0))
        self._busy = False
        self.list_loaded.emit(due.total)

    def on_task_failed(self, error: BaseException) -> None:
        self._busy = False
        self.message_label.setText(str(error))

    def set_call_for(self, ticket_id: str, call_id: str) -> None:
        """The phone says which call reached this ticket's citizen: the next attempt records it."""
        self._calls[ticket_id] = call_id

    # -- keys ----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self.handle_key(event)
        return super().eventFilter(watched, event)

    def handle_key(self, event: QKeyEvent) -> bool:
        """True when the key was a survey key (consumed)."""
        key, text = event.key(), event.text()
        if key == Qt.Key.Key_F5:
            self.reload()
            return True
        if key == Qt.Key.Key_Escape and self._awaiting_reason:
            self._awaiting_reason = False
            self._show_keys()
            return True
        if key == Qt.Key.Key_Escape and self.isWindow():
            self.close()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.request_call()
            return True
        if not (len(text) == 1 and text.isdigit()):
            return False
        item = self.current_item()
        if item is None:
            return True
        if self._busy:
            self.message_label.setText(self.tr("Still saving the previous answer; press the key again."))
            return True
        if self._awaiting_reason:
            reason = REASON_KEYS.get(text)
            if reason is None:
                self.message_label.setText(self.tr("Press 1 to 6 for the reason, or Esc to cancel."))
                return True
            self._awaiting_reason = False
            self.record(item, SurveyAnswer.dissatisfied(reason))
            return True
        if text == "1":
            self.record(item, SurveyAnswer.satisfied())
        elif text == "2":
            self._awaiting_reason = True
            self._show_reasons()
        elif text == "3":
            self.record(item, SurveyAnswer.no_response())
        elif text == "0":
            self.record(item, SurveyAnswer.no_answer())
        return True

    def current_item(self) -> DueSurvey | None:
        row = self.table.currentIndex().row()
        return self.model.items[row] if 0 <= row < len(self.model.items) else None

    def request_call(self) -> None:
        item = self.current_item()
        if item is None:
            return
        if not item.phone:
            self.message_label.setText(self.tr("This ticket has no phone number to call."))
            return
        self.call_requested.emit(item.phone, item.ticket_id)

    def on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.request_call()

    # -- writing -------------------------------------------------------------------------------
    def record(self, item: DueSurvey, answer: SurveyAnswer) -> None:
        desk, call_id = self._desk, self._calls.pop(item.ticket_id, None)

        def write() -> RecordedAttempt:
            """Runs on a worker thread."""
            return desk.record(item.ticket_id, answer, call_id=call_id)

        self._busy = True
        self.message_label.setText(self.tr("Saving…"))
        self._runner.run(write, self.on_recorded, self.on_record_failed)

    def on_recorded(self, result: RecordedAttempt) -> None:
        if result.still_due:
            self.message_label.setText(
                self.tr("No answer recorded (attempt %1).").replace("%1", str(result.attempts))
            )
        else:
            self.message_label.setText(self.tr("Saved: %1").replace("%1", self._outcome_text(result)))
        self._show_keys()
        self.answer_recorded.emit(result)
        if result.still_due:  # on to the next citizen; this one stays for a later attempt
            index = self.table.currentIndex()
            if index.row() + 1 < self.model.rowCount():
                self.table.setCurrentIndex(self.model.index(index.row() + 1, 0))
        self.reload()

    def on_record_failed(self, error: BaseException) -> None:
        self._busy = False
        self._show_keys()
        self.message_label.setText(str(error))
        self.reload()

    def _outcome_text(self, result: RecordedAttempt) -> str:
        text: str = result.satisfaction.label
        if result.reason is not None:
            text += f" – {result.reason.label}"
        return text

    # -- policy --------------------------------------------------------------------------------
    def on_attempts_spin_editing_finished(self) -> None:
        current = self.policy or SurveyPolicy()
        wanted = self.attempts_spin.value()
        if wanted == current.max_attempts:
            return
        policy = SurveyPolicy(max_attempts=wanted, due_within_days=current.due_within_days)
        desk = self._desk

        def write() -> None:
            """Runs on a worker thread."""
            desk.set_policy(policy)

        self.policy = policy
        self._runner.run(write, lambda _: None, self.on_task_failed)

    # -- help text -----------------------------------------------------------------------------
    def _show_keys(self) -> None:
        self.reasons_label.hide()
        self.keys_label.setText(
            self.tr(
                "Keys: 1 satisfied · 2 dissatisfied (then the reason) · 0 no answer this time · "
                "3 no response · Enter call · F5 reload · Esc close"
            )
        )

    def _show_reasons(self) -> None:
        lines = [self.tr("Dissatisfied: why? Press the reason's digit (Esc cancels)")]
        lines += [f"   {key}   {reason.label}" for key, reason in REASON_KEYS.items()]
        self.reasons_label.setText("\n".join(lines))
        self.reasons_label.show()


__all__ = ["DueSurveyModel", "SurveyDesk", "SurveysView"]
