"""Chuyển đơn vị from the desk: a synced level-2 ticket goes to a unit through the real server, the dialog
closes with the deadline; a second forward is refused with the server's reason shown in the dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from server_lab import PASSWORD, Desk, ServerProcess
from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.services.catalogs import CatalogService
from desktop.services.tickets.service import TicketService
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from desktop.sync.presence import ServerLink
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.tickets.forward_dialog import ForwardDialog


def test_a_synced_ticket_is_forwarded_and_a_second_forward_is_refused_with_the_reason(
    qtbot, tmp_path: Path, server: ServerProcess
) -> None:
    store = open_test_store(tmp_path / "desk")
    units = CatalogService(store).units()
    unit = units[0]
    assert (
        Desk(server, "admin")
        .http.put(f"/api/v1/catalog/unit/{unit.code}", json={"name": unit.name})
        .status_code
        == 200
    )
    ticket = TicketService(store, "dtv1").create(
        TicketDraft(
            content="Phản ánh đường hư hỏng",
            phone="0912 345 678",
            citizen_name="Lan",
            level=2,
            unit_code=unit.code,
        )
    )
    credentials = Credentials(None)
    login = Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    SyncEngine(store, SyncClient(server.base), credentials, login).run_cycle()
    link = ServerLink(lambda: login, lambda: credentials, store.identity)

    def forward(ticket_id: str, unit_code: str) -> dict[str, object]:
        return link.call(lambda client, token: client.forward(token, ticket_id, unit_code))

    first = ForwardDialog(ticket.id, ticket.code, units, forward, TaskRunner())
    qtbot.addWidget(first)
    first.show()
    first.unit_combo.setCurrentIndex(first.unit_combo.findData(unit.code))
    with qtbot.waitSignal(first.finished, timeout=20000):
        qtbot.mouseClick(first.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert first.result() == first.DialogCode.Accepted and first.deadline is not None

    again = ForwardDialog(ticket.id, ticket.code, units, forward, TaskRunner())
    qtbot.addWidget(again)
    again.show()
    again.unit_combo.setCurrentIndex(again.unit_combo.findData(unit.code))
    again.submit()
    qtbot.waitUntil(lambda: again.result_label.property("refused") is True, timeout=20000)
    assert "đang chờ đơn vị trả lời" in again.result_label.text()
    again.grab().save("/tmp/forward_dialog_refused.png")
    store.close()
