"""Signed updates end to end: a release signed on the admin's machine (installer/release.py), published
to the real server, found, downloaded, verified and installed by the desk; tampering, another key, a
rollback and a server that vanishes are refused with a Vietnamese message and change nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_tools import lab_tool_missing
from release_lab import Admin, bundle
from server_lab import ServerProcess

from desktop.updates import UpdateError, Updater, explain

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def updates(tmp_path: Path) -> Path:
    return tmp_path / "served-updates"


@pytest.fixture
def update_server(db_url: str, updates: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(db_url, env={"TONGDAI1022_SERVER_UPDATES": str(updates)}).start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def admin(tmp_path: Path) -> Admin:
    return Admin(tmp_path / "admin")


def desk(server: ServerProcess, tmp_path: Path, admin: Admin, version: str = "0.1.0") -> Updater:
    """A desk installed from an installer that carries the province's root.json."""
    return Updater(
        server.base,
        tmp_path / "desk-data",
        current_version=version,
        root=admin.repo / "metadata" / "root.json",
    )


def installed(tmp_path: Path) -> Path:
    app = bundle(tmp_path / "opt" / "tongdai1022", "0.1.0")
    return app


def test_a_signed_release_is_published_found_verified_and_installed(
    update_server: ServerProcess, updates: Path, admin: Admin, tmp_path: Path
) -> None:
    admin.sign("0.2.0")
    published = admin.publish(update_server, updates)
    assert published.returncode == 0, published.stderr
    assert "tongdai1022-0.2.0.tar.gz" in published.stdout
    served = [path for path in updates.rglob("*") if path.is_file()]
    assert served and all(path.suffix in (".json", ".gz") for path in served)
    assert not any(
        b"PRIVATE KEY" in path.read_bytes()
        or (b'"keyval"' in path.read_bytes() and b"private" in path.read_bytes())
        for path in served
    )
    for key in admin.keys.iterdir():  # no file of the key folder reached the server
        assert not any(path.read_bytes() == key.read_bytes() for path in served)

    updater = desk(update_server, tmp_path, admin)
    offer = updater.check()
    assert offer is not None and offer.version == "0.2.0" and offer.size > 0
    app = installed(tmp_path)
    seen: list[int] = []
    updater.download_and_install(app, progress=lambda done, _total: seen.append(done))
    assert (app / "tongdai1022").read_text(encoding="utf-8") == "#!/bin/sh\necho 0.2.0\n"
    assert seen and not app.with_name("tongdai1022.moi").exists()


def test_a_release_installs_into_a_folder_whose_parent_is_not_made_yet(
    update_server: ServerProcess, updates: Path, admin: Admin, tmp_path: Path
) -> None:
    admin.sign("0.2.0")
    assert admin.publish(update_server, updates).returncode == 0
    updater = desk(update_server, tmp_path, admin)
    assert updater.check() is not None
    target = tmp_path / "not-yet" / "tongdai1022"  # bench/update.py installs there; it said "No such file"
    updater.download_and_install(target)
    assert (target / "tongdai1022").read_text(encoding="utf-8").endswith("echo 0.2.0\n")


def test_a_tampered_archive_is_refused_and_the_installed_version_kept(
    update_server: ServerProcess, updates: Path, admin: Admin, tmp_path: Path
) -> None:
    admin.sign("0.2.0")
    assert admin.publish(update_server, updates).returncode == 0
    archive = updates / "targets" / "tongdai1022-0.2.0.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    app = installed(tmp_path)
    before = (app / "tongdai1022").read_bytes()

    updater = desk(update_server, tmp_path, admin)
    assert updater.check() is not None
    with pytest.raises(Exception) as refused:
        updater.download_and_install(app)
    assert "không khớp với bản đã ký" in explain(refused.value)
    assert (app / "tongdai1022").read_bytes() == before


def test_metadata_signed_with_another_key_is_refused_by_the_server_and_by_the_desk(
    update_server: ServerProcess, updates: Path, admin: Admin, tmp_path: Path
) -> None:
    admin.sign("0.2.0")
    assert admin.publish(update_server, updates).returncode == 0
    intruder = Admin(tmp_path / "intruder")
    intruder.sign("9.9.9")

    refused = intruder.publish(update_server, updates)
    assert refused.returncode == 2 and "Không có gì thay đổi" in refused.stderr

    for name in ("timestamp.json", "snapshot.json", "targets.json"):  # someone with access to the server
        shutil.copyfile(intruder.repo / "metadata" / name, updates / "metadata" / name)
    with pytest.raises(Exception) as rejected:
        desk(update_server, tmp_path, admin).check()
    assert "không có chữ ký hợp lệ của tỉnh" in explain(rejected.value)


def test_an_older_release_is_not_offered_and_rolled_back_metadata_is_refused(
    update_server: ServerProcess, updates: Path, admin: Admin, tmp_path: Path
) -> None:
    admin.sign("0.2.0")
    assert admin.publish(update_server, updates).returncode == 0
    assert desk(update_server, tmp_path / "newer", admin, version="0.3.0").check() is None

    old_metadata = tmp_path / "old-metadata"
    shutil.copytree(updates / "metadata", old_metadata)
    admin.sign("0.3.0")
    assert admin.publish(update_server, updates).returncode == 0
    updater = desk(update_server, tmp_path, admin)
    offer = updater.check()
    assert offer is not None and offer.version == "0.3.0"

    for path in old_metadata.iterdir():  # the server is put back to yesterday's release
        shutil.copyfile(path, updates / "metadata" / path.name)
    with pytest.raises(Exception) as rolled_back:
        desk(update_server, tmp_path, admin).check()
    assert "cũ hơn" in explain(rolled_back.value)


