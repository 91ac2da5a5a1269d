"""Fixtures of the UI tests: offscreen Qt, a migrated store per test, seeded tickets, the main window."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from uitest_support import KNOWN_NAME, KNOWN_PHONE, draft, type_text

from desktop.desk import Desk
from desktop.domain.clock import now_vn
from desktop.domain.codes import Channel, Level, RequestType, Satisfaction, TicketStatus
from desktop.services.bundle import DeskServices
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.shell.translations import install_translations, remove_translations
from desktop.ui.tickets.form import UnsavedChoice

# data_dir and store come from tests/desktop/conftest.py.


@pytest.fixture
def ticket_service(store: LocalStore) -> TicketService:
    return TicketService(store, "kiem.thu")


@pytest.fixture
def runner(qapp: object) -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.wait_for_done(10000)


@pytest.fixture
def desk(store: LocalStore) -> Desk:
    """The open desk over the test's store, as the launch makes it."""
    return Desk.open(store, "kiem.thu", page_size=50)


@pytest.fixture
def services(desk: Desk) -> DeskServices:
    return desk.services


@pytest.fixture
def seeded(ticket_service: TicketService) -> dict[str, str]:
    """A few realistic tickets; returns their ids by role."""
    now = now_vn()
    known_old = ticket_service.create(
        draft(
            phone=KNOWN_PHONE,
            citizen_name=KNOWN_NAME,
            content="Phản ánh đèn đường ấp Tân Hòa bị hư",
            request_type=RequestType.FEEDBACK,
            level=Level.TWO,
            unit_code="ubnd-huyen-tan-hong",
            received_at=now - timedelta(days=3),
        )
    )
    known_new = ticket_service.create(
        draft(
            phone=KNOWN_PHONE,
            citizen_name=KNOWN_NAME,
            content="Hỏi thủ tục đăng ký khai sinh cho con",
            status=TicketStatus.RESOLVED,
            answer="Đã hướng dẫn nộp hồ sơ tại UBND xã.",
            satisfaction=Satisfaction.SATISFIED,
            received_at=now - timedelta(days=1),
        )
    )
    other = ticket_service.create(
        draft(
            phone="0362 112 233",
            citizen_name="Lê Hoàng Phúc",
            content="Nước sinh hoạt bị đục có mùi lạ",
            channel=Channel.ZALO,
            received_at=now - timedelta(hours=2),
        )
    )
    return {"known_old": known_old.id, "known_new": known_new.id, "other": other.id}


@pytest.fixture(name="type_text")
def type_text_fixture():  # type: ignore[no-untyped-def]
    """`type_text(widget, text)`: real key events, one per character."""
    return type_text


def discard_changes(_parent: object) -> UnsavedChoice:
    return UnsavedChoice.DISCARD


@pytest.fixture
def make_window(qtbot, desk: Desk, store: LocalStore, data_dir: Path, runner: TaskRunner):  # type: ignore[no-untyped-def]
    """Builds the main window over the test's desk and waits until it is usable. A test that changes a
    service passes its own `DeskServices`: it gets a desk of its own over the same store."""
    from desktop.ui.shell.main_window import MainWindow

    created = []

    def make(given: Desk | DeskServices | None = None, confirm=discard_changes):  # type: ignore[no-untyped-def]
        opened = given if isinstance(given, Desk) else Desk(given, store) if given is not None else desk
        window = MainWindow(opened, data_dir, runner, confirm_unsaved=confirm)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(
            lambda: (window.form.is_ready and window.model.has_more is False) or window.model.rowCount() > 0
        )
        qtbot.waitUntil(lambda: window.isActiveWindow())
        created.append(window)
        return window

    yield make
    runner.wait_for_done(10000)


@pytest.fixture
def vietnamese(qapp):  # type: ignore[no-untyped-def]
    """The desk's Vietnamese translations installed for the test, removed after."""
    translators = install_translations(qapp)
    yield
    remove_translations(qapp, translators)
