"""Ticket ▸ Lịch sử xử lý… on the main window at 1366x768: off until a ticket is open, reached by
Ctrl+Shift+H (no other action of the window has it) or its access key in the Ticket menu (no other item's),
a button beside the form's; it shows the open ticket's steps in Vietnamese, reads them again when a pull
brings more, and the look is on the access record like any other display of a ticket."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolButton
from sqlalchemy import select

from desktop.changes import OpChanges, Origin
from desktop.domain.clock import now_vn
from desktop.services.access_log import flush_all
from desktop.store.access_models import AccessRecord
from desktop.store.local import LocalStore
from desktop.sync.apply import apply_page
from desktop.ui.tickets.life_view import LIFE_SHORTCUT, TicketLifeDialog, install_ticket_life
from protocol import Change

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

    # A pull while it is open (the ticket forwarded from another desk meanwhile) shows at once
    forwarded = {"ticket_id": seeded["known_old"], "unit_code": "ubnd-huyen-tan-hong", "state": "forwarded"}
    an_hour_ago = (now_vn() - timedelta(hours=1)).isoformat()
    forwarded |= {"forwarded_at": an_hour_ago, "forwarded_by": "dtv2", "deadline": "2026-12-12"}
    pulled = Change(cursor=1, entity="forwarding", entity_id="f-1", version=1, fields=forwarded)
    apply_page(store, [pulled], 1)
    window.publish_changes(OpChanges(Origin.REMOTE, tickets=frozenset({seeded["known_old"]})))
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=5000)
    assert [row[1:3] for row in dialog.shown_rows()] == [["Tiếp nhận", "kiem.thu"], ["Chuyển đơn vị", "dtv2"]]

    flush_all()
    with store.sessions() as session:
        looks = session.scalars(
            select(AccessRecord.screen).where(
                AccessRecord.subject == seeded["known_old"], AccessRecord.reason == "open"
            )
        ).all()
    assert "ticket_life" in looks
    dialog.reject()
