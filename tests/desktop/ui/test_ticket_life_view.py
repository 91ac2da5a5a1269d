"""Ticket ▸ Lịch sử xử lý… on the main window at 1366x768: off until a ticket is open, reached by
Ctrl+Shift+H (no other action of the window has it) or its access key in the Ticket menu (no other item's),
a button beside the form's; it shows the open ticket's steps in Vietnamese and the look is on the access
record like any other display of a ticket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolButton
from sqlalchemy import select

from desktop.services.access_log import flush_all
from desktop.store.access_models import AccessRecord
from desktop.store.local import LocalStore
from desktop.ui.tickets.life_view import LIFE_SHORTCUT, TicketLifeDialog, install_ticket_life

SHOTS = Path("build/screenshots/steps")
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def access_key(text: str) -> str:
    at = text.replace("&&", "").find("&")
    return text.replace("&&", "")[at + 1].casefold() if at >= 0 else ""


def test_the_ticket_life_opens_by_keyboard_for_the_open_ticket_and_is_on_the_access_record(
    qtbot: Any,
    vietnamese: None,
    make_window: Any,
    desk: Any,
    runner: Any,
    seeded: dict[str, str],
    store: LocalStore,
) -> None:
    window = make_window()
    window.resize(1366, 768)
    assert desk.services.life is not None
    action = install_ticket_life(window, desk.services.life, runner)
    assert not action.isEnabled()  # a new ticket has no life yet

    window.form.open_ticket(seeded["known_old"])
    qtbot.waitUntil(lambda: window.form.ticket is not None and action.isEnabled(), timeout=10000)
    button = window.form.findChild(QToolButton, "ticketLifeActionButton")
    assert button is not None and button.isVisible()
    assert button.mapTo(window, button.rect().bottomRight()).x() <= 1366  # on screen beside Save
    shortcut = QKeySequence(LIFE_SHORTCUT)
    taken = [a.objectName() for a in window.findChildren(QAction) if shortcut in a.shortcuts()]
    assert taken == ["ticketLifeAction"]
    keys = [access_key(a.text()) for a in window.ticket_menu.actions() if access_key(a.text())]
    assert access_key(action.text()) == "h" and keys.count("h") == 1, keys

    qtbot.keyClick(window.form.content_edit, Qt.Key.Key_H, CTRL_SHIFT)
    qtbot.waitUntil(lambda: bool(window.findChildren(TicketLifeDialog)), timeout=5000)
    (dialog,) = window.findChildren(TicketLifeDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=10000)
    assert dialog.windowTitle() == f"Lịch sử xử lý phiếu {window.form.ticket.code}"
    ((_at, step, who, unit, words),) = dialog.shown_rows()
    assert (step, who, unit, words) == ("Tiếp nhận", "kiem.thu", "", "")
    assert dialog.width() <= 1366 and dialog.height() <= 768
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "ticket-life-button-1366x768.png"))

    flush_all()
    with store.sessions() as session:
        looks = session.scalars(
            select(AccessRecord.screen).where(
                AccessRecord.subject == seeded["known_old"], AccessRecord.reason == "open"
            )
        ).all()
    assert "ticket_life" in looks
    dialog.reject()
