"""The window's update check trusts the server as its sync does: a desk set with the province's CA file
signs in over HTTPS and, right after, is told of the signed release on that same server; a desk whose
sync the server refuses as too old (its 426) is offered that release in the update dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as NoKeyring
from pytestqt.qtbot import QtBot
from release_lab import Admin
from server_lab import PASSWORD, ServerProcess
from telephony.tls_certs import TlsFiles, make_tls_files

from desktop.desk import Desk
from desktop.domain.ticket import TicketDraft
from desktop.services.tickets.service import TicketService
from desktop.settings import Settings
from desktop.store.local import LocalStore
from desktop.sync.client import SyncClient, TlsPolicy
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from desktop.sync.state import read_counts
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.update_desk import install_updates
from desktop.ui.sync.desk import SyncDesk
from desktop.updates import CHECK_EVERY_MS

RELEASE = "99.0.0"


@pytest.fixture
def province_ca(tmp_path: Path) -> TlsFiles:
    return make_tls_files(tmp_path / "province-ca")


@pytest.fixture
def admin(tmp_path: Path) -> Admin:
    return Admin(tmp_path / "admin")


@pytest.fixture
def https_release(
    postgres: object, template: str, province_ca: TlsFiles, admin: Admin, tmp_path: Path
) -> Iterator[ServerProcess]:
    database = postgres.url(postgres.create_database(template))  # type: ignore[attr-defined]
    updates = tmp_path / "served-updates"
    tls = (province_ca.certificate, province_ca.key, province_ca.ca)
    server = ServerProcess(database, env={"TONGDAI1022_SERVER_UPDATES": str(updates)}, tls=tls).start()
    try:
        admin.sign(RELEASE)
        assert admin.publish(server, updates).returncode == 0
        yield server
    finally:
        server.stop()


def test_after_signing_in_with_the_provinces_ca_the_desk_is_told_of_the_release(
    qtbot: QtBot,
    store: LocalStore,
    data_dir: Path,
    runner: TaskRunner,
    https_release: ServerProcess,
    province_ca: TlsFiles,
    admin: Admin,
) -> None:
    kept_root = data_dir / "updates" / "metadata" / "root.json"  # as a desk that updated once keeps it
    kept_root.parent.mkdir(parents=True)
    kept_root.write_bytes(admin.root_json.read_bytes())
    Settings(sync_ca_file=str(province_ca.ca)).save(data_dir)
    window = MainWindow(Desk.open(store, "dtv1"), data_dir, runner)
    qtbot.addWidget(window)
    window.show()
    sync = SyncDesk(
        window,
        window.desk,
        Settings.load(data_dir),
        Credentials(NoKeyring()),
        runner,
        save_settings=lambda s: s.save(data_dir),
        pull_interval=60,
    )
    updates = install_updates(window, sync, lambda: False, data_dir, runner)
    assert not updates.notice.isVisible()
    assert updates.timer.isActive() and updates.timer.interval() == CHECK_EVERY_MS  # and every 4 hours

    sync.sync_now()  # not signed in: asks who to sign in as
    dialog = sync.login_dialog
    assert dialog is not None
    dialog.url_edit.setText(https_release.base)
    dialog.user_edit.setText("dtv1")
    dialog.password_edit.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: sync.engine is not None, timeout=15000)

    qtbot.waitUntil(updates.notice.isVisible, timeout=20000)
    assert RELEASE in updates.notice.text()
    assert updates.offer is not None and updates.offer.version == RELEASE
    assert updates.last_problem == ""
    sync.stop()


def test_a_desk_the_server_refuses_as_too_old_is_offered_the_release_in_the_dialog(
    qtbot: QtBot,
    store: LocalStore,
    data_dir: Path,
    runner: TaskRunner,
    https_release: ServerProcess,
    province_ca: TlsFiles,
    admin: Admin,
) -> None:
    kept_root = data_dir / "updates" / "metadata" / "root.json"
    kept_root.parent.mkdir(parents=True)
    kept_root.write_bytes(admin.root_json.read_bytes())
    settings = Settings(sync_server=https_release.base, sync_user="dtv1", sync_ca_file=str(province_ca.ca))
    settings.save(data_dir)
    window = MainWindow(Desk.open(store, "dtv1"), data_dir, runner)
    qtbot.addWidget(window)
    window.show()
    sync = SyncDesk(
        window,
        window.desk,
        Settings.load(data_dir),
        Credentials(NoKeyring()),
        runner,
        save_settings=lambda s: None,
    )
    updates = install_updates(window, sync, lambda: False, data_dir, runner)

    TicketService(store, "dtv1").create(TicketDraft(content="Hỏi lịch tiếp dân", phone="0912 345 678"))
    login = Login(https_release.base, "dtv1")
    credentials = Credentials(None)
    credentials.remember(login, password=PASSWORD)
    client = SyncClient(https_release.base, policy=TlsPolicy(ca_file=str(province_ca.ca)))
    old_desk = SyncEngine(  # this desk's sync as an older release spoke it: the server refuses its push (426)
        store, client, credentials, login, on_event=sync.bridge.on_engine_event, protocol_version=0
    )
    old_desk.start()
    try:
        qtbot.waitUntil(lambda: updates.dialog is not None and updates.dialog.isVisible(), timeout=20000)
    finally:
        old_desk.stop()
    dialog = updates.dialog
    assert dialog is not None
    assert "giao thức đồng bộ phiên bản 0" in dialog.reason_label.text()  # the server's own words
    assert RELEASE in dialog.offer_label.text()
    assert updates.notice.isVisible() and RELEASE in updates.notice.text()
    assert read_counts(store).pending == 1  # nothing lost while the desk waits for its update
