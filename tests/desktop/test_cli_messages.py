"""The command line speaks Vietnamese when it refuses: argparse errors, an unusable data folder, kb search."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import tongdai


@pytest.mark.parametrize(
    ("args", "english"),
    [
        (["history"], "the following arguments are required"),
        (["khong-co-lenh"], "invalid choice"),
        (["history", "0912345678", "--limit", "x"], "invalid int value"),
        (["history", "0912345678", "--khong-co"], "unrecognized arguments"),
        (["kb", "search", "--limit"], "expected one argument"),
    ],
)
def test_argparse_refusals_are_in_vietnamese_with_where_to_look(
    args: list[str], english: str, tmp_path: Path
) -> None:
    result = tongdai("--data-dir", str(tmp_path / "d"), *args)
    assert result.returncode == 2
    assert english not in result.stderr
    assert "lỗi:" in result.stderr and "--help" in result.stderr.splitlines()[-1]


def test_help_placeholders_are_vietnamese() -> None:
    shown = tongdai("import-tickets", "--help").stdout + tongdai("kb", "search", "--help").stdout
    assert "ENCODING" not in shown and "LIMIT" not in shown
    assert "DOMAIN.md" not in shown


def test_an_unusable_data_folder_is_named_with_what_to_do_and_no_traceback(tmp_path: Path) -> None:
    a_file = tmp_path / "la-tep"
    a_file.write_text("")
    folder = a_file / "du-lieu"
    result = tongdai("history", "0912345678", "--data-dir", str(folder))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(folder) in result.stderr
    assert "--data-dir" in result.stderr and "không phải thư mục" in result.stderr


def test_kb_search_numbers_its_results_best_first_without_raw_scores(tmp_path: Path) -> None:
    result = tongdai("--data-dir", str(tmp_path / "d"), "kb", "search", "cap lai cccd")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "«cap lai cccd»" in lines[0]
    assert lines[1].split()[:3] == ["1.", "Thủ", "tục"]
    assert "1.014064" in lines[1]
    ranks = [int(line.split(".", 1)[0]) for line in lines[1:]]
    assert ranks == list(range(1, len(ranks) + 1))


def test_without_a_screen_the_desk_says_so_in_vietnamese_instead_of_qt_aborting(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from test_cli import REPO

    hidden = {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "TONGDAI1022_HOME"}
    env = {key: value for key, value in os.environ.items() if key not in hidden}
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(tmp_path / "d")],
        cwd=REPO,
        env={**env, "PYTHONUTF8": "1"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 2
    assert "không có màn hình" in result.stderr
    assert "xcb" not in result.stderr and "Aborted" not in result.stderr
