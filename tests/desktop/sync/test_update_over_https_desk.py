"""The window's update check trusts the server as its sync does: a desk set with the province's CA file
signs in over HTTPS and, right after, is told of the signed release on that same server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as NoKeyring
from pytestqt.qtbot import QtBot
from release_lab import Admin
from server_lab import PASSWORD, ServerProcess
from telephony.tls_certs import TlsFiles, make_tls_files

from desktop.services.bundle import DeskServices
from desktop.settings import Settings
from desktop.store.local import LocalStore
from desktop.sync.credentials import Credentials
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.shell.update_desk import install_updates
from desktop.ui.sync.desk import SyncDesk

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
    window = MainWindow(DeskServices.for_store(store, "dtv1"), data_dir, runner)
    qtbot.addWidget(window)
    window.show()
    sync = SyncDesk(
        window,
        store,
        Settings.load(data_dir),
        Credentials(NoKeyring()),
        runner,
        save_settings=lambda s: s.save(data_dir),
        pull_interval=60,
    )
    updates = install_updates(window, sync, lambda: False, data_dir, runner)
    assert not updates.notice.isVisible()

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
