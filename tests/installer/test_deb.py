"""The Linux installer end to end: the .deb installs, the installed desk works from its frozen bundle
(window, translations, catalogs, ringtone, Qt Multimedia, CA bundle, migrations; the CLI's import,
report, knowledge base and SIP check), and removing the package keeps the operators' data."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_tools import lab_tool_missing, require_binaries, under_ci
from openpyxl import load_workbook

from desktop.services.store_unlock import PASSPHRASE_ENV
from desktop.store.cipher import is_plaintext

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "telephony"))
from telephony_lab import PASSWORDS, Kamailio  # noqa: E402

PACKAGE = "tongdai1022"
OPT = Path("/opt/tongdai1022")
TICKETS_CSV = REPO / "tests" / "desktop" / "data" / "tickets_good.csv"


def _deb() -> Path:
    built = sorted((REPO / "dist").glob(f"{PACKAGE}_*.deb"), key=lambda p: p.stat().st_mtime)
    if not built and under_ci():  # CI builds it first (.ci/run); a CI=true run elsewhere builds it here
        subprocess.run([str(REPO / "installer" / "build-linux")], check=True, timeout=1800)
        built = sorted((REPO / "dist").glob(f"{PACKAGE}_*.deb"))
    if not built:
        lab_tool_missing("no .deb in dist/: run installer/build-linux")
    return built[-1]


def _installed() -> bool:
    status = subprocess.run(["dpkg", "-s", PACKAGE], capture_output=True, text=True, check=False)
    return " ok installed" in status.stdout  # "deinstall ok installed" too: a refused removal


class Operator:
    """A user of the installed desk: their own home (data folder) and the desk on the PATH."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.data = home / ".local" / "share" / PACKAGE  # platformdirs' user data folder on Linux
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("XDG_", "TONGDAI1022_", "PYTHON", "VIRTUAL_ENV", "LD_"))
        }
        self.env |= {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
        # This machine has no keyring: the operator's store password, as a script gives it (the desk
        # would otherwise ask in a window nobody sees here).
        self.env[PASSPHRASE_ENV] = "mật khẩu của điện thoại viên"

    def run(self, *args: str, extra: dict[str, str] | None = None, timeout: float = 120) -> str:
        done = subprocess.run(
            [PACKAGE, *args],
            env=self.env | (extra or {}),
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"{args}: {done.stderr[-3000:]}"
        return done.stdout


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Operator]:
    require_binaries("dpkg", "dpkg-deb", install="a Debian or Ubuntu machine")
    if os.geteuid() != 0:
        lab_tool_missing("installing the .deb needs root (CI runs as root)")
    deb = _deb()
    if _installed():
        subprocess.run(["dpkg", "-r", PACKAGE], check=True, capture_output=True)
    installed = subprocess.run(["dpkg", "-i", str(deb)], capture_output=True, text=True, check=False)
    assert installed.returncode == 0, f"dpkg -i {deb.name}: {installed.stderr}"  # e.g. an unmet Depends
    try:
        yield Operator(tmp_path_factory.mktemp("operator-home"))
    finally:
        if _installed():
            subprocess.run(["dpkg", "-r", PACKAGE], check=False, capture_output=True)


def test_the_package_installs_under_opt_with_a_command_a_menu_entry_and_an_icon(operator: Operator) -> None:
    assert (OPT / PACKAGE).is_file() and os.access(OPT / PACKAGE, os.X_OK)
    launcher = Path("/usr/bin/tongdai1022")  # the user's newer signed update, else the installed desk
    assert launcher.is_file() and os.access(launcher, os.X_OK)
    entry = Path("/usr/share/applications/tongdai1022.desktop").read_text(encoding="utf-8")
    assert "Name=Tổng đài 1022" in entry
    assert "Icon=tongdai1022" in entry and f"Exec={launcher}" in entry
    assert Path("/usr/share/icons/hicolor/256x256/apps/tongdai1022.png").is_file()


def test_the_package_file_is_at_most_150_mb(operator: Operator) -> None:
    assert _deb().stat().st_size <= 150_000_000  # #16: what IT copies to 30 desks (91.5 MiB when written)


def test_the_bundle_holds_no_server_code_nor_benches() -> None:
    internal = OPT / "_internal"
    for name in ("server", "bench", "fastapi", "uvicorn", "psycopg", "psycopg_binary"):
        assert not (internal / name).exists(), name
    content = (OPT / PACKAGE).read_bytes()  # onedir: the executable carries the archive of modules
    assert b"desktop.app" in content and b"desktop.ui.shell.launch" in content
    for module in (b"server.cli", b"fastapi", b"uvicorn", b"bench.startup"):
        assert module not in content, module


def test_the_installed_desk_says_its_version(operator: Operator) -> None:
    from desktop import __version__

    assert operator.run("--version").strip() == f"tongdai1022 {__version__.split('+')[0]}"


def test_the_installed_desk_opens_a_fresh_data_folder_and_shows_its_window(operator: Operator) -> None:
    ready = operator.home / "ready.json"
    operator.run(extra={"TONGDAI1022_READY_FILE": str(ready)})

    shipped = json.loads(ready.read_text(encoding="utf-8"))["shipped"]
    assert shipped["frozen"] is True
    assert shipped["executable"].startswith(str(OPT))
    assert shipped["resources"].startswith(str(OPT))
    assert shipped["window_title"] == "Tổng đài 1022", "the .qm translation is in the bundle"
    assert {"units", "fields", "levels", "holidays"} <= set(shipped["catalogs"])
    assert shipped["ringtone"] is True
    assert shipped["media_decoders"] > 0, "Qt Multimedia's backend plugin is in the bundle"
    assert shipped["ca_bundle"].startswith(str(OPT)), "requests verifies HTTPS with the bundle's certifi"
    assert {"SecretService", "Windows"} <= set(shipped["keyring_backends"]), "the keyring finds its backends"
    assert (operator.data / "tongdai1022.sqlite3").is_file(), "Alembic's migrations made the store"
    assert not is_plaintext(operator.data / "tongdai1022.sqlite3"), "the bundle's SQLCipher encrypted it"


def test_the_installed_cli_imports_tickets_reports_to_excel_and_searches_the_knowledge_base(
    operator: Operator,
) -> None:
    operator.run("import-tickets", str(TICKETS_CSV), "--no-progress")
    history = json.loads(operator.run("history", "0912345678", "--json"))
    assert any(t["code"] == "DT-2021-000001" for t in history["tickets"])

    workbook = operator.home / "bao-cao.xlsx"
    operator.run(
        "report", "--from", "2021-01-01", "--to", "2021-12-31", "--format", "xlsx", "--out", str(workbook)
    )
    assert load_workbook(workbook).sheetnames

    hits = json.loads(operator.run("kb", "search", "can cuoc", "--json"))
    assert any("căn cước" in hit["title"] for hit in hits)


def test_the_installed_doctor_checks_the_desk_and_writes_a_support_bundle(operator: Operator) -> None:
    checks = {check["key"]: check for check in json.loads(operator.run("doctor", "--json", "--no-network"))}
    assert set(checks) == {"data_folder", "store", "disk", "keyring", "sound"}
    assert checks["data_folder"]["status"] == "ok"
    assert checks["store"]["status"] == "ok", checks["store"]  # opened with its key: integrity and schema
    bundle = operator.home / "ho-tro.zip"
    operator.run("doctor", "--no-network", "--zip", str(bundle))
    with zipfile.ZipFile(bundle) as written:
        assert {"versions.json", "checks.json", "store.json"} <= set(written.namelist())
        assert json.loads(written.read("store.json"))["rows"]["tickets"] > 0  # counted through SQLCipher


def test_the_installed_cli_registers_to_the_labs_kamailio(operator: Operator, tmp_path: Path) -> None:
    require_binaries("kamailio", install="apt-get install -y kamailio")
    kamailio = Kamailio(tmp_path / "kamailio").start()
    try:
        lines = operator.run(
            *("sip-check", "--server", f"127.0.0.1:{kamailio.port}", "--user", "1002"),
            *("--password-env", "SIP_PASSWORD", "--json", "--seconds", "1"),
            extra={"SIP_PASSWORD": PASSWORDS["1002"]},
        )
        report = json.loads(lines.splitlines()[-1])  # the summary follows the events
    finally:
        kamailio.stop()
    assert report["ok"] is True
    assert report["registration"]["state"] == "registered"


def _running(process: subprocess.Popen[str]) -> bool:
    try:
        return os.readlink(f"/proc/{process.pid}/exe") == str(OPT / PACKAGE)
    except OSError:
        return False


def test_the_package_is_neither_updated_nor_removed_under_an_open_desk(operator: Operator) -> None:
    desk = subprocess.Popen(
        [PACKAGE],
        env=operator.env,
        cwd=operator.home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not _running(desk) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _running(desk)

        again = subprocess.run(["dpkg", "-i", str(_deb())], capture_output=True, text=True, check=False)
        removed = subprocess.run(["dpkg", "-r", PACKAGE], capture_output=True, text=True, check=False)
    finally:
        desk.terminate()
        desk.wait(30)
    assert again.returncode != 0 and "Tổng đài 1022 đang mở trên máy này" in again.stderr
    assert removed.returncode != 0 and "Hãy đóng mọi cửa sổ Tổng đài 1022" in removed.stderr
    assert _installed() and (OPT / PACKAGE).is_file()
    assert operator.run("--version").startswith("tongdai1022 "), "the installed desk still works"


class ThrowawayUser:
    """An operator account of this machine, not root, made for one test: its own home, no privileges."""

    def __init__(self, name: str) -> None:
        self.name = name
        subprocess.run(
            ["useradd", "--create-home", "--user-group", "--shell", "/bin/sh", name],
            check=True,
            capture_output=True,
        )
        entry = pwd.getpwnam(name)
        self.uid, self.gid, self.home = entry.pw_uid, entry.pw_gid, Path(entry.pw_dir)
        self.versions = self.home / ".local" / "share" / PACKAGE / "versions"
        self.env = {
            "HOME": str(self.home),
            "USER": name,
            "LOGNAME": name,
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            PASSPHRASE_ENV: "mật khẩu của điện thoại viên",  # no keyring on this machine
        }

    def run(self, *args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PACKAGE, *args],
            env=self.env | (extra or {}),
            cwd=self.home,
            user=self.uid,
            group=self.gid,
            extra_groups=[],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def delete(self) -> None:
        subprocess.run(["pkill", "-KILL", "-u", self.name], check=False, capture_output=True)
        subprocess.run(["userdel", "--remove", self.name], check=False, capture_output=True)


def _release_of_the_installed_desk(folder: Path, version: str) -> Path:
    """The installed bundle as the province's next release: the same program, its version raised."""
    shutil.copytree(OPT, folder, symlinks=True)
    (info,) = (folder / "_internal").glob(f"{PACKAGE}-*.dist-info")
    metadata = info / "METADATA"
    text = re.sub(r"(?m)^Version: .*$", f"Version: {version}", metadata.read_text(encoding="utf-8"))
    metadata.write_text(text, encoding="utf-8")
    info.rename(info.with_name(f"{PACKAGE}-{version}.dist-info"))
    return folder


@pytest.fixture
def machine_update_root(tmp_path: Path) -> Iterator[Path]:
    """IT's trust anchor for a package built without one: the province's root.json under /etc."""
    from desktop.updates import MACHINE_ROOT

    assert not MACHINE_ROOT.exists(), f"{MACHINE_ROOT} belongs to this machine's own setup"
    try:
        yield MACHINE_ROOT
    finally:
        MACHINE_ROOT.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            MACHINE_ROOT.parent.rmdir()


def test_an_operator_who_is_not_root_installs_the_signed_release_from_the_server_over_https(
    operator: Operator, tmp_path: Path, machine_update_root: Path
) -> None:
    from telephony.tls_certs import make_tls_files

    from bench.server_lab import ServerProcess, cluster, make_template, pg_bin
    from bench.update import release_tool
    from desktop import __version__

    require_binaries("useradd", "userdel", install="the passwd package")
    if pg_bin() is None:
        lab_tool_missing("PostgreSQL 15 is not installed (apt-get install postgresql)")
    installed = __version__.split("+")[0]
    major, minor, micro = (int(part) for part in installed.split("."))
    newer = f"{major}.{minor}.{micro + 1}"
    keys, repo, served = tmp_path / "keys", tmp_path / "repo", tmp_path / "served"
    signing = release_tool()  # on the admin's machine: the keys never reach the server
    signing.init(keys, repo)
    signing.add(_release_of_the_installed_desk(tmp_path / "release", newer), newer, keys, repo)
    machine_update_root.parent.mkdir(exist_ok=True)
    shutil.copyfile(repo / "metadata" / "root.json", machine_update_root)

    province = make_tls_files(tmp_path / "province-ca")  # the server's certificate is from the province's CA
    user = ThrowawayUser(f"td1022op{os.getpid() % 100000}")
    try:
        ca_file = user.home / "province-ca.pem"
        shutil.copyfile(province.ca, ca_file)
        os.chown(ca_file, user.uid, user.gid)
        with cluster() as pg:
            database = pg.url(pg.create_database(make_template(pg)))
            tls = (province.certificate, province.key, province.ca)
            server = ServerProcess(database, env={"TONGDAI1022_SERVER_UPDATES": str(served)}, tls=tls).start()
            try:
                published = server.admin_command("publish-release", str(repo), "--updates-dir", str(served))
                assert published.returncode == 0, published.stderr
                archive = served / "targets" / f"{PACKAGE}-{newer}.tar.gz"
                signed = archive.read_bytes()
                tampered = bytearray(signed)
                tampered[len(tampered) // 2] ^= 0xFF
                archive.write_bytes(bytes(tampered))

                untrusted = user.run("update", "--server", server.base)  # without the province's CA
                assert untrusted.returncode == 2, untrusted.stdout + untrusted.stderr
                assert "Chứng chỉ của máy chủ cập nhật" in untrusted.stderr

                refused = user.run("update", "--server", server.base, "--ca-file", str(ca_file))
                assert refused.returncode == 2, refused.stdout + refused.stderr
                assert "không khớp với bản đã ký" in refused.stderr
                assert user.run("--version").stdout.strip() == f"{PACKAGE} {installed}", "the old one runs"

                archive.write_bytes(signed)
                updated = user.run("update", "--server", server.base, "--ca-file", str(ca_file))
                assert updated.returncode == 0, updated.stdout + updated.stderr
                assert f"Đã cài bản {newer}" in updated.stdout
            finally:
                server.stop()

        assert user.run("--version").stdout.strip() == f"{PACKAGE} {newer}"
        ready = user.home / "ready.json"
        opened = user.run(extra={"TONGDAI1022_READY_FILE": str(ready)})
        assert opened.returncode == 0, opened.stderr[-3000:]
        shipped = json.loads(ready.read_text(encoding="utf-8"))["shipped"]
        assert shipped["executable"] == str(user.versions / newer / PACKAGE)
        assert shipped["window_title"] == "Tổng đài 1022"
        assert (user.versions / newer / PACKAGE).stat().st_uid == user.uid
        program = subprocess.run(  # the installed program hands over too (Windows has no launcher)
            [str(OPT / PACKAGE), "--version"],
            env=user.env,
            cwd=user.home,
            user=user.uid,
            group=user.gid,
            extra_groups=[],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert program.stdout.strip() == f"{PACKAGE} {newer}", program.stderr
        everyone_else = user.run("--version", extra={"TONGDAI1022_INSTALLED_ONLY": "1"})
        assert everyone_else.stdout.strip() == f"{PACKAGE} {installed}"
    finally:
        user.delete()
    verified = subprocess.run(["dpkg", "--verify", PACKAGE], capture_output=True, text=True, check=False)
    assert verified.returncode == 0 and verified.stdout == "", "root's /opt install is untouched"
    assert operator.run("--version").strip() == f"{PACKAGE} {installed}", "other users keep the package's"


def test_removing_the_package_keeps_the_operators_data(operator: Operator) -> None:
    store = operator.data / "tongdai1022.sqlite3"
    assert store.is_file()
    before = store.stat().st_size

    subprocess.run(["dpkg", "-r", PACKAGE], check=True, capture_output=True)
    assert not OPT.exists() and not Path("/usr/bin/tongdai1022").exists()
    assert store.is_file() and store.stat().st_size == before

    subprocess.run(["dpkg", "-P", PACKAGE], check=True, capture_output=True)
    assert store.is_file(), "purging the package keeps it too"
