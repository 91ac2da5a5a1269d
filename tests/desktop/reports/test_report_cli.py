"""`tongdai1022 report` run for real, in its own process, over the hand-counted November."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from datetime import date
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from desktop.app import main
from desktop.services.supervisor.reports import ReportService
from desktop.settings import HOME_ENV
from desktop.store.local import LocalStore

REPO = Path(__file__).resolve().parents[3]
NOVEMBER = ["--from", "2021-11-01", "--to", "2021-11-30"]


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != HOME_ENV}
    env["PYTHONUTF8"] = "1"
    return env


def tongdai(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        cwd=REPO, env=_env(), capture_output=True, text=True, encoding="utf-8", timeout=120,
    )  # fmt: skip


def test_json_xlsx_and_docx_are_written(november: LocalStore, data_dir: Path, tmp_path: Path) -> None:
    expected = ReportService(november).report(date(2021, 11, 1), date(2021, 11, 30))
    out = tmp_path / "thang-11.json"
    result = tongdai("report", "--data-dir", str(data_dir), *NOVEMBER, "--format", "json", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Đã ghi báo cáo từ 01/11/2021 đến 30/11/2021 (8 phiếu) vào «{out}».\n"
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    assert json.loads(out.read_text(encoding="utf-8")) == expected

    printed = tongdai("report", "--data-dir", str(data_dir), *NOVEMBER)
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == expected

    workbook = tmp_path / "thang-11.xlsx"
    assert tongdai("report", "--data-dir", str(data_dir), *NOVEMBER, "--out", str(workbook)).returncode == 0
    units = load_workbook(workbook)["1. Theo đơn vị"]
    assert [cell.value for cell in units[units.max_row]][1:5] == ["Tổng số", 8, 6, 2]

    document = tmp_path / "thang-11.docx"
    made = tongdai(
        "report", "--data-dir", str(data_dir), *NOVEMBER, "--format", "docx", "--out", str(document)
    )
    assert made.returncode == 0, made.stderr
    assert (
        docx.Document(str(document))
        .paragraphs[2]
        .text.startswith(
            "Từ ngày 01/11/2021 đến ngày 30/11/2021, Tổng đài 1022 đã tiếp nhận và thực hiện 7 cuộc gọi"
        )
    )
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == ["data", "thang-11.docx", "thang-11.json", "thang-11.xlsx"]


def test_bad_requests_are_refused_in_vietnamese_and_write_nothing(
    november: LocalStore, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bao-cao.xlsx"
    days = ["--from", "2021-11-30", "--to", "2021-11-01"]
    reversed_days = tongdai("report", "--data-dir", str(data_dir), *days, "--out", str(out))
    assert reversed_days.returncode == 2
    assert (
        reversed_days.stderr
        == "Lỗi: ngày --to 01/11/2021 đứng trước ngày --from 30/11/2021: hãy đổi chỗ hai ngày.\n"
    )
    assert reversed_days.stdout == ""
    # the other refusals in this process, through the same entry point (a process each would cost seconds)
    cases = [
        (["--from", "2021-11-31", "--to", "2021-11-30", "--out", str(out)],
         "«2021-11-31» không phải ngày dạng NĂM-THÁNG-NGÀY (ví dụ 2021-11-01) hay NGÀY/THÁNG/NĂM"),
        ([*NOVEMBER, "--format", "xlsx"], "Lỗi: dạng xlsx cần --out TỆP (ví dụ --out bao-cao.xlsx)."),
        ([*NOVEMBER, "--format", "pdf"], "dạng «pdf» không có; chọn json, xlsx hoặc docx."),
        ([*NOVEMBER, "--out", str(tmp_path / "khong-co" / "bao-cao.docx")], "không tồn tại; hãy tạo thư mục"),
        (["--data-dir", str(tmp_path / "chua-co"), *NOVEMBER, "--out", str(out)], "chưa có dữ liệu ở"),
    ]  # fmt: skip
    for args, message in cases:
        try:
            code = main(["report", "--data-dir", str(data_dir), *args])
        except SystemExit as exit_:  # argparse refuses before the command runs
            code = exit_.code  # type: ignore[assignment]
        captured = capsys.readouterr()
        assert code == 2, args
        assert message in captured.err, captured.err
        assert captured.out == ""
    assert [path.name for path in tmp_path.iterdir()] == ["data"]  # no report, no half-written file


def test_a_terminal_sees_the_progress(november: LocalStore, data_dir: Path, tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))  # a 120-column terminal
    out = tmp_path / "bao-cao.docx"
    command = [sys.executable, "-m", "desktop", "report", "--data-dir", str(data_dir), *NOVEMBER]
    process = subprocess.Popen(
        [*command, "--out", str(out)],
        cwd=REPO, env=_env(), stdout=subprocess.DEVNULL, stderr=follower,
    )  # fmt: skip
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=120) == 0
    os.close(leader)
    shown = seen.decode("utf-8", "replace")
    assert (
        "Báo cáo" in shown and "1/7" in shown and "6. Cuộc gọi" in shown
    )  # the figures, then the six tables
    assert out.exists()
