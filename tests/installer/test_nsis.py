"""The Windows installer's script compiles with makensis over a stand-in program folder, and what it
does is what the README promises: per machine, a Start-menu shortcut, an uninstaller that removes
only the program's files (users' data stays), and nothing that blocks a silent (/S) run."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from lab_tools import require_binaries

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "installer" / "windows" / "tongdai1022.nsi"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(the setup .exe, makensis's verbose log) built over a folder shaped like PyInstaller's."""
    require_binaries("makensis", install="apt-get install -y nsis")
    root = tmp_path_factory.mktemp("nsis")
    stand_in = root / "tongdai1022"
    (stand_in / "_internal" / "desktop" / "_resources" / "catalogs").mkdir(parents=True)
    (stand_in / "tongdai1022.exe").write_bytes(b"MZ stand-in for the windowed desk")
    (stand_in / "tongdai1022-cli.exe").write_bytes(b"MZ stand-in for the console twin")
    (stand_in / "_internal" / "desktop" / "_resources" / "catalogs" / "units.json").write_text("{}")
    setup = root / "tongdai1022-setup.exe"
    done = subprocess.run(
        [
            "makensis",
            "-V4",
            "-WX",
            f"-DSOURCE_DIR={stand_in}",
            "-DVERSION=0.1.0",
            f"-DOUTFILE={setup}",
            SCRIPT.name,
        ],
        cwd=SCRIPT.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    return setup, done.stdout


def _section(log: str, name: str) -> str:
    start = log.index(f'Section: "{name}"')
    return log[start : log.index("SectionEnd", start)]


def test_the_script_compiles_into_a_windows_executable_holding_the_program_folder(
    compiled: tuple[Path, str],
) -> None:
    setup, log = compiled
    assert setup.read_bytes()[:2] == b"MZ"
    for name in ("tongdai1022.exe", "tongdai1022-cli.exe", "units.json"):
        assert f'File: "{name}"' in log


def test_it_installs_for_every_user_with_a_start_menu_shortcut_and_an_uninstaller(
    compiled: tuple[Path, str],
) -> None:
    _, log = compiled
    assert "SetShellVarContext: all" in log
    install = _section(log, "Install")
    assert 'CreateShortcut: "$SMPROGRAMS\\Tổng đài 1022.lnk"->"$INSTDIR\\tongdai1022.exe"' in install
    assert 'WriteUninstaller: "$INSTDIR\\uninstall.exe"' in install
    assert "RequestExecutionLevel admin" in SCRIPT.read_text(encoding="utf-8")


def test_the_uninstaller_removes_only_the_program_files_and_keeps_users_data(
    compiled: tuple[Path, str],
) -> None:
    _, log = compiled
    uninstall = _section(log, "Uninstall")
    assert not re.search(r"\$(LOCALAPPDATA|APPDATA|PROFILE|DOCUMENTS)", uninstall)
    assert 'RMDir: "$INSTDIR"' in uninstall, "the folder itself only when empty"
    assert 'RMDir: /r "$INSTDIR"' not in uninstall
    recursive = re.findall(r'RMDir: /r "([^"]+)"', uninstall)
    assert recursive == ["$INSTDIR\\_internal"]


def test_no_message_box_waits_for_a_click_in_a_silent_install() -> None:
    boxes = [line for line in SCRIPT.read_text(encoding="utf-8").splitlines() if "MessageBox" in line]
    assert boxes and all("/SD " in line for line in boxes)


@pytest.mark.parametrize("function", [".onInit", "un.onInit"])
def test_install_and_uninstall_first_check_the_desk_is_not_open(
    compiled: tuple[Path, str], function: str
) -> None:
    _, log = compiled
    start = log.index(f'Function: "{function}"')
    body = log[start : log.index("FunctionEnd", start)]
    assert "FileOpen: $INSTDIR\\tongdai1022.exe as a" in body
    refusal = body[body.index("IfErrors") :]
    assert "Tổng đài 1022 đang mở trên máy này" in refusal
    assert refusal.index("SetErrorLevel: 2") < refusal.index("Abort") < refusal.index("FileClose")


def test_the_finish_page_starts_the_desk_as_the_signed_in_user_not_as_the_elevated_setup(
    compiled: tuple[Path, str],
) -> None:
    _, log = compiled
    script = SCRIPT.read_text(encoding="utf-8")
    assert "!define MUI_FINISHPAGE_RUN_FUNCTION StartDeskAsTheSignedInUser" in script
    assert not re.search(r'MUI_FINISHPAGE_RUN "', script), "the elevated setup would start the desk itself"
    start = log.index('Function: "StartDeskAsTheSignedInUser"')
    body = log[start : log.index("FunctionEnd", start)]
    assert 'Exec: ""$WINDIR\\explorer.exe" "$INSTDIR\\tongdai1022.exe""' in body
