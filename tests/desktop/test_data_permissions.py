"""Only the desk's user can read the data folder: 0700 folders and 0600 files, for a new store (WAL and
backups included) and for one an older desk left readable to everyone."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.services.tickets.service import TicketService

ROOT = Path(__file__).resolve().parents[2]


def modes(data_dir: Path) -> dict[str, str]:
    found = {".": oct(stat.S_IMODE(data_dir.stat().st_mode))}
    for path in data_dir.rglob("*"):
        found[str(path.relative_to(data_dir))] = oct(stat.S_IMODE(path.stat().st_mode))
    return found


def test_a_store_left_readable_by_an_older_desk_is_made_private_at_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = open_test_store(data_dir)
    TicketService(store, operator="dtv").create(
        TicketDraft(content="Hỏi thủ tục", phone="0912345678", citizen_name="Nguyễn Văn An")
    )
    store.close()
    for path in [data_dir, *data_dir.rglob("*")]:  # as the measured tree left it: 0755 / 0644
        path.chmod(0o755 if path.is_dir() else 0o644)

    reopened = open_test_store(data_dir)
    found = modes(data_dir)
    reopened.close()
    assert found["."] == "0o700"
    assert found["tongdai1022.sqlite3"] == "0o600"
    assert all(mode in ("0o600", "0o700") for mode in found.values()), found


def test_everything_the_desk_process_writes_is_private(tmp_path: Path) -> None:
    """The CLI (as the desk) runs with umask 077: the store, its WAL and SHM, the log are the user's only."""
    data_dir = tmp_path / "data"
    csv = tmp_path / "phieu.csv"
    csv.write_text(
        "ma_phieu,ngay_tiep_nhan,kenh,so_dien_thoai,ho_ten,loai_yeu_cau,cap_do,la_tthc,don_vi_xu_ly,"
        "trang_thai,danh_gia,ly_do_khong_hai_long,noi_dung\n"
        "P-1,2024-03-01T08:30:00+07:00,dien_thoai,0912345678,Trần Thị Bình,hoi_thong_tin,1,0,"
        ",da_xu_ly,,,Hỏi\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop",
            "--data-dir",
            str(data_dir),
            "import-tickets",
            str(csv),
            "--no-progress",
        ],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = modes(data_dir)
    assert found["."] == "0o700" and found["tongdai1022.sqlite3"] == "0o600"
    assert all(mode in ("0o600", "0o700") for mode in found.values()), found


def test_the_desks_umask_does_not_leak_into_a_caller_in_the_same_process(tmp_path: Path) -> None:
    """A test or a script calling main() keeps its umask: the .deb built after it needs 0755 folders."""
    from desktop.app import main

    before = os.umask(0o022)
    try:
        main(["--data-dir", str(tmp_path / "data"), "--version"])
    except SystemExit:
        pass
    finally:
        assert os.umask(before) == 0o022


def test_the_users_updated_versions_stay_runnable_when_the_data_folder_is_made_private(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    program = data_dir / "versions" / "0.2.0" / "tongdai1022"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\necho 0.2.0\n", encoding="utf-8")
    program.chmod(0o700)
    script = data_dir / "exports" / "chay.sh"  # any program an operator keeps there stays one too
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)

    open_test_store(data_dir).close()

    assert subprocess.run([str(program)], capture_output=True, text=True, check=True).stdout == "0.2.0\n"
    assert oct(stat.S_IMODE(script.stat().st_mode)) == "0o700"
    assert oct(stat.S_IMODE(data_dir.joinpath("versions").stat().st_mode)) == "0o700"
