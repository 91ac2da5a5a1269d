"""Support tools for IT: the log file masks personal data, `doctor` checks and advises, and its support
bundle from a store full of tickets holds no name, number, ID, address or secret."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from store_keys import open_test_store

from desktop.domain.ticket import TicketDraft
from desktop.logs import BACKUPS, LOG_FILENAME, MAX_BYTES, log_dir
from desktop.services.tickets.service import TicketService

ROOT = Path(__file__).resolve().parents[2]

CITIZENS = [
    ("Nguyễn Thị Lan", "0912 345 678", "Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm", "001203004567"),
    ("Trần Văn Bình", "+84 987 654 321", "Thôn Đông, xã Tân Lập, huyện Đan Phượng", "034085001234"),
    ("Lê Hoàng Minh", "0243.826.1234", "27 Lý Thường Kiệt, Ninh Kiều", "092199007788"),
]
SECRETS = ("mat-khau-sip-bi-mat", "mat-khau-may-chu-bi-mat")


def tongdai(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data_dir), *args],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def log_in_a_desk_process(data_dir: Path, *messages: str, repeat: int = 1) -> None:
    """Logs through the desk's real setup, in a process of its own (as the desk or a CLI command does);
    each message `repeat` times."""
    code = (
        "import logging, sys\n"
        "from pathlib import Path\n"
        "from desktop.logs import setup_logging\n"
        "setup_logging(Path(sys.argv[1]))\n"
        "log = logging.getLogger('desktop.test')\n"
        "for message in sys.argv[3:]:\n"
        "    for _ in range(int(sys.argv[2])):\n"
        "        log.warning('cuộc gọi: %s', message)\n"
        "try:\n"
        "    raise ValueError(sys.argv[3])\n"
        "except ValueError:\n"
        "    log.exception('lỗi khi lưu')\n"
    )
    command = [sys.executable, "-c", code, str(data_dir), str(repeat), *messages]
    subprocess.run(command, cwd=ROOT, check=True, timeout=120)


def personal_strings() -> list[str]:
    found = []
    for name, phone, address, citizen_id in CITIZENS:
        digits = "".join(c for c in phone if c.isdigit())
        found += [name, address, citizen_id, phone, digits, digits[-9:]]
    return found


def test_the_log_file_masks_numbers_ids_and_emails_even_when_code_logs_them(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    log_in_a_desk_process(
        data_dir,
        "từ 0912 345 678 (+84987654321, 0243.826.1234), CCCD 001203004567",
        "thư của dân: lan.nguyen@example.vn",
    )
    [log] = (data_dir / "logs").glob(LOG_FILENAME + "*")
    text = log.read_text(encoding="utf-8")
    for secret in ("0912 345 678", "84987654321", "0243.826.1234", "001203004567", "lan.nguyen@example.vn"):
        assert secret not in text
    assert text.count("«đã ẩn»") >= 6  # in the messages and in the traceback's exception text
    assert "Traceback" in text and "ValueError" in text and "cuộc gọi" in text
    assert oct(os.stat(log.parent).st_mode & 0o777) == "0o700"


def test_the_log_rotates_keeping_a_bounded_number_of_files_in_the_platforms_log_folder(
    tmp_path: Path,
) -> None:
    from platformdirs import user_data_dir, user_log_dir

    assert log_dir(Path(user_data_dir("tongdai1022", appauthor=False))) == Path(
        user_log_dir("tongdai1022", appauthor=False)
    )  # the default data folder logs where the platform keeps logs; a chosen one in DATA/logs
    data_dir = tmp_path / "data"
    line = "trạng thái đồng bộ: " + "x" * 1000
    log_in_a_desk_process(data_dir, *([line] * (MAX_BYTES * (BACKUPS + 2) // 1000 // 200)), repeat=200)
    files = sorted((data_dir / "logs").glob(LOG_FILENAME + "*"))
    assert [path.name for path in files] == sorted(
        [LOG_FILENAME] + [f"{LOG_FILENAME}.{n}" for n in range(1, BACKUPS + 1)]
    )
    assert all(path.stat().st_size <= MAX_BYTES for path in files)
    assert "lỗi khi lưu" in (data_dir / "logs" / LOG_FILENAME).read_text(encoding="utf-8")  # the newest last


def test_doctor_checks_each_need_and_says_what_to_do_when_the_store_is_broken(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    healthy = tongdai(data_dir, "doctor", "--json", "--no-network")
    assert healthy.returncode == 0, healthy.stderr
    keys = [check["key"] for check in json.loads(healthy.stdout)]
    assert keys == ["data_folder", "store", "disk", "keyring", "sound"]

    (data_dir / "tongdai1022.sqlite3").write_bytes(b"not a database at all" * 100)
    broken = tongdai(data_dir, "doctor", "--no-network")
    assert broken.returncode == 1
    line = next(line for line in broken.stdout.splitlines() if "Kho dữ liệu" in line)
    assert line.startswith("[  LỖI  ]")
    assert "bộ phận CNTT" in broken.stdout  # the advice under it


def test_doctor_says_what_to_do_when_the_data_folder_cannot_be_written(tmp_path: Path) -> None:
    from desktop.commands.doctor import FAIL, check_data_folder

    taken = tmp_path / "data"
    taken.write_text("a file where the data folder should be", encoding="utf-8")
    found = check_data_folder(taken)
    assert found.status == FAIL and str(taken) in found.detail
    assert "--data-dir" in found.advice and "quyền ghi" in found.advice


def test_doctor_says_a_nearly_full_disk_is_a_failure_and_what_to_do(tmp_path: Path) -> None:
    from lab_tools import lab_tool_missing

    from desktop.commands.doctor import FAIL, check_disk

    if os.geteuid() != 0:
        lab_tool_missing("a nearly full disk is made with a small tmpfs, which needs root (mount)")
    small = tmp_path / "small-disk"
    small.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(small)], check=True)
    try:
        found = check_disk(small / "data")
    finally:
        subprocess.run(["umount", str(small)], check=False)
    assert found.status == FAIL and "còn trống 0.0 GB" in found.detail
    assert "Giải phóng ổ đĩa" in found.advice


def test_a_support_bundle_from_a_store_full_of_tickets_holds_nothing_personal_or_secret(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    store = open_test_store(data_dir)
    service = TicketService(store, operator="Phạm Thu Hà")
    for n in range(30):
        name, phone, address, citizen_id = CITIZENS[n % len(CITIZENS)]
        service.create(
            TicketDraft(
                phone=phone,
                citizen_name=name,
                citizen_address=address,
                content=f"Công dân {name}, CCCD {citizen_id}, hỏi cấp lại giấy phép lái xe (lần {n})",
            )
        )
    store.close()
    settings = {
        "operator": "Phạm Thu Hà",
        "sync_server": "http://127.0.0.1:9",
        "sync_user": "pham.thu.ha",
        "sip_server": "127.0.0.1",
        "sip_extension": "1005",
    }
    (data_dir / "settings.json").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    log_in_a_desk_process(data_dir, *(f"{phone} {citizen_id}" for _name, phone, _a, citizen_id in CITIZENS))

    bundle_path = tmp_path / "ho-tro.zip"
    made = tongdai(data_dir, "doctor", "--zip", str(bundle_path), SIP_PASSWORD=SECRETS[0])
    assert made.returncode == 1  # the server at port 9 is down: the bundle is still written
    assert "Đã ghi gói hỗ trợ" in made.stderr

    with zipfile.ZipFile(bundle_path) as bundle:
        names = bundle.namelist()
        contents = {name: bundle.read(name).decode("utf-8") for name in names}
    assert {"versions.json", "settings.json", "checks.json", "store.json"} <= set(names)
    assert any(name.startswith("logs/") for name in names)
    assert json.loads(contents["store.json"])["rows"]["tickets"] == 30
    checks = {check["key"]: check for check in json.loads(contents["checks.json"])}
    assert checks["server"]["status"] == "fail" and "không kết nối được" in checks["server"]["detail"]
    for name, text in contents.items():
        for personal in [*personal_strings(), "Phạm Thu Hà", "pham.thu.ha", *SECRETS]:
            assert personal not in text, (name, personal)
