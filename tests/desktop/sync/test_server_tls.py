"""On the wire: the server speaks HTTPS itself, the desk verifies it (with the province's CA when set),
names a refused certificate for what it is, and will not send anything over plain HTTP to another host."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_lab import PASSWORD, SECRET, ServerProcess, free_port
from telephony.tls_certs import TlsFiles, make_tls_files

from desktop.store.local import DeskIdentity
from desktop.sync.client import InsecureServer, ServerUnreachable, SyncClient, TlsPolicy

ROOT = Path(__file__).resolve().parents[3]
DESK = DeskIdentity("desk-tls", "k" * 32)


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    return make_tls_files(tmp_path / "province-ca")


@pytest.fixture
def https_server(postgres: object, template: str, tls: TlsFiles) -> Iterator[ServerProcess]:
    database = postgres.url(postgres.create_database(template))  # type: ignore[attr-defined]
    process = ServerProcess(database, tls=(tls.certificate, tls.key, tls.ca)).start()
    try:
        yield process
    finally:
        process.stop()


def test_the_desk_signs_in_over_https_with_the_provinces_ca(
    https_server: ServerProcess, tls: TlsFiles
) -> None:
    assert https_server.base.startswith("https://")
    client = SyncClient(https_server.base, policy=TlsPolicy(ca_file=str(tls.ca)))
    assert client.login("dtv1", PASSWORD, DESK).username == "dtv1"


def test_an_untrusted_certificate_is_named_not_just_unreachable(
    https_server: ServerProcess, tmp_path: Path
) -> None:
    stranger = make_tls_files(tmp_path / "other-ca", ca_name="Some other CA")
    for policy in (TlsPolicy(), TlsPolicy(ca_file=str(stranger.ca))):
        with pytest.raises(ServerUnreachable) as refused:
            SyncClient(https_server.base, policy=policy).login("dtv1", PASSWORD, DESK)
        assert "Chứng chỉ của máy chủ" in str(refused.value) and "CA" in str(refused.value)


def test_plain_http_goes_only_to_this_machine_unless_an_admin_allows_it() -> None:
    with pytest.raises(InsecureServer) as refused:
        SyncClient("http://198.18.20.5:8022")
    assert "https://" in str(refused.value)
    SyncClient("http://127.0.0.1:8022")  # this machine: nothing crosses a network
    SyncClient("http://198.18.20.5:8022", policy=TlsPolicy(allow_plain_http=True))


def test_the_sync_command_refuses_plain_http_to_another_host(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    command = [sys.executable, "-m", "desktop", "--data-dir", str(data), "sync"]
    command += ["--server", "http://198.18.20.5:8022", "--user", "dtv1", "--password-env", "MK", "--json"]
    done = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "MK": PASSWORD},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "https://" in json.loads(done.stdout)["message"]


def serve(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "server", "--db", str(tmp_path / "thu.sqlite3"), *args, "serve"]
    env = {**os.environ, "TONGDAI1022_SERVER_SECRET": SECRET}
    return subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("host", ["0.0.0.0", "198.18.170.1", "::"])
def test_the_server_will_not_serve_plain_http_where_other_machines_reach_it(
    tmp_path: Path, host: str
) -> None:
    refused = serve(tmp_path, "--host", host, "--port", str(free_port()))
    _out, errors = refused.communicate(timeout=60)
    assert refused.returncode == 2
    assert "không mã hóa" in errors and "--certfile" in errors and "--allow-plain-http" in errors
    assert not (tmp_path / "thu.sqlite3").exists()  # refused before anything was made


def test_plain_http_on_every_address_is_the_admins_explicit_choice(tmp_path: Path) -> None:
    port = free_port()
    allowed = serve(tmp_path, "--host", "0.0.0.0", "--port", str(port), "--allow-plain-http")
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert allowed.poll() is None, allowed.stderr.read() if allowed.stderr else ""
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not answer /health")
    finally:
        allowed.terminate()
        allowed.wait(10)