def test_a_server_that_vanishes_before_the_download_changes_nothing(
    db_url: str, updates: Path, admin: Admin, tmp_path: Path
) -> None:
    server = ServerProcess(db_url, env={"TONGDAI1022_SERVER_UPDATES": str(updates)}).start()
    try:
        admin.sign("0.2.0")
        assert admin.publish(server, updates).returncode == 0
        updater = desk(server, tmp_path, admin)
        assert updater.check() is not None
    finally:
        server.stop()
    app = installed(tmp_path)
    with pytest.raises(Exception) as failed:
        updater.download_and_install(app)
    assert "Không tải được" in explain(failed.value)
    assert (app / "tongdai1022").read_text(encoding="utf-8").endswith("echo 0.1.0\n")


def test_a_server_that_vanishes_in_the_middle_of_the_download_changes_nothing(
    db_url: str, updates: Path, admin: Admin, tmp_path: Path
) -> None:
    server = ServerProcess(db_url, env={"TONGDAI1022_SERVER_UPDATES": str(updates)}).start()
    try:
        admin.sign("0.2.0", payload=40_000_000)  # more than the sockets' buffers hold
        assert admin.publish(server, updates).returncode == 0
        updater = desk(server, tmp_path, admin)
        offer = updater.check()
        assert offer is not None and offer.size > 40_000_000
        app = installed(tmp_path)
        received: list[int] = []

        def pull_the_plug(done: int, _expected: int) -> None:
            if not received:
                server.kill()  # SIGKILL: the server is gone with most of the archive unsent
            received.append(done)

        with pytest.raises(Exception) as failed:
            updater.download_and_install(app, progress=pull_the_plug)
    finally:
        server.stop()
    assert received and received[-1] < offer.size  # it did vanish mid-way
    said = explain(failed.value)
    assert "Không tải được" in said or "tải dở" in said, said
    assert "tiếp tục chạy bản hiện tại" in said
    assert (app / "tongdai1022").read_text(encoding="utf-8").endswith("echo 0.1.0\n")
    assert not app.with_name("tongdai1022.moi").exists()
    targets = tmp_path / "desk-data" / "updates" / "targets"
    assert not any(targets.iterdir())  # no part of the archive kept as if it were the release


def test_a_desk_without_the_provinces_root_says_it_cannot_update(tmp_path: Path) -> None:
    updater = Updater("http://127.0.0.1:9", tmp_path / "data", root=None)
    updater.root = None
    with pytest.raises(UpdateError) as missing:
        updater.check()
    assert "không có khóa xác minh" in str(missing.value)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system with room for the installed version and not for a second copy (tmpfs, 320 KiB)."""
    if os.geteuid() != 0:
        lab_tool_missing("a full disk is made with a small tmpfs, which needs root (mount)")
    mount_point = tmp_path / "full-disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=320k", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_a_full_disk_during_the_install_is_said_and_the_installed_version_kept(
    update_server: ServerProcess, updates: Path, admin: Admin, tmp_path: Path, small_disk: Path
) -> None:
    admin.sign("0.2.0")
    assert admin.publish(update_server, updates).returncode == 0
    app = bundle(small_disk / "tongdai1022", "0.1.0")  # 200 KB of the 320: the new copy cannot fit beside
    before = {path.relative_to(app): path.read_bytes() for path in app.rglob("*") if path.is_file()}

    updater = desk(update_server, tmp_path, admin)
    assert updater.check() is not None
    with pytest.raises(OSError) as full:
        updater.download_and_install(app)

    assert "Ổ đĩa đầy" in explain(full.value) and "Giải phóng" in explain(full.value)
    after = {path.relative_to(app): path.read_bytes() for path in app.rglob("*") if path.is_file()}
    assert after == before  # the old version runs on
    assert sorted(path.name for path in small_disk.iterdir()) == ["tongdai1022"]  # no half copy left


def test_a_release_goes_to_the_users_versions_folder_and_a_failed_one_keeps_the_last_good(
    update_server: ServerProcess, updates: Path, admin: Admin, tmp_path: Path
) -> None:
    versions = tmp_path / "versions"
    admin.sign("0.2.0")
    assert admin.publish(update_server, updates).returncode == 0
    updater = desk(update_server, tmp_path, admin)
    assert updater.check() is not None
    updater.install_version(versions)
    assert (versions / "current").read_text(encoding="utf-8").strip() == "0.2.0"
    assert (versions / "0.2.0" / "tongdai1022").read_text(encoding="utf-8").endswith("echo 0.2.0\n")

    admin.sign("0.3.0")
    assert admin.publish(update_server, updates).returncode == 0
    archive = updates / "targets" / "tongdai1022-0.3.0.tar.gz"
    archive.write_bytes(archive.read_bytes()[:-1000])  # cut short
    updater = desk(update_server, tmp_path, admin, version="0.2.0")
    assert updater.check() is not None
    with pytest.raises(Exception) as refused:
        updater.install_version(versions)
    assert "không khớp với bản đã ký" in explain(refused.value)
    assert (versions / "current").read_text(encoding="utf-8").strip() == "0.2.0"
    assert sorted(path.name for path in versions.iterdir()) == ["0.2.0", "current"]
