"""Fixtures of the presence tests: the real server (PostgreSQL + uvicorn), the real SIP lab, whole desks."""

from __future__ import annotations

import os

from store_keys import open_test_store

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phone.conftest as phone_lab
import pytest
import sync.conftest as server_lab_fixtures
from phone.conftest import TEST_POLICY
from phone.conftest import MemoryKeyring as PhoneKeyring
from sync.conftest import MemoryKeyring

from desktop.desk import Desk
from desktop.services.bundle import DeskServices
from desktop.services.phone.session import PhoneSession, RecordingPolicy
from desktop.services.phone.sip_password import SipPasswordStore
from desktop.settings import Settings
from desktop.store.local import LocalStore
from desktop.sync.account import Login
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, sign_in
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.desk import PhoneDesk
from desktop.ui.phone.presence_desk import PresenceDesk, install_presence
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.sync.desk import SyncDesk
from desktop.ui.tickets.form import UnsavedChoice

# the other suites' labs as they are: the server's (PostgreSQL, uvicorn), the phone's (Kamailio, sipp)
postgres, template, server = (
    server_lab_fixtures.postgres,
    server_lab_fixtures.template,
    server_lab_fixtures.server,
)
siplab, kamailio, sipp = phone_lab.siplab, phone_lab.kamailio, phone_lab.sipp


@dataclass
class WholeDesk:
    """A desk as launch.py builds it: window, phone, sync (signed in), presence."""

    username: str
    store: LocalStore
    window: MainWindow
    services: DeskServices
    phone: PhoneDesk
    sync: SyncDesk
    presence: PresenceDesk
    session: PhoneSession
    runner: TaskRunner
    closed: bool = False

    def close(self) -> None:
        """As launch.py closes a desk: offline to the server, the phone stopped, the store closed."""
        if self.closed:
            return
        self.closed = True
        self.window.hide()
        self.presence.stop()
        self.phone.stop()
        self.runner.wait_for_done(10000)
        self.window.desk.close()  # the sync engine (joined), the phone session (its writes done)
        self.store.close()


@pytest.fixture
def make_whole_desk(
    qtbot: Any, tmp_path: Path, server: Any, siplab: Any
) -> Iterator[Callable[..., WholeDesk]]:
    from server_lab import PASSWORD

    made: list[tuple[WholeDesk, TaskRunner]] = []

    def make(username: str, *, sip_user: str | None = None, lab: Any = None, **presence: Any) -> WholeDesk:
        runner = TaskRunner()
        store = open_test_store(tmp_path / f"desk-{username}")
        opened = Desk.open(store, username, page_size=50)
        services = opened.services
        window = MainWindow(opened, None, runner, confirm_unsaved=lambda _w: UnsavedChoice.DISCARD)
        qtbot.addWidget(window)
        settings_dir = tmp_path / f"settings-{username}"  # a desk opened again reads what it saved
        settings_dir.mkdir(exist_ok=True)
        settings = Settings.load(settings_dir)
        settings.operator, settings.sync_server, settings.sync_user = username, server.base, username
        keyring = PhoneKeyring()
        if sip_user is not None:
            settings.sip_server, settings.sip_port, settings.sip_extension = (
                "127.0.0.1",
                lab.port,
                sip_user,
            )
            settings.sip_rtp_port_low, settings.sip_rtp_port_high = 23000, 23999
            SipPasswordStore(keyring).set("127.0.0.1", sip_user, siplab.PASSWORDS[sip_user])
        credentials = Credentials(MemoryKeyring())
        login = Login(server.base, username)
        sign_in(
            SyncClient(server.base), credentials, login, PASSWORD, store.identity
        )  # the desk is signed in
        sync = SyncDesk(window, opened, settings, credentials, runner)
        session = opened.open_phone(RecordingPolicy(enabled=False, folder=tmp_path / "rec"))
        phone = PhoneDesk(
            window,
            opened,
            settings,
            SipPasswordStore(keyring),
            runner,
            policy=TEST_POLICY,
            save_settings=lambda saved: saved.save(settings_dir),
        )
        presence_desk = install_presence(phone, sync, services.supervisor, runner, delay_ms=0, **presence)
        window.show()
        phone.start()
        desk = WholeDesk(username, store, window, services, phone, sync, presence_desk, session, runner)
        made.append(desk)
        return desk

    yield make
    for desk in made:
        desk.close()
