"""Opening the store at start-up: off the GUI thread, a progress window only when it is long."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic import command
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog
from sqlalchemy import func, select

from desktop.domain.ticket import TicketDraft
from desktop.services.tickets import TicketService
from desktop.store import models
from desktop.store.engine import alembic_config, current_revision, head_revision
from desktop.store.local import LocalStore
from desktop.ui.opening import needs_upgrade, open_desk_store, run_with_progress


def visible_progress() -> list[QProgressDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]


def test_quick_work_returns_its_result_without_a_window(qapp: QApplication) -> None:
    seen: list[int] = []
    QTimer.singleShot(0, lambda: seen.append(len(visible_progress())))

    assert run_with_progress(lambda say: threading.current_thread().name, show_after_ms=5000) == (
        "tongdai1022-open-store"
    )
    assert visible_progress() == []


def test_long_work_shows_what_it_is_doing_while_the_window_keeps_painting(qapp: QApplication) -> None:
    release = threading.Event()
    seen: dict[str, object] = {"ticks": 0}

    def tick() -> None:
        seen["ticks"] = int(seen["ticks"]) + 1  # type: ignore[call-overload]
        shown = visible_progress()
        if shown and "label" not in seen and shown[0].labelText() == "Đang nâng cấp":
            seen["label"] = shown[0].labelText()
            release.set()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)

    def work(say: object) -> str:
        say("Đang nâng cấp")  # type: ignore[operator]
        assert release.wait(10), "the progress window never showed the line"
        return "xong"

    try:
        assert run_with_progress(work, show_after_ms=100) == "xong"
    finally:
        timer.stop()
    assert seen["label"] == "Đang nâng cấp"
    assert int(seen["ticks"]) >= 5  # type: ignore[call-overload]  # the event loop ran all along
    assert visible_progress() == []


def test_an_error_of_the_work_is_raised_on_the_gui_thread(qapp: QApplication) -> None:
    def work(say: object) -> None:
        raise PermissionError("không ghi được")

    with pytest.raises(PermissionError, match="không ghi được"):
        run_with_progress(work, show_after_ms=10_000)


def test_an_older_store_is_copied_aside_migrated_and_opened_with_its_tickets(
    qapp: QApplication, data_dir: Path
) -> None:
    store = LocalStore.open(data_dir)
    TicketService(store, operator="dtv-lan").create(
        TicketDraft(content="Hỏi cấp lại căn cước", phone="0912345678")
    )
    command.downgrade(alembic_config(store.engine), "0005")
    store.close()
    assert needs_upgrade(data_dir)

    opened = open_desk_store(data_dir)
    try:
        assert current_revision(opened.engine) == head_revision()
        with opened.sessions() as session:
            assert session.scalar(select(func.count()).select_from(models.Ticket)) == 1
            assert session.scalar(select(func.count()).select_from(models.KbProcedure)) > 0
    finally:
        opened.close()
    assert not needs_upgrade(data_dir)
    assert list(data_dir.glob("*.truoc-nang-cap-0005-*.sqlite3"))


def test_a_new_data_folder_needs_no_upgrade(data_dir: Path) -> None:
    assert not needs_upgrade(data_dir)
