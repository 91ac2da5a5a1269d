"""Fixtures of the phone desk tests: the real SIP lab of the telephony suite, offscreen Qt, a real store."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from lab_tools import lab_tool_missing
from memory_keyring import MemoryKeyring

from desktop.desk import Desk as OpenDesk
from desktop.services.phone.recording_vault import RecordingKey
from desktop.services.phone.session import PhoneSession, RecordingPolicy
from desktop.services.phone.sip_password import SipPasswordStore
from desktop.settings import Settings
from desktop.store.local import LocalStore
from desktop.telephony import AgentPolicy
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.desk import PhoneDesk
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.tickets.form import UnsavedChoice

LAB_MODULE = Path(__file__).resolve().parents[2] / "telephony" / "telephony_lab.py"
TEST_POLICY = AgentPolicy(keepalive_interval=1.0, unregister_timeout=0.5)
HOTLINE_USER = "1001"  # Kamailio routes 1022 to it


def _lab_module() -> Any:
    if "telephony_lab" in sys.modules:
        return sys.modules["telephony_lab"]
    spec = importlib.util.spec_from_file_location("telephony_lab", LAB_MODULE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["telephony_lab"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def siplab() -> Any:
    module = _lab_module()
    missing = module.missing_binaries()
    if missing:
        lab_tool_missing(f"SIP lab binaries missing: {missing} (apt-get install -y kamailio sip-tester)")
    return module


@pytest.fixture(scope="module")
def kamailio(siplab: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    instance = siplab.Kamailio(tmp_path_factory.mktemp("phone-kamailio")).start()
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def strict_kamailio(siplab: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Record-Route and RFC in-dialog routing (re-INVITEs for hold go through the proxy)."""
    instance = siplab.Kamailio(tmp_path_factory.mktemp("phone-kamailio-strict"), "strict").start()
    yield instance
    instance.stop()


class SippRuns:
    def __init__(self, lab: Any, root: Path) -> None:
        self.lab, self.root, self.started = lab, root, []

    def uac(self, scenario: str, port: int, *extra: str, host: Any = None) -> Any:
        """A caller; `host`: a lab host (netlab.Host) it runs on, calling the Kamailio there."""
        run = self.lab.Sipp(
            scenario,
            self.root / f"sipp-{len(self.started)}",
            remote=f"{host.address if host else '127.0.0.1'}:{port}",
            extra=list(extra),
            calls=1,
            timeout_s=20,
            **({"host": host.address, "netns": host.netns} if host else {}),
        )
        self.started.append(run)
        return run.start()

    def uas(self, scenario: str, port: int, *extra: str, host: Any = None) -> Any:
        run = self.lab.Sipp(
            scenario,
            self.root / f"sipp-{len(self.started)}",
            remote=None,
            local_port=port,
            extra=list(extra),
            timeout_s=20,
            **({"host": host.address, "netns": host.netns} if host else {}),
        )
        self.started.append(run)
        return run.start()


@pytest.fixture
def sipp(siplab: Any, tmp_path: Path) -> Iterator[SippRuns]:
    runs = SippRuns(siplab, tmp_path)
    yield runs
    for run in runs.started:
        run.stop()


@dataclass
class Desk:
    window: MainWindow
    phone: PhoneDesk
    session: PhoneSession
    store: LocalStore
    runner: TaskRunner
    keyring: MemoryKeyring
    opened: OpenDesk  # the desk object owning the session and the agent, as the launch makes it


@pytest.fixture
def make_desk(qtbot: Any, store: LocalStore, tmp_path: Path, siplab: Any) -> Iterator[Callable[..., Desk]]:
    made: list[Desk] = []

    def make(
        kamailio: Any,
        user: str = HOTLINE_USER,
        *,
        record: bool = True,
        start: bool = True,
        confirm_unsaved: Callable[[Any], UnsavedChoice] = lambda _w: UnsavedChoice.DISCARD,
    ) -> Desk:
        """`confirm_unsaved`: the operator's answer when the form asks about unsaved changes."""
        runner = TaskRunner()
        opened = OpenDesk.open(store, "kiem.thu", page_size=50)
        window = MainWindow(opened, None, runner, confirm_unsaved=confirm_unsaved)
        qtbot.addWidget(window)
        server = getattr(kamailio, "host", "127.0.0.1")  # a lab Kamailio on another host: its address
        settings = Settings(
            operator="kiem.thu",
            sip_server=server,
            sip_port=kamailio.port,
            sip_extension=user,
            sip_rtp_port_low=23000,
            sip_rtp_port_high=23999,
        )
        keyring = MemoryKeyring()
        passwords = SipPasswordStore(keyring)
        passwords.set(server, user, siplab.PASSWORDS[user])
        session = opened.open_phone(
            RecordingPolicy(
                enabled=record, folder=tmp_path / "recordings", key=RecordingKey(keyring).get_or_create()
            ),
        )
        phone = PhoneDesk(
            window, opened, settings, passwords, runner, policy=TEST_POLICY, route_check_seconds=0.5
        )
        window.show()
        desk = Desk(window, phone, session, store, runner, keyring, opened)
        made.append(desk)
        if start:
            phone.start()
        return desk

    yield make
    for desk in made:
        desk.phone.stop()
        desk.runner.wait_for_done(10000)
        desk.opened.close()
