"""`doctor` against the real central server (uvicorn + PostgreSQL): reachable, its protocol, the clock,
and over HTTPS its certificate: trusted through the province's CA file, refused without it, and its
expiry said (a warning when it is close)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_tools import require_binaries
from server_lab import ServerProcess
from telephony.tls_certs import TlsFiles, make_tls_files

ROOT = Path(__file__).resolve().parents[3]


def doctor(
    data_dir: Path, server_url: str, ca_file: str = "", clock_shift: str = ""
) -> dict[str, dict[str, str]]:
    """The desk's doctor as IT runs it; `clock_shift` ("+10m"): under libfaketime, a PC whose clock is off."""
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = {"sync_server": server_url, "sync_ca_file": ca_file}
    (data_dir / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    shifted = ["faketime", "-f", clock_shift] if clock_shift else []
    done = subprocess.run(
        [*shifted, sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "doctor", "--json"],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return {check["key"]: check for check in json.loads(done.stdout)}


def test_doctor_finds_the_server_its_protocol_and_a_clock_in_step(server: object, tmp_path: Path) -> None:
    checks = doctor(tmp_path / "data", server.base)  # type: ignore[attr-defined]
    found = checks["server"]
    assert found["status"] == "ok", found
    assert "giao thức 1" in found["detail"] and "đồng hồ lệch" in found["detail"]


def test_doctor_warns_of_a_pc_clock_ten_minutes_off_the_servers_and_says_to_sync_it(
    server: object, tmp_path: Path
) -> None:
    require_binaries("faketime", install="apt-get install faketime")
    checks = doctor(tmp_path / "data", server.base, clock_shift="+10m")  # type: ignore[attr-defined]
    found = checks["server"]
    assert found["status"] == "warn", found
    offset = int(found["detail"].rsplit("lệch ", 1)[1].split(" giây")[0])
    assert -660 < offset < -540, found["detail"]  # the server is 600 s behind this PC's clock
    assert "đồng bộ thời gian" in found["advice"]


def test_doctor_says_the_server_is_unreachable_and_what_to_check(tmp_path: Path) -> None:
    checks = doctor(tmp_path / "data", "http://127.0.0.1:9")
    assert checks["server"]["status"] == "fail"
    assert "tường lửa" in checks["server"]["advice"]


@pytest.fixture
def province_ca(tmp_path: Path) -> TlsFiles:
    return make_tls_files(tmp_path / "province-ca")  # its certificates are valid for one day


@pytest.fixture
def https_server(postgres: object, template: str, province_ca: TlsFiles) -> Iterator[ServerProcess]:
    database = postgres.url(postgres.create_database(template))  # type: ignore[attr-defined]
    tls = (province_ca.certificate, province_ca.key, province_ca.ca)
    process = ServerProcess(database, tls=tls).start()
    try:
        yield process
    finally:
        process.stop()


def test_doctor_checks_the_servers_certificate_with_the_provinces_ca_and_warns_of_its_expiry(
    https_server: ServerProcess, province_ca: TlsFiles, tmp_path: Path
) -> None:
    trusted = doctor(tmp_path / "with-ca", https_server.base, str(province_ca.ca))["server"]
    assert trusted["status"] == "warn", trusted  # reachable and trusted, but the certificate ends tomorrow
    assert "giao thức 1" in trusted["detail"] and "hết hạn ngày" in trusted["detail"]
    assert "gia hạn chứng chỉ" in trusted["advice"]

    refused = doctor(tmp_path / "without-ca", https_server.base)["server"]
    assert refused["status"] == "fail"
    assert "chứng chỉ" in refused["detail"] and "sync_ca_file" in refused["advice"]
