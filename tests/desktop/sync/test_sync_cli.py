"""`tongdai1022 sync --json` against the real server: one cycle, the status as JSON, clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from server_lab import PASSWORD, ServerProcess
from store_keys import open_test_store

from desktop.app import main
from desktop.domain.ticket import TicketDraft
from desktop.services.tickets.service import TicketService
from desktop.settings import Settings

DRAFT = TicketDraft(content="Hỏi thủ tục cấp lại căn cước", phone="0912 345 678", citizen_name="Lan")


def run_sync(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["sync", *args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_sync_command_runs_one_cycle_and_prints_the_status(
    tmp_path: Path, server: ServerProcess, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "desk"
    store = open_test_store(data_dir)
    service = TicketService(store, "dtv1")
    service.create(DRAFT)
    service.create(DRAFT)
    store.close()
    monkeypatch.setenv("MAT_KHAU_1022", PASSWORD)
    monkeypatch.setenv("SAI_MAT_KHAU", "khong-dung")

    code, status = run_sync(capsys, "--data-dir", str(data_dir))  # nothing configured, nothing given
    assert code == 2 and status["ok"] is False and "--server" in str(status["message"])

    server_args = ["--data-dir", str(data_dir), "--server", server.base, "--user", "dtv1"]
    code, status = run_sync(capsys, *server_args, "--password-env", "SAI_MAT_KHAU")
    assert code == 1 and status["online"] is False and status["pending"] == 2
    assert "mật khẩu" in str(status["message"]).lower() or "đăng nhập" in str(status["message"]).lower()

    code, status = run_sync(capsys, *server_args, "--password-env", "MAT_KHAU_1022")
    assert code == 0, status
    assert (status["online"], status["pushed"], status["pending"], status["conflicts"]) == (True, 2, 0, 0)
    assert status["pulled"] == 2 and status["last_sync_at"]

    Settings(sync_server=server.base, sync_user="dtv1").save(data_dir)  # as the desk's login leaves it
    code, status = run_sync(capsys, "--data-dir", str(data_dir), "--password-env", "MAT_KHAU_1022")
    assert code == 0 and status["server"] == server.base and status["pushed"] == 0

    main(["sync", *server_args, "--password-env", "MAT_KHAU_1022"])  # for people: Vietnamese lines
    assert "đã đồng bộ" in capsys.readouterr().out
