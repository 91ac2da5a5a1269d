"""Chuyển đơn vị: the operator sends a saved level 2-4 ticket to the unit that must answer it (through the
central server, which sets the deadline in working days and tells the unit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.changes import OpChanges, Origin
from desktop.domain.clock import now_vn, shown_vn
from desktop.domain.text import fold
from desktop.domain.ticket import Ticket
from desktop.services.bundle import CatalogReader
from desktop.services.catalogs import CatalogItem
from desktop.services.tickets.pending_forwards import PendingForward, PendingForwards
from desktop.ui.common.host import DeskHost
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.common.widgets import combo_edit, find_by_text, make_searchable

if TYPE_CHECKING:
    from desktop.ui.sync.desk import SyncDesk

FORWARD_SHORTCUT = "Ctrl+Shift+U"


@dataclass(frozen=True)
class Queued:
    """The forward could not reach the server now: it is kept on this desk and sent by the sync."""

    why: str  # Vietnamese, for the status bar: why it waits and when it goes; %1 is the unit


Forward = Callable[[str, str], "dict[str, Any] | Queued"]  # (ticket id, unit code) -> the server's answer


@dataclass(frozen=True)
class DeadlinePreview:
    """The deadline the server will set if the ticket is forwarded today (the desk's level catalog and
    working-day calendar, as the last sync brought them)."""

    deadline: date
    working_days: int


def preview_deadline(catalogs: CatalogReader, level: int, today: date) -> DeadlinePreview | None:
    """Worker thread. None when this desk's catalog has no rule for the level (the server decides)."""
    days = catalogs.deadline_days().get(level)
    if days is None:
        return None
    return DeadlinePreview(catalogs.work_calendar().add_working_days(today, days), days)


def day_text(day: date) -> str:
    """`Thứ Hai, 07/12/2026`: the weekday matters to an operator telling a citizen when to expect it."""
    vietnamese = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
    weekday = vietnamese.dayName(day.isoweekday())
    return f"{weekday[:1].upper()}{weekday[1:]}, {day.strftime('%d/%m/%Y')}"


