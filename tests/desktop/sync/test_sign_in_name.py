"""Who is working, through the real server (PostgreSQL and uvicorn): signing in from the desk makes the
account's name the one the desk shows and records, the same name the server records for its changes."""

from __future__ import annotations

from pathlib import Path

from keyring.backends.fail import Keyring as NoKeyring
from pytestqt.qtbot import QtBot
from server_lab import PASSWORD, Desk, ServerProcess

from desktop.services.tickets.service import TicketService
from desktop.settings import Settings
from desktop.store.local import LocalStore
from desktop.sync.credentials import Credentials
from desktop.sync.state import read_counts
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.shell.operator_name import OperatorName
from desktop.ui.sync.desk import SyncDesk
from sync.test_sync_desk import window_for  # tests/desktop is on sys.path


def test_signing_in_makes_the_accounts_name_the_one_the_desk_shows_and_records(
    qtbot: QtBot, store: LocalStore, data_dir: Path, runner: TaskRunner, server: ServerProcess
) -> None:
    admin = Desk(server, "admin")
    made = admin.http.post(
        "/api/v1/accounts",
        json={
            "username": "lan.nguyen",
            "password": PASSWORD,
            "role": "operator",
            "full_name": "Nguyễn Thị Lan",
        },
    )
    assert made.status_code == 201, made.text
    window = window_for(qtbot, store, data_dir, runner)
    Settings(operator="may-tinh-quay-3").save(data_dir)  # a name chosen on this desk before signing in
    settings = Settings.load(data_dir)
    desk = SyncDesk(
        window,
        window.desk,
        settings,
        Credentials(NoKeyring()),
        runner,
        save_settings=lambda s: s.save(data_dir),
    )
    operator = OperatorName(
        window, window.file_menu, window.operator_label, settings, lambda s: s.save(data_dir), window.operator
    )
    desk.after_sign_in.append(operator.on_signed_in)  # as the launch wires it

    desk.sync_now()  # not signed in: asks who to sign in as
    dialog = desk.login_dialog
    assert dialog is not None
    dialog.url_edit.setText(server.base)
    dialog.user_edit.setText(" Lan.Nguyen ")  # as typed: the server signs the account in all the same
    dialog.password_edit.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: desk.engine is not None, timeout=15000)

    assert window.operator.name == "lan.nguyen"  # the account, as the server names it
    assert "Nguyễn Thị Lan" in window.operator_label.text() and "lan.nguyen" in window.operator_label.text()
    assert "may-tinh-quay-3" not in window.operator_label.text()
    window.form.new_ticket()
    window.form.phone_edit.setText("0912 345 678")
    window.form.content_edit.setPlainText("Hỏi lịch tiếp công dân")
    with qtbot.waitSignal(window.form.ticket_saved, timeout=10000) as saved:
        window.form.save()
    ticket_id = saved.args[0].id
    qtbot.waitUntil(lambda: read_counts(store).pending == 0 and read_counts(store).last_sync_at is not None)
    [(_at, actor, _action, _changes)] = TicketService(store, "lector").history(ticket_id)
    on_server = {c["entity_id"]: c["fields"] for c in admin.pull_all()[0] if c["entity"] == "ticket"}
    assert actor == on_server[ticket_id]["created_by"] == "lan.nguyen"  # one name on the desk and the server
    desk.stop()

    again = Settings.load(data_dir)  # the next start signs the same account in, under the same name
    assert (again.sync_user, again.operator, again.operator_source) == ("lan.nguyen", "lan.nguyen", "server")
