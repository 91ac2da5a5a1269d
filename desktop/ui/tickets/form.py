"""The ticket form: every field of a TicketDraft, live deadline, validation next to fields, saving."""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.clock import now_vn, to_vn
from desktop.domain.codes import (
    Channel,
    DissatisfactionReason,
    Level,
    Publication,
    RequestType,
    Satisfaction,
    TicketStatus,
)
from desktop.domain.edit_merge import merge_edit
from desktop.domain.phone import UNVERIFIED_WARNING, display_phone, is_unverified, try_normalize_phone
from desktop.domain.ticket import (
    HOTLINE_UNIT,
    CallerHistory,
    FieldError,
    Ticket,
    TicketDraft,
    TicketRejected,
    unit_missing_when_resolved,
    validate_draft,
)
from desktop.services.bundle import DeskServices, TicketWriter
from desktop.services.catalogs import CatalogItem
from desktop.services.tickets.service import StaleTicket
from desktop.store.errors import StoreError
from desktop.ui.common.tasks import TaskRunner, default_runner
from desktop.ui.common.vn_time import VN_QT_ZONE, from_qt_vn, to_qt_vn
from desktop.ui.common.widgets import (
    action_button,
    code_combo,
    combo_edit,
    current_value,
    find_by_text,
    make_searchable,
    python_date,
    select_data,
)

# The order fields are laid out and checked in; the first bad one gets the focus.
FIELD_ORDER = (
    "phone",
    "citizen_name",
    "channel",
    "citizen_address",
    "received_at",
    "request_type",
    "level",
    "tthc_code",
    "field_code",
    "unit_code",
    "status",
    "content",
    "answer",
    "satisfaction",
    "dissatisfaction_reason",
    "publication",
    "public_question",
    "public_answer",
)


# The draft field each position of TicketForm._values() shows.
_VALUE_FIELDS = (
    "phone",
    "citizen_name",
    "citizen_address",
    "channel",
    "request_type",
    "level",
    "is_tthc",
    "tthc_code",
    "field_code",
    "unit_code",
    "content",
    "answer",
    "status",
    "satisfaction",
    "dissatisfaction_reason",
    "received_at",
    "publication",
    "public_question",
    "public_answer",
)


@dataclass(frozen=True)
class MergedEdit:
    """A save that met a change made elsewhere: the ticket saved (no clash) or the latest one (clashes)."""

    ticket: Ticket
    merged: TicketDraft
    clashes: list[str]


