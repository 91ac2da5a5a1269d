"""Signed updates over the server's own HTTPS: a province whose server has a certificate from its own CA
finds, downloads and verifies its release with the CA file the desk's sync already trusts (settings'
sync_ca_file, or `update --ca-file`); without it the update is refused naming the certificate, and
nothing is installed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from release_lab import Admin
from server_lab import ServerProcess
from telephony.tls_certs import TlsFiles, make_tls_files

from desktop.settings import Settings
from desktop.updates import Updater, explain

ROOT = Path(__file__).resolve().parents[2]
RELEASE = "99.0.0"  # newer than any version this source tree will carry


@pytest.fixture
def province_ca(tmp_path: Path) -> TlsFiles:
    return make_tls_files(tmp_path / "province-ca", ca_name="So TT-TT tinh test CA")


@pytest.fixture
def admin(tmp_path: Path) -> Admin:
    return Admin(tmp_path / "admin")


@pytest.fixture
def https_release(
    db_url: str, tmp_path: Path, province_ca: TlsFiles, admin: Admin
) -> Iterator[ServerProcess]:
    """The real server on HTTPS (its certificate signed by the province's CA) with a signed release."""
    updates = tmp_path / "served-updates"
    tls = (province_ca.certificate, province_ca.key, province_ca.ca)
    server = ServerProcess(db_url, env={"TONGDAI1022_SERVER_UPDATES": str(updates)}, tls=tls).start()
    try:
        admin.sign(RELEASE)
        published = admin.publish(server, updates)
        assert published.returncode == 0, published.stderr
        yield server
    finally:
        server.stop()


def root_of(admin: Admin) -> Path:
    return admin.repo / "metadata" / "root.json"


def test_with_the_provinces_ca_file_the_release_is_found_downloaded_and_verified(
    https_release: ServerProcess,
    province_ca: TlsFiles,
    admin: Admin,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert https_release.base.startswith("https://")
    stranger = make_tls_files(tmp_path / "other-ca", ca_name="Some other CA")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(stranger.ca))  # the desk's setting wins over the environment
    updater = Updater(
        https_release.base,
        tmp_path / "desk",
        current_version="0.1.0",
        root=root_of(admin),
        ca_file=str(province_ca.ca),
    )
    offer = updater.check()
    assert offer is not None and offer.version == RELEASE and offer.size > 0
    versions = tmp_path / "versions"
    updater.install_version(versions)
    assert (versions / "current").read_text(encoding="utf-8").strip() == RELEASE
    assert (versions / RELEASE / "tongdai1022").read_text(encoding="utf-8").endswith(f"echo {RELEASE}\n")


@pytest.mark.parametrize("trusted", ["the system's CAs", "another CA"])
def test_without_the_provinces_ca_the_update_is_refused_naming_the_certificate(
    https_release: ServerProcess, admin: Admin, tmp_path: Path, trusted: str
) -> None:
    ca_file = "" if trusted == "the system's CAs" else str(make_tls_files(tmp_path / "other-ca").ca)
    desk = tmp_path / "desk"
    updater = Updater(https_release.base, desk, current_version="0.1.0", root=root_of(admin), ca_file=ca_file)
    with pytest.raises(Exception) as refused:
        updater.check()
    said = explain(refused.value)
    assert "Chứng chỉ của máy chủ cập nhật" in said and "tệp CA của tỉnh" in said
    assert "tiếp tục chạy bản hiện tại" in said
    assert updater.offer is None
    assert sorted(path.name for path in (desk / "updates" / "metadata").iterdir()) == ["root.json"]
    assert not any((desk / "updates" / "targets").iterdir())


def test_a_ca_file_that_is_not_there_is_said_before_anything_is_fetched(admin: Admin, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-ca.pem"
    updater = Updater("https://127.0.0.1:9", tmp_path / "desk", root=root_of(admin), ca_file=str(missing))
    with pytest.raises(Exception) as refused:
        updater.check()
    assert f"Không có tệp CA «{missing}»" in explain(refused.value)


def run_update_check(data_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "update", "--check", *extra],
        cwd=ROOT,
        env={**os.environ, "TONGDAI1022_INSTALLED_ONLY": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_update_command_trusts_the_ca_file_the_sync_is_set_with(
    https_release: ServerProcess, province_ca: TlsFiles, admin: Admin, tmp_path: Path
) -> None:
    def desk_data(name: str, ca_file: str) -> Path:
        data = tmp_path / name
        (data / "updates" / "metadata").mkdir(parents=True)
        (data / "updates" / "metadata" / "root.json").write_bytes(root_of(admin).read_bytes())
        Settings(sync_server=https_release.base, sync_ca_file=ca_file).save(data)
        return data

    with_ca = run_update_check(desk_data("with-ca", str(province_ca.ca)))
    assert with_ca.returncode == 0, with_ca.stderr
    assert f"Có bản cập nhật {RELEASE}" in with_ca.stdout

    without = desk_data("without-ca", "")
    refused = run_update_check(without)
    assert refused.returncode == 2
    assert "Chứng chỉ của máy chủ cập nhật" in refused.stderr and "--ca-file" in refused.stderr
    assert "Traceback" not in refused.stderr

    given = run_update_check(without, "--ca-file", str(province_ca.ca))  # IT's script names the file itself
    assert given.returncode == 0, given.stderr
    assert f"Có bản cập nhật {RELEASE}" in given.stdout
