"""Opening the store at start-up: off the GUI thread, a progress window only when it is long."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic import command
from memory_keyring import MemoryKeyring
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressDialog
from sqlalchemy import func, select
from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.keyring_service import KeyringService
from desktop.services.store_unlock import PASSPHRASE_ENV, SERVICE
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.store.cipher import StoreKey
from desktop.store.engine import alembic_config, current_revision, head_revision
from desktop.ui.shell.opening import OpeningCancelled, needs_upgrade, open_desk_store, run_with_progress
from desktop.ui.shell.passphrase_dialog import PassphraseDialog

NO_KEYRING = KeyringService(SERVICE, None)


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
    store = open_test_store(data_dir)
    TicketService(store, operator="dtv-lan").create(
        TicketDraft(content="Hỏi cấp lại căn cước", phone="0912345678")
    )
    command.downgrade(alembic_config(store.engine), "0005")
    store.close()
    assert needs_upgrade(data_dir, store.key)

    opened = open_desk_store(data_dir, keyring=NO_KEYRING)
    try:
        assert current_revision(opened.engine) == head_revision()
        with opened.sessions() as session:
            assert session.scalar(select(func.count()).select_from(models.Ticket)) == 1
            assert session.scalar(select(func.count()).select_from(models.KbProcedure)) > 0
    finally:
        opened.close()
    assert not needs_upgrade(data_dir, store.key)
    assert list(data_dir.glob("*.truoc-nang-cap-0005-*.sqlite3"))


def test_a_new_data_folder_needs_no_upgrade(data_dir: Path) -> None:
    assert not needs_upgrade(data_dir, StoreKey.random())


class Prompts:
    """Answers the passphrase prompts in turn and notes how each was asked."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[bool, bool]] = []

    def __call__(self, *, new: bool, wrong: bool) -> str | None:
        self.asked.append((new, wrong))
        return self.answers.pop(0)


def test_a_desk_without_a_keyring_asks_for_a_new_passphrase_then_for_it_at_each_start(
    qapp: QApplication, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    first = Prompts("mật khẩu của bàn số 3")
    open_desk_store(data_dir, keyring=NO_KEYRING, ask_passphrase=first).close()
    assert first.asked == [(True, False)]

    again = Prompts("sai mật khẩu nhé", "mật khẩu của bàn số 3")
    open_desk_store(data_dir, keyring=NO_KEYRING, ask_passphrase=again).close()
    assert again.asked == [(False, False), (False, True)]  # asked, then told it was wrong and asked again

    with pytest.raises(OpeningCancelled):
        open_desk_store(data_dir, keyring=NO_KEYRING, ask_passphrase=Prompts(None))


def test_with_a_keyring_the_desk_opens_without_asking(qapp: QApplication, data_dir: Path) -> None:
    monkeypatch_free = Prompts()  # any prompt would fail: no answers
    keyring = KeyringService(SERVICE, MemoryKeyring())
    open_desk_store(data_dir, keyring=keyring, ask_passphrase=monkeypatch_free).close()
    open_desk_store(data_dir, keyring=keyring, ask_passphrase=monkeypatch_free).close()
    assert monkeypatch_free.asked == []


def _fill_the_passphrase_dialog(*values: str) -> None:
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, PassphraseDialog) and w.isVisible()
    )
    dialog.passphrase.setText(values[0])
    if len(values) > 1:
        dialog.repeat.setText(values[1])
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)


def test_the_passphrase_dialog_explains_checks_and_is_typed_into_at_start(
    qapp: QApplication, data_dir: Path, monkeypatch: pytest.MonkeyPatch, vietnamese: None
) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    dialog = PassphraseDialog(new=True)
    dialog.resize(dialog.sizeHint())
    dialog.show()
    shots = Path("build/screenshots/store-key")
    shots.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(shots / "passphrase-new.png"))
    dialog.passphrase.setText("ngắn")
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.isVisible() and "10" in dialog.problem.text()
    dialog.passphrase.setText("mật khẩu đủ dài")
    dialog.repeat.setText("mật khẩu khác")
    QTest.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.isVisible() and "khác nhau" in dialog.problem.text()
    dialog.grab().save(str(shots / "passphrase-mismatch.png"))
    dialog.close()

    QTimer.singleShot(200, lambda: _fill_the_passphrase_dialog("mật khẩu đủ dài", "mật khẩu đủ dài"))
    open_desk_store(data_dir, keyring=NO_KEYRING).close()  # the real dialog, typed into
    wrong = PassphraseDialog(new=False, wrong=True)
    wrong.show()
    wrong.grab().save(str(shots / "passphrase-wrong.png"))
    assert "không mở được" in wrong.problem.text()
    wrong.close()
