"""A unit returns a forwarded ticket on the server's web page ("không thuộc thẩm quyền", with a reason):
the desk's next pull shows it at the step "Đơn vị trả lại" with the reason, out of the unit's inbox; the
operator forwards it again with the dialog Ctrl+Shift+U opens, and the next pull shows it with the new
unit and its deadline, no longer returned."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from server_lab import PASSWORD, Desk, ServerProcess, unit_browser, unit_step
from sqlalchemy.orm import Session
from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.domain.ticket_step import TicketStep
from desktop.services.catalogs import CatalogService
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.service import TicketService
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from desktop.sync.presence import ServerLink
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.tickets.forward_dialog import ForwardDialog
from server.db import create_server_engine
from server.services import unit_accounts

REASON = "Không thuộc thẩm quyền của huyện: cấp phép xây dựng nhà ở do Sở Xây dựng giải quyết."


def steps_of(query: TicketQuery, step: TicketStep) -> list[str]:
    return [row.id for row in query.page(TicketFilter(steps=frozenset({step}))).rows]


def test_a_units_return_reaches_the_desk_as_a_step_and_the_ticket_is_forwarded_again(
    qtbot, tmp_path: Path, server: ServerProcess
) -> None:
    store = open_test_store(tmp_path / "desk")
    units = CatalogService(store).units()
    district, department = units[0], units[1]
    admin = Desk(server, "admin")
    for unit in (district, department):
        entry = {"name": unit.name}
        assert admin.http.put(f"/api/v1/catalog/unit/{unit.code}", json=entry).status_code == 200
    engine = create_server_engine(server.db_url)
    with Session(engine) as session, session.begin():
        unit_accounts.create(session, "ubnd.huyen", district.code, PASSWORD)
    engine.dispose()
    tickets = TicketService(store, "dtv1")
    draft = TicketDraft(
        content="Xin phép sửa nhà ở riêng lẻ", phone="0912 345 678", level=2, unit_code=district.code
    )
    ticket = tickets.create(draft)
    credentials, login = Credentials(None), Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    desk = SyncEngine(store, SyncClient(server.base), credentials, login)
    desk.run_cycle()
    link = ServerLink(lambda: login, lambda: credentials, store.identity)

    def forward(ticket_id: str, unit_code: str) -> dict[str, object]:
        return link.call(lambda client, token: client.forward(token, ticket_id, unit_code))

    first = forward(ticket.id, district.code)
    web = unit_browser(server, "ubnd.huyen")
    unit_step(web, str(first["id"]), "tra-lai", {"reason": REASON})
    assert str(first["id"]) not in web.get("/don-vi/").text  # out of the unit's inbox
    desk.run_cycle()

    query = TicketQuery(store)
    assert steps_of(query, TicketStep.RETURNED) == [ticket.id]
    assert steps_of(query, TicketStep.FORWARDED) == []
    returned = tickets.get(ticket.id)
    assert returned.return_reason == REASON  # what the form shows the operator
    assert returned.draft.unit_code == district.code  # the unit that returned it, until forwarded again

    again = ForwardDialog(ticket.id, ticket.code, units, forward, TaskRunner())
    qtbot.addWidget(again)
    again.show()
    again.unit_combo.setCurrentIndex(again.unit_combo.findData(department.code))
    with qtbot.waitSignal(again.finished, timeout=20000):
        qtbot.mouseClick(again.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert again.result() == again.DialogCode.Accepted, again.result_label.text()
    desk.run_cycle()

    assert steps_of(query, TicketStep.RETURNED) == []
    assert steps_of(query, TicketStep.FORWARDED) == [ticket.id]
    forwarded = tickets.get(ticket.id)
    assert (forwarded.draft.unit_code, forwarded.return_reason) == (department.code, "")
    assert forwarded.deadline == again.deadline  # the new unit's deadline, counted by every desk
    history = Desk(server, "giamsat").http.get(f"/api/v1/tickets/{ticket.id}/revisions")
    assert history.status_code == 200, history.text
    steps = [(r["username"], r["changes"]) for r in history.json()["revisions"]]
    # Attributed and timestamped in the ticket's history: the unit's return, then the second forward
    assert any(who == "don-vi:ubnd.huyen" and "return_reason" in changes for who, changes in steps)
    assert any(who == "dtv1" and "return_reason" in changes for who, changes in steps)
    web.close()
    store.close()
