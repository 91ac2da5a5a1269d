"""The callback queue beside the form: who to call back and why, attempts; call, reschedule, outcome."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.changes import ChangeHub, OpChanges
from desktop.domain.clock import now_vn, shown_vn
from desktop.domain.phone import display_phone
from desktop.services.phone.callbacks import CallbackItem, CallbackQueue
from desktop.services.phone.codes import AttemptOutcome, CallbackKind
from desktop.ui.common.tasks import TaskRunner

ITEM_ROLE = Qt.ItemDataRole.UserRole
WHY_COLUMN = 3


class CallbacksPanel(QWidget):
    """Reads and writes the queue through the task runner; Enter calls the citizen back."""

    call_requested = Signal(object)  # CallbackItem
    loaded = Signal(int)

    def __init__(self, queue: CallbackQueue, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callbacksPanel")
        self._queue = queue
        self._runner = runner
        self._changes: ChangeHub | None = None
        self.items: list[CallbackItem] = []
        self._called_id: str | None = None  # the callback last called from this list (Enter)
        self.view = QTreeWidget(self)
        self.view.setObjectName("callbacksView")
        self.view.setHeaderLabels(
            [
                self.tr("Due"),
                self.tr("Number"),
                self.tr("Citizen"),
                self.tr("Why"),
                self.tr("Attempts"),
                self.tr("Last outcome"),
            ]
        )
        self.view.setRootIsDecorated(False)
        header = self.view.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # "Why" (with the ticket's code) takes what is left and elides, whole on hover: at 1366 px it pushed
        # the attempts and the last outcome out of the side panel, behind a scroll bar
        header.setStretchLastSection(False)
        header.setSectionResizeMode(WHY_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        self.view.itemActivated.connect(self.on_view_item_activated)
        self.view.installEventFilter(self)  # the list has the focus: its own type-ahead would eat the digits
        self.view.currentItemChanged.connect(self.on_view_current_item_changed)
        # An answer ready: the unit's answer stays on screen while the operator reads it to the citizen
        self.answer_label = QLabel(self.tr("The unit's answer, to read to the citizen:"), self)
        self.answer_label.setObjectName("callbackAnswerLabel")
        self.answer_label.setWordWrap(True)
        self.answer_view = QPlainTextEdit(self)
        self.answer_view.setObjectName("callbackAnswer")
        self.answer_view.setReadOnly(True)
        self.answer_view.setTabChangesFocus(True)
        self.answer_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.answer_label.setBuddy(self.answer_view)
        self.answer_label.hide()
        self.answer_view.setMinimumHeight(60)  # the queue's explanation above keeps its lines at 768 px high
        self.view.setMinimumHeight(60)
        self.answer_view.hide()
        self.status_label = QLabel(self)
        self.status_label.setObjectName("callbacksStatus")
        self.status_label.setWordWrap(True)  # its explanation must not widen the side panel
        self.call_button = QPushButton(self.tr("Call back (Enter)"), self)
        self.call_button.setObjectName("callBackButton")
        self.later_button = QPushButton(self.tr("In 1 hour (H)"), self)
        self.tomorrow_button = QPushButton(self.tr("Tomorrow 8:00 (T)"), self)
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.call_button.clicked.connect(self.call_current)
        self.later_button.clicked.connect(lambda: self.reschedule_current(now_vn() + timedelta(hours=1)))
        self.tomorrow_button.clicked.connect(self.reschedule_tomorrow)
        self.refresh_button.clicked.connect(self.reload)
        hint = QLabel(
            self.tr(
                "The desk's phone records each call back by itself. Called on another phone: "
                "1 reached, 2 no answer, 3 busy, 4 wrong number."
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        buttons = QHBoxLayout()
        for button in (self.call_button, self.later_button, self.tomorrow_button, self.refresh_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.answer_label)
        layout.addWidget(self.answer_view, 1)
        layout.addLayout(buttons)
        layout.addWidget(hint)

    def follow(self, changes: ChangeHub) -> None:
        """Reload from the desk's change event, and tell it when this panel changed the queue."""
        self._changes = changes
        changes.subscribe(self.on_changes)

    def on_changes(self, changes: OpChanges) -> None:
        """The queue's own changes, and any ticket's: a pulled unit's answer is an "answer ready" to call
        back, another desk's call back takes it away, a resolved ticket's survey falls due."""
        if changes.callbacks or changes.touches_tickets:
            self.reload()

    def _changed(self) -> None:
        """An attempt or a new date written: one change event (this panel reloads from it), else a reload."""
        if self._changes is not None:
            self._changes.publish(OpChanges.callbacks_changed())
        else:
            self.reload()

    def reload(self) -> None:
        queue = self._queue

        def load() -> list[CallbackItem]:
            """Worker thread: adds the tickets whose answer is ready or whose survey is due, then reads."""
            queue.sync_from_tickets()
            return queue.pending()

        self._runner.run(load, self._on_loaded, self._on_failed)

    def _on_loaded(self, items: list[CallbackItem]) -> None:
        self.items = items
        current = self.current()
        self.view.clear()
        now = now_vn()
        for item in items:
            row = QTreeWidgetItem(
                [
                    shown_vn(item.due_at, "%d/%m %H:%M"),
                    display_phone(item.phone),
                    item.citizen_name,
                    item.kind.label + (f" · {item.ticket_code}" if item.ticket_code else ""),
                    str(item.attempts),
                    item.last_outcome.label if item.last_outcome else "",
                ]
            )
            row.setData(0, ITEM_ROLE, item.id)
            row.setToolTip(WHY_COLUMN, row.text(WHY_COLUMN))
            if item.due_at <= now:
                row.setForeground(0, Qt.GlobalColor.darkRed)
            self.view.addTopLevelItem(row)
            if current is not None and current.id == item.id:
                self.view.setCurrentItem(row)
        first = self.view.topLevelItem(0)
        if self.view.currentItem() is None and first is not None:
            self.view.setCurrentItem(first)
        self.show_answer()
        self.status_label.setText(
            self.tr("%1 callbacks waiting").replace("%1", str(len(items)))
            + " · "
            + self.tr(
                "missed calls, units' answers to pass on and surveys due; "
                "tickets still waiting for a unit's answer are not listed"
            )
        )
        self.loaded.emit(len(items))

    def show_answer(self) -> None:
        """The chosen item's answer under the queue when it is an answer ready; hidden for the others."""
        item = self.current()
        ready = item is not None and item.kind is CallbackKind.ANSWER_READY
        self.answer_label.setVisible(ready)
        self.answer_view.setVisible(ready)
        if item is None or not ready:
            self.answer_view.clear()
            return
        if item.answer.strip():
            self.answer_label.setText(self.tr("The unit's answer, to read to the citizen:"))
            self.answer_view.setPlainText(item.answer)
        else:
            self.answer_label.setText(
                self.tr("This ticket has no answer written yet: open the ticket before calling back.")
            )
            self.answer_view.clear()

    def on_view_current_item_changed(self, *_items: QTreeWidgetItem | None) -> None:
        self.show_answer()

    def _on_failed(self, error: BaseException) -> None:
        self.status_label.setText(self.tr("Could not read the callback queue: %1").replace("%1", str(error)))

    def current(self) -> CallbackItem | None:
        row = self.view.currentItem()
        if row is None:
            return None
        wanted = row.data(0, ITEM_ROLE)
        return next((item for item in self.items if item.id == wanted), None)

    def _chosen(self) -> CallbackItem | None:
        """The selected callback, or None after saying why a key did nothing."""
        item = self.current()
        if item is None:
            self.status_label.setText(
                self.tr("The callback queue is empty: there is no one to call back or record.")
                if not self.items
                else self.tr("Choose a callback first (↑/↓), then press the key again.")
            )
        return item

    def call_current(self) -> None:
        item = self._chosen()
        if item is not None:
            self._called_id = item.id
            self.call_requested.emit(item)

    def record_key(self, outcome: AttemptOutcome) -> None:
        """A digit after a call: only for the callback just called from here (Enter). The desk's phone
        already recorded its own call, and the queue then moved on to the next citizen, whom a digit
        pressed out of habit would mark as called back without any call."""
        item = self._chosen()
        if item is None:
            return
        if item.id != self._called_id:
            self.status_label.setText(
                self.tr(
                    "Not recorded: %1 has not been called from this list yet. Press Enter to call; the "
                    "digits record a call made on another phone."
                ).replace("%1", display_phone(item.phone))
            )
            return
        self._called_id = None
        self.record_outcome(outcome)

    def reschedule_current(self, due: datetime) -> None:
        item = self._chosen()
        if item is None:
            return
        queue = self._queue
        self._runner.run(lambda: queue.reschedule(item.id, due), lambda _i: self._changed(), self._on_failed)

    def reschedule_tomorrow(self) -> None:
        tomorrow = (now_vn() + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
        self.reschedule_current(tomorrow)

    def record_outcome(self, outcome: AttemptOutcome) -> None:
        item = self._chosen()
        if item is None:
            return
        queue = self._queue
        self._runner.run(
            lambda: queue.record_attempt(item.id, outcome), lambda _i: self._changed(), self._on_failed
        )

    def on_view_item_activated(self, _item: QTreeWidgetItem, _column: int = 0) -> None:
        self.call_current()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier and self._queue_key(event.text()):
                return True
        return super().eventFilter(watched, event)

    def _queue_key(self, typed: str) -> bool:
        """The queue's own keys (1-4 an outcome, H, T): True when `typed` was one."""
        text = typed.lower()
        for outcome in AttemptOutcome:
            if text == outcome.key:
                self.record_key(outcome)
                return True
        if text == "h":
            self.reschedule_current(now_vn() + timedelta(hours=1))
        elif text == "t":
            self.reschedule_tomorrow()
        else:
            return False
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._queue_key(event.text()):
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current() is None:
            self._chosen()
        else:
            super().keyPressEvent(event)
