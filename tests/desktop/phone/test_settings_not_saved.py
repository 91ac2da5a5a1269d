"""A desk that cannot save its settings says why in the log, without the file's path (it names the user)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from memory_keyring import MemoryKeyring

from desktop.desk import Desk as OpenDesk
from desktop.services.phone.sip_password import SipPasswordStore
from desktop.settings import Settings
from desktop.store.local import LocalStore
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.desk import PhoneDesk
from desktop.ui.shell.main_window import MainWindow
from desktop.ui.tickets.form import UnsavedChoice


def test_settings_that_cannot_be_saved_are_logged_by_their_reason_not_by_the_users_folder(
    qtbot: Any, store: LocalStore, tmp_path: Path, caplog: Any
) -> None:
    profile = tmp_path / "Nguyen Thi Lan"
    profile.write_text("a file where the data folder should be")  # saving under it fails, even as root
    runner = TaskRunner()
    opened = OpenDesk.open(store, "kiem.thu", page_size=50)
    window = MainWindow(opened, None, runner, confirm_unsaved=lambda _w: UnsavedChoice.DISCARD)
    qtbot.addWidget(window)
    phone = PhoneDesk(
        window,
        opened,
        Settings(operator="kiem.thu"),
        SipPasswordStore(MemoryKeyring()),
        runner,
        save_settings=lambda settings: settings.save(profile / "data"),
    )
    try:
        with caplog.at_level(logging.WARNING):
            phone.keep_settings()
        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert "settings not saved" in logged
        assert "Nguyen Thi Lan" not in logged and str(tmp_path) not in logged
    finally:
        phone.stop()
        runner.wait_for_done(10000)
        opened.close()
