"""A desk whose account is locked out after wrong passwords says so in the server's own sentence (for how
long, what to do), not as a server error with a promise to retry (real PostgreSQL and uvicorn)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from keyring.backends.fail import Keyring as NoKeyring
from server_lab import PASSWORD, Postgres, ServerProcess

from desktop.store.local import LocalStore
from desktop.sync.client import LoginLocked, SyncClient
from desktop.sync.credentials import Credentials
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.sync.login import SyncLoginDialog


@pytest.fixture
def server(postgres: Postgres, template: str) -> Iterator[ServerProcess]:
    """A database of its own: the lockout must not reach the next test."""
    process = ServerProcess(postgres.url(postgres.create_database(template))).start()
    try:
        yield process
    finally:
        process.stop()


def test_a_locked_out_account_is_told_how_long_in_the_sign_in_dialog(
    qtbot: Any, server: ServerProcess, store: LocalStore, runner: TaskRunner
) -> None:
    dialog = SyncLoginDialog(Credentials(NoKeyring()), store.identity, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.url_edit.setText(server.base)
    dialog.user_edit.setText("dtv1")
    said = []
    for attempt in range(6):
        dialog.password_edit.setText(f"doan-mat-khau-{attempt}")
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=30000)
        said.append(dialog.error_label.text())
    assert all("Sai tên đăng nhập hoặc mật khẩu" in message for message in said[:5])
    locked = said[5]
    assert "tạm bị khóa" in locked and "phút" in locked, locked
    assert "429" not in locked and "Phiếu vẫn được lưu" not in locked  # not a server fault to retry
    dialog.password_edit.setText(PASSWORD)  # even the right password, while locked
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=30000)
    assert "tạm bị khóa" in dialog.error_label.text() and dialog.login is None

    with pytest.raises(LoginLocked) as refused:  # the client's own kind of refusal: trying later helps
        SyncClient(server.base).login("dtv1", PASSWORD, store.identity)
    assert refused.value.retry and "tạm bị khóa" in refused.value.detail
