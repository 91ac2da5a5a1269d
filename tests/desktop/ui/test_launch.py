"""Starting the desk: the ready file in a real process, the single-instance lock, store errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QLockFile

from desktop.services.store_unlock import KEY_INFO_FILENAME
from desktop.ui.shell.launch import (
    EXIT_ALREADY_OPEN,
    EXIT_STORE_FAILED,
    LOCK_FILENAME,
    explain_open_error,
    run_desktop,
)

ROOT = Path(__file__).resolve().parents[3]


def test_run_desktop_writes_the_ready_file_and_exits_zero(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    ready = tmp_path / "ready.json"
    env = dict(os.environ)
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",
            "TONGDAI1022_READY_FILE": str(ready),
            "TONGDAI1022_T0": repr(time.time()),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(ready.read_text(encoding="utf-8"))
    assert 0 < document["ready_s"] < 30
    assert document["rss_bytes"] > 10_000_000
    shipped = document["shipped"]
    assert shipped["window_title"] == "Tổng đài 1022", "the Vietnamese translation was loaded"
    assert {"units", "fields", "levels", "holidays"} <= set(shipped["catalogs"])
    assert shipped["ringtone"] is True
    assert shipped["ca_bundle"] and shipped["media_decoders"] > 0
    assert {"SecretService", "Windows"} <= set(shipped["keyring_backends"]), "the keyring finds its backends"
    assert (data_dir / "tongdai1022.sqlite3").is_file()
    assert not QLockFile(str(data_dir / LOCK_FILENAME)).isLocked()


def test_second_instance_is_refused(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from PySide6.QtCore import QLockFile\n"
            f"lock = QLockFile({str(data_dir / LOCK_FILENAME)!r})\n"
            "assert lock.tryLock(0)\n"
            "print('locked', flush=True)\n"
            "time.sleep(20)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        reports: list[tuple[str, str]] = []
        code = run_desktop(data_dir, report=lambda title, text: reports.append((title, text)))
    finally:
        holder.kill()
        holder.wait()
    assert code == EXIT_ALREADY_OPEN
    assert len(reports) == 1
    assert not (data_dir / "tongdai1022.sqlite3").exists()


def test_a_desk_started_again_while_one_is_open_is_refused_in_vietnamese_and_the_open_one_works_on(
    qapp, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """What an installer's "run the desk" (NSIS's finish page) does when the operator already has it open."""
    data_dir = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("TONGDAI1022_READY_FILE", None)
    open_desk = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    store = data_dir / "tongdai1022.sqlite3"
    try:
        deadline = time.monotonic() + 60
        while not store.exists() and open_desk.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert store.exists() and open_desk.poll() is None, "the first desk did not open its store"
        reports: list[tuple[str, str]] = []
        code = run_desktop(data_dir, report=lambda title, text: reports.append((title, text)))
        assert code == EXIT_ALREADY_OPEN
        assert [text for _title, text in reports] == [
            "Phần mềm Tổng đài 1022 đang mở trên máy này với cùng thư mục dữ liệu. "
            "Hãy chuyển sang cửa sổ đang mở (xem trên thanh tác vụ)."
        ]
        assert open_desk.poll() is None, "the open desk keeps running"
    finally:
        open_desk.terminate()
        open_desk.wait(30)


def test_corrupt_database_is_explained_with_exit_code_2(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "tongdai1022.sqlite3").write_bytes(b"this is not an SQLite database at all" * 200)
    reports: list[tuple[str, str]] = []
    code = run_desktop(data_dir, report=lambda title, text: reports.append((title, text)))
    assert code == EXIT_STORE_FAILED
    assert len(reports) == 1
    # Encrypted, a damaged file and a file whose key file is gone look the same: both are said.
    assert "hỏng" in reports[0][1] and KEY_INFO_FILENAME in reports[0][1] and "CNTT" in reports[0][1]
    assert not QLockFile(str(data_dir / LOCK_FILENAME)).isLocked()


def test_open_errors_are_told_apart() -> None:
    full = explain_open_error(Exception("database or disk is full"))
    read_only = explain_open_error(Exception("attempt to write a readonly database"))
    damaged = explain_open_error(Exception("database disk image is malformed"))
    other = explain_open_error(Exception("boom"))
    assert len({full, read_only, damaged, other}) == 4
    assert "boom" in other


def test_a_data_folder_that_cannot_be_made_is_named_in_the_message(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a_file = tmp_path / "la-tep"
    a_file.write_text("")
    data_dir = a_file / "du-lieu"
    reports: list[tuple[str, str]] = []
    code = run_desktop(data_dir, report=lambda title, text: reports.append((title, text)))
    assert code == EXIT_STORE_FAILED
    assert len(reports) == 1
    assert str(data_dir) in reports[0][1]