class WholeFieldDateTimeEdit(QDateTimeEdit):
    """A date-time edit that Tab leaves at once (← → move between day, month, year, hour, minute)."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)


class UnsavedChoice(enum.Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def ask_unsaved(parent: QWidget) -> UnsavedChoice:
    """The Lưu / Bỏ / Hủy question, asked before unsaved changes would be lost."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("TicketForm", "Unsaved changes"))
    box.setText(QCoreApplication.translate("TicketForm", "The ticket has unsaved changes. Save them?"))
    save = box.addButton(QCoreApplication.translate("TicketForm", "Save"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(
        QCoreApplication.translate("TicketForm", "Discard"), QMessageBox.ButtonRole.DestructiveRole
    )
    box.addButton(QCoreApplication.translate("TicketForm", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.exec()
    clicked = box.clickedButton()
    if clicked is save:
        return UnsavedChoice.SAVE
    if clicked is discard:
        return UnsavedChoice.DISCARD
    return UnsavedChoice.CANCEL


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class TicketForm(QWidget):
    """Edits one ticket (or a new one); saves through the ticket service on a worker thread."""

    ticket_saved = Signal(object)
    ticket_loaded = Signal(object)
    ticket_cleared = Signal()  # an empty form for a new ticket
    phone_changed = Signal(str)
    units_loaded = Signal(list)
    catalogs_reloaded = Signal()
    save_failed = Signal(str)

    def __init__(
        self,
        services: DeskServices,
        runner: TaskRunner | None = None,
        confirm_unsaved: Callable[[QWidget], UnsavedChoice] = ask_unsaved,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ticketForm")
        self._services = services
        self._runner = runner or default_runner()
        self._confirm_unsaved = confirm_unsaved
        self._tickets: TicketWriter | None = None
        self._ticket: Ticket | None = None
        self._baseline: tuple[Any, ...]  # the values as loaded or saved: set by new_ticket()
        self._saving = False
        self._pending_open: str | None = None
        self._new_call_id: str | None = None  # the call a new ticket comes from (the phone desk)
        self._unit_names: dict[str, str] = {}
        self.inputs: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._captions: dict[str, str] = {}
        self._build_actions()
        self._build_widgets()
        self._build_layout()
        self._set_tab_order()
        self._connect()
        self.new_ticket()
        self._load_services()

    # -- construction --------------------------------------------------------------------------
    def _action(self, name: str, text: str, shortcuts: list[str], tip: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shown = QKeySequence(shortcuts[0]).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({shown})")
        action.setStatusTip(tip)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            "newTicketAction", self.tr("&New ticket"), ["Ctrl+N"], self.tr("Start a new ticket")
        )
        self.save_action = self._action(
            "saveAction", self.tr("&Save"), ["Ctrl+S"], self.tr("Save the ticket")
        )
        self.resolve_action = self._action(
            "resolveAction",
            self.tr("&Resolved"),
            ["Ctrl+Return", "Ctrl+Enter"],
            self.tr("Mark the ticket resolved and save it"),
        )
        self.level_actions: list[QAction] = []
        for level in Level:
            action = self._action(
                f"level{int(level)}Action",
                self.tr("Level %1").replace("%1", str(int(level))),
                [f"Ctrl+{int(level)}"],
                self.tr("Set the ticket level to %1").replace("%1", str(int(level))),
            )
            action.triggered.connect(lambda _checked=False, lv=level: self.set_level(lv))
            self.level_actions.append(action)

    def _build_widgets(self) -> None:
        self.title_label = QLabel(self)
        self.title_label.setObjectName("formTitle")
        self.message_label = QLabel(self)
        self.message_label.setObjectName("formMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.phone_edit = QLineEdit(self)
        self.phone_edit.setPlaceholderText("0912 345 678")
        self.phone_edit.setToolTip(self.tr("Caller's phone number (F2 or Ctrl+L)"))
        # A number shaped like a Vietnamese one that phonenumbers does not list is kept, with a warning.
        self.phone_warning = QLabel(UNVERIFIED_WARNING, self)
        self.phone_warning.setObjectName("phoneWarning")
        self.phone_warning.setProperty("fieldWarning", True)
        self.phone_warning.setWordWrap(True)
        self.phone_warning.hide()
        # A ticket the unit returned ("không thuộc thẩm quyền"): its reason, until it is forwarded again.
        self.returned_label = QLabel(self)
        self.returned_label.setObjectName("returnedLabel")
        self.returned_label.setProperty("fieldWarning", True)
        self.returned_label.setWordWrap(True)
        self.returned_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.returned_label.hide()
        self.kept_forward_label = QLabel(self)  # a forward kept on this desk (the forwarding desk fills it)
        self.kept_forward_label.setObjectName("keptForwardLabel")
        self.kept_forward_label.setProperty("fieldWarning", True)
        self.kept_forward_label.setWordWrap(True)
        self.kept_forward_label.hide()
        self.name_edit = QLineEdit(self)
        self.address_edit = QLineEdit(self)
        self.address_edit.setPlaceholderText(self.tr("Commune / ward, province"))
        self.channel_combo = code_combo((c.label, c) for c in Channel)
        self.type_combo = code_combo((t.label, t) for t in RequestType)
        self.level_combo = code_combo((lv.label, lv) for lv in Level)
        self.level_combo.setToolTip(self.tr("Ticket level (Ctrl+1 … Ctrl+4)"))
        self.tthc_check = QCheckBox(self.tr("Related"), self)
        self.tthc_check.setObjectName("isTthc")
        self.tthc_edit = QLineEdit(self)
        self.tthc_edit.setPlaceholderText("1.000178")
        self.field_combo = code_combo((), any_label="—")
        self.unit_combo = code_combo((), any_label="")
        self.unit_combo.setMinimumContentsLength(20)
        self.unit_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        make_searchable(self.unit_combo)
        combo_edit(self.unit_combo).setPlaceholderText(self.tr("Type to search, e.g. tan hong"))
        self.content_edit = QPlainTextEdit(self)
        self.content_edit.setTabChangesFocus(True)
        self.content_edit.setPlaceholderText(self.tr("What the citizen asks or reports"))
        self.answer_edit = QPlainTextEdit(self)
        self.answer_edit.setTabChangesFocus(True)
        self.answer_edit.setPlaceholderText(self.tr("Answer given or result from the unit"))
        self.status_combo = code_combo((s.label, s) for s in TicketStatus)
        self.satisfaction_combo = code_combo((s.label, s) for s in Satisfaction)
        self.reason_combo = code_combo(((r.label, r) for r in DissatisfactionReason), any_label="—")
        # Published answers: asked of the citizen; the texts are written again for strangers to read
        self.publication_combo = code_combo((p.label, p) for p in Publication)
        self.publication_combo.setToolTip(
            self.tr("Ask the citizen whether the question and answer may be published (Decision 31/2021)")
        )
        self.public_question_edit = QPlainTextEdit(self)
        self.public_question_edit.setTabChangesFocus(True)
        self.public_question_edit.setPlaceholderText(
            self.tr("The question rewritten for the public page: no name, number or address")
        )
        self.public_answer_edit = QPlainTextEdit(self)
        self.public_answer_edit.setTabChangesFocus(True)
        self.public_answer_edit.setPlaceholderText(
            self.tr("The answer rewritten for the public page: no name, number or address")
        )
        self.received_edit = WholeFieldDateTimeEdit(self)
        self.received_edit.setTimeZone(VN_QT_ZONE)  # Vietnam time whatever the PC's zone
        self.received_edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.received_edit.setCalendarPopup(True)
        self.deadline_label = QLabel("—", self)
        self.deadline_label.setObjectName("deadlineLabel")

        widgets: dict[str, QWidget] = {
            "phone": self.phone_edit,
            "citizen_name": self.name_edit,
            "citizen_address": self.address_edit,
            "channel": self.channel_combo,
            "request_type": self.type_combo,
            "level": self.level_combo,
            "is_tthc": self.tthc_check,
            "tthc_code": self.tthc_edit,
            "field_code": self.field_combo,
            "unit_code": self.unit_combo,
            "content": self.content_edit,
            "answer": self.answer_edit,
            "status": self.status_combo,
            "satisfaction": self.satisfaction_combo,
            "dissatisfaction_reason": self.reason_combo,
            "received_at": self.received_edit,
            "publication": self.publication_combo,
            "public_question": self.public_question_edit,
            "public_answer": self.public_answer_edit,
        }
        for name, widget in widgets.items():
            widget.setParent(self)
            widget.setObjectName(f"{name}Input")
            self.inputs[name] = widget

        self.new_button = action_button(self, self.new_action, "newButton")
        self.resolve_button = action_button(self, self.resolve_action, "resolveButton")
        self.save_button = action_button(self, self.save_action, "saveButton")
        self.save_button.setProperty("primary", True)
        self.extra_buttons: list[QToolButton] = []  # a feature desk's actions on the ticket (forwarding)

    def _box(self, name: str, caption: str, content: QWidget | None = None) -> QWidget:
        """A caption above the input and its error below: the unit the grid is built of."""
        box = QWidget(self)
        box.setObjectName(f"{name}Box")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        label = QLabel(caption, box)
        label.setObjectName("fieldCaption")
        widget = content or self.inputs[name]
        label.setBuddy(self.inputs.get(name, widget))
        layout.addWidget(label)
        layout.addWidget(widget)
        if name == "phone":
            layout.addWidget(self.phone_warning)
        if name == "unit_code":
            layout.addWidget(self.returned_label)
            layout.addWidget(self.kept_forward_label)
        error = QLabel(box)
        error.setObjectName(f"error_{name}")
        error.setProperty("fieldError", True)
        error.setWordWrap(True)
        error.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        error.hide()
        layout.addWidget(error)
        self.error_labels[name] = error
        return box

    def tab_chain(self) -> list[QWidget]:
        """The fields in reading order, row by row as laid out, then the buttons: the Tab order."""
        inputs = self.inputs
        names = ("phone", "citizen_name", "channel", "citizen_address", "received_at", "request_type")
        rest = ("field_code", "unit_code", "status", "content", "answer", "satisfaction")
        return [
            *(inputs[name] for name in names),
            inputs["level"],
            self.tthc_check,
            self.tthc_edit,
            *(inputs[name] for name in rest),
            inputs["dissatisfaction_reason"],
            inputs["publication"],
            inputs["public_question"],
            inputs["public_answer"],
            *self.extra_buttons,
            self.new_button,
            self.resolve_button,
            self.save_button,
        ]

    def add_action_button(self, action: QAction, name: str) -> QToolButton:
        """A feature desk's action on the ticket as a button beside New/Resolve/Save (the menu item and
        its shortcut stay): the operator sees it on the form, enabled when it applies."""
        button = action_button(self, action, name)
        self._buttons_row.insertWidget(self._buttons_row.indexOf(self.new_button), button)
        self.extra_buttons.append(button)
        self._set_tab_order()
        return button

    def _set_tab_order(self) -> None:
        chain = self.tab_chain()
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _build_layout(self) -> None:
        tthc = QWidget(self)
        tthc_row = QHBoxLayout(tthc)
        tthc_row.setContentsMargins(0, 0, 0, 0)
        tthc_row.setSpacing(6)
        tthc_row.addWidget(self.tthc_check)
        tthc_row.addWidget(self.tthc_edit, 1)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        place = [
            ("phone", self.tr("Phone number"), 0, 0, 1, 1, None),
            ("citizen_name", self.tr("Caller name"), 0, 1, 1, 2, None),
            ("channel", self.tr("Channel"), 0, 3, 1, 1, None),
            ("citizen_address", self.tr("Address"), 1, 0, 1, 3, None),
            ("received_at", self.tr("Received at"), 1, 3, 1, 1, None),
            ("request_type", self.tr("Request type"), 2, 0, 1, 1, None),
            ("level", self.tr("Level"), 2, 1, 1, 1, None),
            ("tthc_code", self.tr("Administrative procedure (TTHC code)"), 2, 2, 1, 1, tthc),
            ("field_code", self.tr("Field"), 2, 3, 1, 1, None),
            ("unit_code", self.tr("Handling unit"), 3, 0, 1, 2, None),
            ("deadline", self.tr("Deadline (working days)"), 3, 2, 1, 1, self.deadline_label),
            ("status", self.tr("Status"), 3, 3, 1, 1, None),
            ("content", self.tr("Request content"), 4, 0, 1, 4, None),
            ("answer", self.tr("Answer"), 5, 0, 1, 4, None),
            ("satisfaction", self.tr("Satisfaction"), 6, 0, 1, 1, None),
            ("dissatisfaction_reason", self.tr("Reason for dissatisfaction"), 6, 1, 1, 2, None),
            ("publication", self.tr("Publish the answer"), 6, 3, 1, 1, None),
            ("public_question", self.tr("Question as published"), 7, 0, 1, 2, None),
            ("public_answer", self.tr("Answer as published"), 7, 2, 1, 2, None),
        ]
        for name, caption, row, column, rows, columns, content in place:
            self._captions[name] = caption
            texts = ("content", "answer", "public_question", "public_answer")
            align = Qt.AlignmentFlag(0) if name in texts else Qt.AlignmentFlag.AlignTop
            grid.addWidget(self._box(name, caption, content), row, column, rows, columns, align)
        for column in range(4):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(4, 3)
        grid.setRowStretch(5, 2)
        grid.setRowStretch(7, 1)

        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.message_label, 1)
        self._buttons_row = buttons
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.resolve_button)
        buttons.addWidget(self.save_button)

        fields = QWidget(self)
        fields.setObjectName("formFields")
        fields.setLayout(grid)
        grid.setContentsMargins(0, 0, 4, 0)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("formScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(fields)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.scroll_area, 1)
        layout.addLayout(buttons)
        self.content_edit.setMinimumHeight(64)
        self.answer_edit.setMinimumHeight(48)
        self.public_question_edit.setMinimumHeight(48)
        self.public_answer_edit.setMinimumHeight(48)
        self.deadline_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _connect(self) -> None:
        self.new_action.triggered.connect(self.on_new_action_triggered)
        self.save_action.triggered.connect(self.on_save_action_triggered)
        self.resolve_action.triggered.connect(self.on_resolve_action_triggered)
        self.phone_edit.textChanged.connect(self.on_phone_edit_text_changed)
        self.tthc_check.toggled.connect(self.on_tthc_check_toggled)
        self.satisfaction_combo.currentIndexChanged.connect(self.on_satisfaction_changed)
        self.publication_combo.currentIndexChanged.connect(self.on_publication_changed)
        self.level_combo.currentIndexChanged.connect(self.on_deadline_input_changed)
        self.received_edit.dateTimeChanged.connect(self.on_deadline_input_changed)
        combo_edit(self.unit_combo).editingFinished.connect(self.on_unit_editing_finished)

    def _load_services(self) -> None:
        services = self._services

        def load() -> tuple[TicketWriter, list[CatalogItem], list[CatalogItem]]:
            """Runs on a worker thread: the ticket service and the catalogs for the combos."""
            return (
                services.make_tickets(),
                services.catalogs.units(include_retired=True),
                services.catalogs.fields(),
            )

        self._runner.run(load, self._on_services_loaded, self._on_services_failed)

    def _on_services_loaded(self, loaded: tuple[TicketWriter, list[CatalogItem], list[CatalogItem]]) -> None:
        tickets, units, fields = loaded
        self._tickets = tickets
        baseline_was = self._values() == self._baseline
        self._fill_catalogs(units, fields)
        if self._ticket is not None:
            self._show_ticket(self._ticket)
        elif baseline_was:
            self._baseline = self._values()
        self._update_deadline()
        if self._pending_open:
            ticket_id, self._pending_open = self._pending_open, None
            self.open_ticket(ticket_id)

    def _fill_catalogs(self, units: list[CatalogItem], fields: list[CatalogItem]) -> None:
        """(Re)fill the unit and field combos, keeping the unit and field chosen (or the text typed)."""
        unit_code, typed = self.unit_combo.currentData(), self.unit_combo.currentText()
        field_code = self.field_combo.currentData()
        self._unit_names = {unit.code: unit.name for unit in units}
        for combo in (self.unit_combo, self.field_combo):
            combo.blockSignals(True)
            while combo.count() > 1:  # the first item is "none"
                combo.removeItem(1)
        for unit in units:
            if unit.active:
                self.unit_combo.addItem(unit.name, unit.code)
        for item in fields:
            self.field_combo.addItem(item.name, item.code)
        if unit_code:  # a retired unit stays shown on the ticket that has it, under its name
            if self.unit_combo.findData(unit_code) < 0:
                self.unit_combo.addItem(self._unit_names.get(unit_code, unit_code), unit_code)
            self.unit_combo.setCurrentIndex(self.unit_combo.findData(unit_code))
        else:
            self.unit_combo.setCurrentIndex(0)
            self.unit_combo.setEditText(typed)
        select_data(self.field_combo, field_code)
        for combo in (self.unit_combo, self.field_combo):
            combo.blockSignals(False)
        self.units_loaded.emit([unit for unit in units if unit.active])

    def reload_catalogs(self) -> None:
        """Units or fields changed under the form (a pull brought one renamed, merged or added): the
        combos are filled again on the spot, what the operator chose or typed stays."""
        catalogs = self._services.catalogs

        def load() -> tuple[list[CatalogItem], list[CatalogItem]]:
            """Runs on a worker thread."""
            return catalogs.units(include_retired=True), catalogs.fields()

        def loaded(result: tuple[list[CatalogItem], list[CatalogItem]]) -> None:
            clean = self._values() == self._baseline
            self._fill_catalogs(*result)
            if clean:  # a renamed unit changes the text shown, not what the operator did
                self._baseline = self._values()
            self.catalogs_reloaded.emit()

        self._runner.run(load, loaded, self._on_services_failed)

    def _on_services_failed(self, error: BaseException) -> None:
        self._show_message(self.tr("Could not read the catalogs: %1").replace("%1", str(error)), "error")

    # -- public API ----------------------------------------------------------------------------
    @property
    def ticket(self) -> Ticket | None:
        return self._ticket

    @property
    def is_ready(self) -> bool:
        return self._tickets is not None

    @property
    def is_saving(self) -> bool:
        return self._saving

    def is_dirty(self) -> bool:
        return self._values() != self._baseline

    def run_when_clean(self, action: Callable[[], None]) -> None:
        """Runs `action` now, or after asking what to do with unsaved changes (Lưu / Bỏ / Hủy)."""
        if self._saving:
            return
        if not self.is_dirty():
            action()
            return
        choice = self._confirm_unsaved(self)
        if choice is UnsavedChoice.SAVE:
            self.save(then=action)
        elif choice is UnsavedChoice.DISCARD:
            self._baseline = self._values()
            action()

    def new_ticket(self) -> None:
        """An empty form for a new ticket, received now; the phone field gets the focus."""
        self._ticket = None
        self._show_return("")
        self._new_call_id = None
        self._clear_errors()
        self._clear_message()
        self.phone_edit.clear()
        self.name_edit.clear()
        self.address_edit.clear()
        select_data(self.channel_combo, Channel.PHONE)
        select_data(self.type_combo, RequestType.INFORMATION)
        select_data(self.level_combo, Level.ONE)
        self.tthc_check.setChecked(False)
        self.tthc_edit.clear()
        self.tthc_edit.setEnabled(False)
        self.field_combo.setCurrentIndex(0)
        self.unit_combo.setCurrentIndex(0)
        self.unit_combo.setEditText("")
        self.content_edit.clear()
        self.answer_edit.clear()
        select_data(self.status_combo, TicketStatus.IN_PROGRESS)
        select_data(self.satisfaction_combo, Satisfaction.NOT_RATED)
        self.reason_combo.setCurrentIndex(0)
        select_data(self.publication_combo, Publication.NOT_ASKED)
        self.public_question_edit.clear()
        self.public_answer_edit.clear()
        self.received_edit.setDateTime(to_qt_vn(now_vn()))
        self.on_satisfaction_changed()
        self.on_publication_changed()
        self.title_label.setText(self.tr("New ticket"))
        self._baseline = self._values()
        self._update_deadline()
        self.phone_edit.setFocus()
        self.ticket_cleared.emit()

    def open_ticket(self, ticket_id: str) -> None:
        """Loads the ticket in the background and shows it (the caller has asked about unsaved changes)."""
        tickets = self._tickets
        if tickets is None:
            self._pending_open = ticket_id
            return
        self._runner.run(lambda: tickets.open(ticket_id), self._on_ticket_fetched, self._on_fetch_failed)

    def new_call_ticket(self, phone: str, name: str, call_id: str) -> None:
        """A new phone ticket for the call being answered: caller prefilled, linked to the call log."""
        self.new_ticket()
        self._new_call_id = call_id
        self.fill_caller(phone, name)
        self.content_edit.setFocus()

    @property
    def linked_call_id(self) -> str | None:
        return self._ticket.draft.call_id if self._ticket else self._new_call_id

    def fill_caller(self, phone: str, name: str) -> None:
        self.phone_edit.setText(display_phone(phone) if phone.startswith("+") else phone)
        if name:
            self.name_edit.setText(name)
        self.name_edit.setFocus()

    def offer_known_name(self, found: CallerHistory) -> None:
        """The caller's known name in an empty name field of a new ticket for that number."""
        citizen = found.citizen
        if self._ticket is not None or citizen is None or not citizen.name or self.name_edit.text().strip():
            return
        if try_normalize_phone(self.phone_edit.text()) != citizen.phone:
            return
        self.name_edit.setText(citizen.name)

    def focus_phone(self) -> None:
        self.phone_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.phone_edit.selectAll()

    def set_level(self, level: Level) -> None:
        select_data(self.level_combo, level)

    def insert_answer_text(self, text: str) -> None:
        """Puts `text` into the answer at its cursor, on a line of its own when the answer has text there."""
        cursor = self.answer_edit.textCursor()
        before = self.answer_edit.toPlainText()[: cursor.selectionStart()]
        if before and not before.endswith("\n"):
            text = "\n" + text
        cursor.insertText(text)
        self.answer_edit.setTextCursor(cursor)
        self.answer_edit.ensureCursorVisible()
        self.scroll_area.ensureWidgetVisible(self.answer_edit)

    def link_procedure(self, code: str) -> None:
        """Marks the ticket as about the administrative procedure `code` (keeps the focus where it is)."""
        self.tthc_check.blockSignals(True)
        self.tthc_check.setChecked(True)
        self.tthc_check.blockSignals(False)
        self.tthc_edit.setEnabled(True)
        self.tthc_edit.setText(code)

    def save(self, then: Callable[[], None] | None = None) -> bool:
        """Checks the draft, then creates or updates in the background; False when nothing was sent."""
        if self._saving:
            return False
        self._clear_errors()
        self._clear_message()
        tickets = self._tickets
        if tickets is None:
            self._show_message(self.tr("Still loading the catalogs, try again in a moment."), "error")
            return False
        draft, errors = self._build_draft()
        errors += validate_draft(draft)
        if (no_unit := unit_missing_when_resolved(draft)) is not None:
            errors.append(no_unit)
        if errors:
            self._show_errors(errors)
            return False
        current = self._ticket
        if current is None:

            def task() -> Ticket | MergedEdit:
                """Runs on a worker thread."""
                return tickets.create(draft)
        else:
            ticket_id, version, loaded = current.id, current.version, current.draft
            edited = self._edited_fields()

            def task() -> Ticket | MergedEdit:
                """Runs on a worker thread: a change saved elsewhere meanwhile is merged, never lost."""
                try:
                    return tickets.update(ticket_id, draft, version)
                except StaleTicket:
                    latest = tickets.get(ticket_id)
                    merged, clashes = merge_edit(loaded, draft, latest.draft, edited)
                    if clashes:
                        return MergedEdit(latest, merged, clashes)
                    return MergedEdit(tickets.update(ticket_id, merged, latest.version), merged, [])

        self._set_saving(True)
        self._show_message(self.tr("Saving…"), "info")
        self._runner.run(task, partial(self._on_saved, then=then), self._on_save_failed)
        return True

    def resolve_and_save(self) -> bool:
        """ "Resolved" on a level-1 ticket with no unit: the operator answered it, so the unit shown and
        saved is the hotline; any other resolved ticket without a unit is refused by the save's check."""
        select_data(self.status_combo, TicketStatus.RESOLVED)
        level = current_value(self.level_combo, Level)
        hotline = self.unit_combo.findData(HOTLINE_UNIT)
        if level is Level.ONE and not self.unit_combo.currentText().strip() and hotline > 0:
            self.unit_combo.setCurrentIndex(hotline)
        return self.save()

    # -- reading and writing the widgets -------------------------------------------------------
    def _edited_fields(self) -> frozenset[str]:
        """The draft fields whose widgets differ from what the form loaded."""
        return frozenset(
            name
            for name, now, then in zip(_VALUE_FIELDS, self._values(), self._baseline, strict=False)
            if now != then
        )

    def _values(self) -> tuple[Any, ...]:
        return (
            self.phone_edit.text().strip(),
            self.name_edit.text().strip(),
            self.address_edit.text().strip(),
            self.channel_combo.currentData(),
            self.type_combo.currentData(),
            self.level_combo.currentData(),
            self.tthc_check.isChecked(),
            self.tthc_edit.text().strip(),
            self.field_combo.currentData(),
            self.unit_combo.currentText().strip(),
            self.content_edit.toPlainText().strip(),
            self.answer_edit.toPlainText().strip(),
            self.status_combo.currentData(),
            self.satisfaction_combo.currentData(),
            self.reason_combo.currentData(),
            self.received_edit.dateTime().toString("yyyyMMddHHmm"),
            self.publication_combo.currentData(),
            self.public_question_edit.toPlainText().strip(),
            self.public_answer_edit.toPlainText().strip(),
        )

    def _received_at(self) -> datetime:
        shown = from_qt_vn(self.received_edit.dateTime()).replace(second=0, microsecond=0)
        loaded = self._ticket.draft.received_at if self._ticket else None
        if loaded is not None and to_vn(loaded).replace(second=0, microsecond=0) == shown:
            return loaded
        return shown

    def _unit_code(self) -> tuple[str | None, list[FieldError]]:
        typed = self.unit_combo.currentText().strip()
        if not typed:
            return None, []
        index = find_by_text(self.unit_combo, typed)
        if index > 0:
            return self.unit_combo.itemData(index), []
        return None, [FieldError("unit_code", self.tr("Choose a unit from the list."))]

    def _build_draft(self) -> tuple[TicketDraft, list[FieldError]]:
        unit_code, errors = self._unit_code()
        satisfaction = current_value(self.satisfaction_combo, Satisfaction)
        reason = (
            current_value(self.reason_combo, DissatisfactionReason)
            if satisfaction is Satisfaction.DISSATISFIED
            else None
        )
        draft = TicketDraft(
            content=self.content_edit.toPlainText(),
            phone=self.phone_edit.text().strip(),
            citizen_name=self.name_edit.text().strip(),
            citizen_address=self.address_edit.text().strip(),
            channel=current_value(self.channel_combo, Channel),
            request_type=current_value(self.type_combo, RequestType),
            level=current_value(self.level_combo, Level),
            is_tthc=self.tthc_check.isChecked(),
            tthc_code=self.tthc_edit.text().strip() if self.tthc_check.isChecked() else "",
            field_code=self.field_combo.currentData(),
            unit_code=unit_code,
            answer=self.answer_edit.toPlainText(),
            status=current_value(self.status_combo, TicketStatus),
            satisfaction=satisfaction,
            dissatisfaction_reason=reason,
            received_at=self._received_at(),
            call_id=self.linked_call_id,
            publication=current_value(self.publication_combo, Publication),
            public_question=self.public_question_edit.toPlainText(),
            public_answer=self.public_answer_edit.toPlainText(),
        )
        return draft, errors

    def _show_ticket(self, ticket: Ticket) -> None:
        draft = ticket.draft
        self._clear_errors()
        self.phone_edit.setText(display_phone(draft.phone) if draft.phone else "")
        self.name_edit.setText(draft.citizen_name)
        self.address_edit.setText(draft.citizen_address)
        select_data(self.channel_combo, draft.channel)
        select_data(self.type_combo, draft.request_type)
        select_data(self.level_combo, draft.level)
        self.tthc_check.setChecked(draft.is_tthc)
        self.tthc_edit.setText(draft.tthc_code)
        self.tthc_edit.setEnabled(draft.is_tthc)
        select_data(self.field_combo, draft.field_code)
        if draft.unit_code and self.unit_combo.findData(draft.unit_code) < 0:
            self.unit_combo.addItem(self._unit_names.get(draft.unit_code, draft.unit_code), draft.unit_code)
        if draft.unit_code:
            self.unit_combo.setCurrentIndex(self.unit_combo.findData(draft.unit_code))
        else:
            self.unit_combo.setCurrentIndex(0)
            self.unit_combo.setEditText("")
        self.content_edit.setPlainText(draft.content)
        self.answer_edit.setPlainText(draft.answer)
        select_data(self.status_combo, draft.status)
        select_data(self.satisfaction_combo, draft.satisfaction)
        select_data(self.reason_combo, draft.dissatisfaction_reason)
        select_data(self.publication_combo, draft.publication)
        self.public_question_edit.setPlainText(draft.public_question)
        self.public_answer_edit.setPlainText(draft.public_answer)
        if draft.received_at is not None:
            received = to_vn(draft.received_at)
            self.received_edit.setDateTime(to_qt_vn(received))
        self.on_satisfaction_changed()
        self.on_publication_changed()
        self._show_return(ticket.return_reason if draft.status is not TicketStatus.RESOLVED else "")
        self.title_label.setText(
            self.tr("Ticket %1 · version %2").replace("%1", ticket.code).replace("%2", str(ticket.version))
        )
        self._baseline = self._values()
        self._update_deadline()

    def _update_deadline(self) -> None:
        tickets = self._tickets
        if tickets is None:
            self.deadline_label.setText("…")
            return
        level = current_value(self.level_combo, Level)
        received = python_date(self.received_edit.date())
        deadline = tickets.deadline_for(received, level)
        overdue = (
            current_value(self.status_combo, TicketStatus) is TicketStatus.IN_PROGRESS
            and deadline < now_vn().date()
        )
        text = f"{deadline:%d/%m/%Y}"
        if level is Level.ONE:
            text += " " + self.tr("(same day)")
        self.deadline_label.setText(text)
        self.deadline_label.setProperty("overdue", overdue)
        _repolish(self.deadline_label)

    # -- errors and messages -------------------------------------------------------------------
    def _show_errors(self, errors: list[FieldError]) -> None:
        first: QWidget | None = None
        for name in FIELD_ORDER:
            messages = [error.message for error in errors if error.field == name]
            if not messages:
                continue
            label = self.error_labels[name]
            label.setText("\n".join(messages))
            label.show()
            widget = self.inputs[name]
            widget.setProperty("invalid", True)
            _repolish(widget)
            first = first or widget
        unplaced = [e.message for e in errors if e.field not in FIELD_ORDER]
        if unplaced:
            self._show_message("\n".join(unplaced), "error")
        else:
            self._show_message(self.tr("Please correct the marked fields."), "error")
        if first is not None:
            self.scroll_area.ensureWidgetVisible(first)
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_errors(self) -> None:
        for name, label in self.error_labels.items():
            label.clear()
            label.hide()
            widget = self.inputs.get(name)
            if widget is not None and widget.property("invalid"):
                widget.setProperty("invalid", False)
                _repolish(widget)

    def field_errors(self) -> dict[str, str]:
        """The errors shown now, by field (for tests and accessibility)."""
        return {name: label.text() for name, label in self.error_labels.items() if not label.isHidden()}

    def _show_message(self, text: str, kind: str) -> None:
        self.message_label.setText(text)
        self.message_label.setProperty("kind", kind)
        _repolish(self.message_label)

    def _clear_message(self) -> None:
        self.message_label.clear()
        self.message_label.setProperty("kind", "")
        _repolish(self.message_label)

    @property
    def message(self) -> tuple[str, str]:
        """(kind, text) of the message under the form: kind is "", "info", "ok" or "error"."""
        return str(self.message_label.property("kind") or ""), self.message_label.text()

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        for action in (self.save_action, self.resolve_action, self.new_action):
            action.setEnabled(not saving)

    # -- slots ---------------------------------------------------------------------------------
    def _on_saved(self, result: Ticket | MergedEdit, *, then: Callable[[], None] | None) -> None:
        self._set_saving(False)
        if isinstance(result, MergedEdit) and result.clashes:
            self._show_merge_to_check(result)
            self.save_failed.emit(self.message_label.text())
            return
        ticket = result.ticket if isinstance(result, MergedEdit) else result
        self._ticket = ticket
        self._show_ticket(ticket)
        message = self.tr("Saved ticket %1.").replace("%1", ticket.code)
        if isinstance(result, MergedEdit):
            message = self.tr(
                "Ticket %1 had been changed elsewhere meanwhile; your changes were added to it and saved."
            ).replace("%1", ticket.code)
        self._show_message(message, "ok")
        self.ticket_saved.emit(ticket)
        if then is not None:
            then()

    def _show_merge_to_check(self, result: MergedEdit) -> None:
        """Both sides changed the same fields: the form shows the latest ticket with the operator's values
        on top, unsaved, and names the fields to look at before saving again."""
        latest = result.ticket
        self._show_ticket(latest)
        shown_latest = self._baseline
        self._show_ticket(replace(latest, draft=result.merged))
        self._baseline = shown_latest
        self._ticket = latest
        names = ", ".join(self._captions.get(name, name) for name in result.clashes)
        self._show_message(
            self.tr(
                "Ticket %1 was changed elsewhere meanwhile (%2). Your text is kept here and not saved yet: "
                "check it, then save again (Ctrl+S)."
            )
            .replace("%1", latest.code)
            .replace("%2", names),
            "error",
        )

    def _on_save_failed(self, error: BaseException) -> None:
        self._set_saving(False)
        if isinstance(error, TicketRejected):
            self._show_errors(error.errors)
            text = str(error)
        elif isinstance(error, StaleTicket | StoreError):
            text = self.tr("Not saved: %1").replace("%1", str(error))
            self._show_message(text, "error")
        else:
            text = self.tr(
                "Not saved because of an unexpected error (%1). What you typed is still here; try again."
            ).replace("%1", str(error) or type(error).__name__)
            self._show_message(text, "error")
        self.save_failed.emit(text)

    def _show_return(self, reason: str) -> None:
        """The unit's reason for returning the ticket, and what to do: forward it elsewhere."""
        self.returned_label.setText(
            self.tr("Returned by the unit: %1 Forward it to the competent unit (Ctrl+Shift+U).").replace(
                "%1", reason if reason.endswith((".", "!", "?")) else f"{reason}."
            )
        )
        self.returned_label.setVisible(bool(reason))

    def show_kept_forward(self, text: str) -> None:
        """Under the unit: a forward to a unit kept on this desk, not on the server yet ("": none)."""
        self.kept_forward_label.setText(text)
        self.kept_forward_label.setVisible(bool(text))

    def _on_ticket_fetched(self, ticket: Ticket) -> None:
        self._ticket = ticket
        self._clear_message()
        self._show_ticket(ticket)
        self.ticket_loaded.emit(ticket)

    def _on_fetch_failed(self, error: BaseException) -> None:
        self._show_message(self.tr("Could not open the ticket: %1").replace("%1", str(error)), "error")

    def on_new_action_triggered(self) -> None:
        self.run_when_clean(self.new_ticket)

    def on_save_action_triggered(self) -> None:
        self.save()

    def on_resolve_action_triggered(self) -> None:
        self.resolve_and_save()

    def on_phone_edit_text_changed(self, text: str) -> None:
        stored = try_normalize_phone(text)
        self.phone_warning.setVisible(stored is not None and is_unverified(stored))
        self.phone_changed.emit(text)

    def on_tthc_check_toggled(self, checked: bool) -> None:
        self.tthc_edit.setEnabled(checked)
        if checked:
            self.tthc_edit.setFocus()

    def on_satisfaction_changed(self, _index: int = 0) -> None:
        dissatisfied = current_value(self.satisfaction_combo, Satisfaction) is Satisfaction.DISSATISFIED
        self.reason_combo.setEnabled(dissatisfied)
        if not dissatisfied:
            self.reason_combo.setCurrentIndex(0)

    def on_publication_changed(self, _index: int = 0) -> None:
        """The texts for the public page are written only once the citizen agreed; kept if they change
        their mind (nothing is published then), so a second change of mind costs no retyping."""
        agreed = current_value(self.publication_combo, Publication) is Publication.PUBLIC
        self.public_question_edit.setEnabled(agreed)
        self.public_answer_edit.setEnabled(agreed)
        if agreed and self.publication_combo.hasFocus():  # the operator chose it: bring the texts in view
            self.scroll_area.ensureWidgetVisible(self.public_answer_edit)

    def on_deadline_input_changed(self, *_args: Any) -> None:
        self._update_deadline()

    def on_unit_editing_finished(self) -> None:
        typed = self.unit_combo.currentText().strip()
        if not typed:
            self.unit_combo.setCurrentIndex(0)
            return
        index = find_by_text(self.unit_combo, typed)
        if index > 0 and self.unit_combo.currentIndex() != index:
            self.unit_combo.setCurrentIndex(index)