class ForwardDialog(QDialog):
    """Pick the unit by typing part of its name (without accents too); the deadline shows before the
    operator confirms; the server's answer, its refusal, or the forward queued offline shows in the dialog."""

    def __init__(
        self, ticket_id: str, code: str, units: list[CatalogItem], forward: Forward, runner: TaskRunner,
        parent: QWidget | None = None, *, preview: DeadlinePreview | None = None,
        earlier: PendingForward | None = None,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("forwardDialog")
        self.setWindowTitle(self.tr("Forward to a unit"))
        self.setMinimumWidth(520)
        self._ticket_id, self._forward, self._runner = ticket_id, forward, runner
        self.deadline: date | None = None
        self.queued: Queued | None = None
        intro = QLabel(
            self.tr("Ticket %1 goes to the unit that must answer it; the server sets its deadline.").replace(
                "%1", code
            ),
            self,
        )
        intro.setWordWrap(True)
        self.unit_combo = QComboBox(self)
        self.unit_combo.setObjectName("forwardUnit")
        for unit in units:
            if unit.active:
                self.unit_combo.addItem(unit.name, unit.code)
        make_searchable(self.unit_combo)  # type to find the unit among a province's hundreds, accents or not
        self.unit_combo.setCurrentIndex(-1)
        combo_edit(self.unit_combo).setPlaceholderText(self.tr("Type part of the unit's name, e.g. xay dung"))
        unit_label = QLabel(self.tr("&Unit:"), self)
        unit_label.setBuddy(self.unit_combo)
        self.deadline_label = QLabel(self)
        self.deadline_label.setObjectName("forwardDeadline")
        self.deadline_label.setWordWrap(True)
        if preview is not None:
            self.deadline_label.setText(
                self.tr("Answer due %1 (%2 working days from today) if forwarded now.")
                .replace("%1", day_text(preview.deadline))
                .replace("%2", str(preview.working_days))
            )
        else:
            self.deadline_label.setText(self.tr("The server sets the deadline from the ticket's level."))
        self.earlier_label = QLabel(self)
        self.earlier_label.setObjectName("forwardEarlier")
        self.earlier_label.setWordWrap(True)
        self.earlier_label.setVisible(earlier is not None)
        if earlier is not None:
            self.earlier_label.setText(self._earlier_text(earlier, units))
        self.result_label = QLabel(self)
        self.result_label.setObjectName("forwardResult")
        self.result_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Forward"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.earlier_label)
        layout.addWidget(unit_label)
        layout.addWidget(self.unit_combo)
        layout.addWidget(self.deadline_label)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        self.unit_combo.setFocus()

    def _earlier_text(self, earlier: PendingForward, units: list[CatalogItem]) -> str:
        unit = next((item.name for item in units if item.code == earlier.unit_code), earlier.unit_code)
        if earlier.refused:
            return (
                self.tr("The server refused forwarding it to %1: %2 Choose the unit again.")
                .replace("%1", unit)
                .replace("%2", earlier.refused)
            )
        return self.tr(
            "Already waiting to be sent to %1 when the server is reachable; choosing again replaces it."
        ).replace("%1", unit)

    def chosen_unit(self) -> int:
        """The unit typed or picked: its exact or accent-free name, or the one unit whose name holds every
        typed word; -1 when none or several match."""
        typed = self.unit_combo.currentText()
        index = find_by_text(self.unit_combo, typed)
        if index >= 0:
            return index
        words = fold(typed).split()
        if not words:
            return -1
        hits = [
            i
            for i in range(self.unit_combo.count())
            if all(word in fold(self.unit_combo.itemText(i)) for word in words)
        ]
        return hits[0] if len(hits) == 1 else -1

    def submit(self) -> None:
        index = self.chosen_unit()
        if index < 0:
            self.result_label.setProperty("refused", True)
            self.result_label.setText(
                self.tr("Choose a unit from the list: type part of its name, then pick it with ↓ and Enter.")
            )
            self.unit_combo.setFocus()
            return
        self.unit_combo.setCurrentIndex(index)
        unit_code = str(self.unit_combo.itemData(index))
        self.buttons.setEnabled(False)
        self.result_label.setProperty("refused", False)
        self.result_label.setText(self.tr("Sending to the server…"))
        ticket_id, forward = self._ticket_id, self._forward
        self._runner.run(lambda: forward(ticket_id, unit_code), self._on_forwarded, self._on_failed)

    def _on_forwarded(self, answer: Any) -> None:
        self.buttons.setEnabled(True)
        if isinstance(answer, Queued):
            self.queued = answer
        else:
            self.deadline = date.fromisoformat(str(answer["deadline"]))
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.result_label.setProperty("refused", True)
        reason = str(getattr(error, "detail", "") or error)
        self.result_label.setText(self.tr("The server did not forward the ticket: %1").replace("%1", reason))


def install_forwarding(
    window: DeskHost,
    sync: SyncDesk | None,
    catalogs: CatalogReader,
    runner: TaskRunner,
    forwards: PendingForwards | None = None,
) -> QAction:
    """The Ticket menu's and the form's "Chuyển đơn vị" (Ctrl+Shift+U), on for a saved level 2-4 ticket.
    Out of reach of the server, or the server failing (5xx), or the ticket's edits not pushed yet, the
    forward is kept in `forwards` and the sync sends it after its next push."""
    from desktop.sync.client import ServerUnreachable, SyncError
    from desktop.sync.presence import NotConfigured
    from desktop.ui.phone.presence_desk import presence_link

    if forwards is None and sync is not None:
        forwards = PendingForwards(sync.store)
    translate = QCoreApplication.translate
    action = QAction(translate("ForwardDialog", "Forward to a &unit…"), window.host_widget())
    action.setObjectName("forwardAction")
    action.setShortcut(QKeySequence(FORWARD_SHORTCUT))
    shown_key = QKeySequence(FORWARD_SHORTCUT).toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(
        translate("ForwardDialog", "Send this level 2-4 ticket to the unit that must answer it (%1)").replace(
            "%1", shown_key
        )
    )

    def refresh(*_args: object) -> None:
        ticket = window.current_ticket()
        action.setEnabled(ticket is not None and ticket.draft.level >= 2)
        show_kept(ticket)

    def show_kept(ticket: Ticket | None) -> None:
        """The line under the form's unit while the open ticket's forward is kept on this desk."""
        if ticket is None or forwards is None:
            window.show_kept_forward("")
            return
        kept_by = forwards

        def read() -> tuple[PendingForward | None, list[CatalogItem]]:
            """Worker thread."""
            pending = next((p for p in kept_by.all() if p.ticket_id == ticket.id), None)
            return pending, catalogs.units() if pending is not None else []

        def shown(found: tuple[PendingForward | None, list[CatalogItem]]) -> None:
            current = window.current_ticket()
            if current is not None and current.id == ticket.id:  # not another ticket opened meanwhile
                window.show_kept_forward(kept_text(*found))

        runner.run(read, shown)

    def kept_text(pending: PendingForward | None, units: list[CatalogItem]) -> str:
        if pending is None:
            return ""
        unit = next((item.name for item in units if item.code == pending.unit_code), pending.unit_code)
        if pending.refused:
            return (
                translate(
                    "ForwardDialog",
                    "Not forwarded: the server refused forwarding it to %1: %2 Forward it again (%3).",
                )
                .replace("%1", unit)
                .replace("%2", pending.refused)
                .replace("%3", shown_key)
            )
        return (
            translate(
                "ForwardDialog",
                "Waiting to be forwarded to %1: asked at %2, kept on this computer and sent by the sync as "
                "soon as the server can be reached.",
            )
            .replace("%1", unit)
            .replace("%2", shown_vn(pending.asked_at))
        )

    def queue(ticket: Ticket, unit_code: str, why: str) -> Queued:
        """Worker thread."""
        assert forwards is not None
        forwards.ask(ticket.id, ticket.code, unit_code)
        if sync is not None:
            sync.desk.sync_now()
        return Queued(why)

    def forward_ticket(ticket: Ticket) -> Forward:
        def forward(ticket_id: str, unit_code: str) -> dict[str, Any] | Queued:
            """Worker thread."""
            if forwards is not None and forwards.waiting_for_push(ticket_id):
                return queue(
                    ticket,
                    unit_code,
                    translate(
                        "ForwardDialog",
                        "Not forwarded yet to %1: the ticket's last changes are not on the server; the "
                        "forward is kept and sent right after them.",
                    ),
                )
            if sync is None:
                raise NotConfigured(
                    translate(
                        "ForwardDialog",
                        "This desk is not signed in to the server (Server ▸ Sign in to the server…).",
                    )
                )
            try:
                answer = presence_link(sync).call(
                    lambda client, token: client.forward(token, ticket_id, unit_code)
                )
            except (ServerUnreachable, NotConfigured) as error:
                if forwards is None:
                    raise
                why = (
                    translate(
                        "ForwardDialog",
                        "Not forwarded yet to %1: the server cannot be reached; the forward is kept on this "
                        "computer and sent when it can be.",
                    )
                    if isinstance(error, ServerUnreachable)
                    else translate(
                        "ForwardDialog",
                        "Not forwarded yet to %1: this desk is not signed in to the server (Server ▸ Sign in "
                        "to the server…); the forward is kept until it is.",
                    )
                )
                return queue(ticket, unit_code, why)
            except SyncError as error:
                if forwards is None or error.status < 500:
                    raise  # a 4xx is the server's refusal: shown in the dialog, which stays open
                # the server (or its proxy, while the server restarts) failed and refused nothing: the
                # sync sends the kept forward as it does after any other failed cycle
                return queue(
                    ticket,
                    unit_code,
                    translate(
                        "ForwardDialog",
                        "Not forwarded yet to %1: the server failed (error %2); the forward is kept on "
                        "this computer and sent when the server answers.",
                    ).replace("%2", str(error.status)),
                )
            if forwards is not None:
                forwards.sent(ticket_id)  # an earlier queued or refused choice is settled by this one
            sync.desk.sync_now()  # the pull brings the unit and deadline to the form and the list now
            return answer

        return forward

    def open_dialog() -> None:
        ticket = window.current_ticket()
        if ticket is None or ticket.draft.level < 2:
            return
        today = now_vn().date()

        def read() -> tuple[list[CatalogItem], DeadlinePreview | None, PendingForward | None]:
            """Worker thread: the units, the deadline a forward today would get, a forward kept earlier."""
            earlier = None
            if forwards is not None:
                earlier = next((p for p in forwards.all() if p.ticket_id == ticket.id), None)
            return catalogs.units(), preview_deadline(catalogs, int(ticket.draft.level), today), earlier

        runner.run(read, lambda found: show(ticket, *found))

    def show(
        ticket: Ticket,
        units: list[CatalogItem],
        preview: DeadlinePreview | None,
        earlier: PendingForward | None,
    ) -> None:
        dialog = ForwardDialog(
            ticket.id, ticket.code, units, forward_ticket(ticket), runner, window.host_widget(),
            preview=preview, earlier=earlier,
        )  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: int) -> None:
            if result != QDialog.DialogCode.Accepted:
                return
            # kept or sent: the list's step cell and the form's line say which
            window.publish_changes(OpChanges(Origin.LOCAL, tickets=frozenset({ticket.id})))
            refresh()
            unit = dialog.unit_combo.currentText()
            if dialog.queued is not None:
                window.show_message(dialog.queued.why.replace("%1", unit), 30000)
            elif dialog.deadline is not None:
                window.show_message(
                    translate("ForwardDialog", "Forwarded to %1; answer due %2.")
                    .replace("%1", unit)
                    .replace("%2", day_text(dialog.deadline)),
                    10000,
                )

        dialog.finished.connect(done)
        dialog.open()

    def on_changes(changes: OpChanges) -> None:
        """A pull that brings the open ticket forwarded: the line goes, even while the form has unsaved
        typing (the form is then not reloaded)."""
        ticket = window.current_ticket()
        if ticket is not None and ticket.id in changes.tickets:
            show_kept(ticket)

    action.triggered.connect(open_dialog)
    window.changes.subscribe(on_changes)
    window.on_ticket_shown(refresh)
    window.on_form_cleared(refresh)  # a new ticket has nothing to forward until it is saved
    refresh()
    window.add_ticket_action(action)
    return action
