"""A real PostgreSQL cluster on a temp dir and real `tongdai1022-server` processes (server tests, benches)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy.orm import Session

from protocol import Role
from server.db import create_server_engine, migrate
from server.services.accounts import create_account

REPO = Path(__file__).resolve().parents[2]
SECRET = "test-secret-" + "x" * 40
PASSWORD = "mat-khau-thu-nghiem"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_bin() -> Path | None:
    for version in ("15", "16", "17"):
        path = Path(f"/usr/lib/postgresql/{version}/bin")
        if (path / "initdb").exists():
            return path
    return None


@dataclass
class Postgres:
    """A cluster listening on a unix socket only, owned by `postgres` when the tests run as root."""

    bindir: Path
    root: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def sockets(self) -> Path:
        return self.root / "sock"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.sockets.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.sockets, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses='' -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.sockets}&port={self.port}"

    def admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=str(self.sockets), port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def create_database(self, template: str | None = None) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name


def make_template(pg: Postgres) -> str:
    """A migrated database with an admin, a supervisor and two operators; tests copy it."""
    name = pg.create_database()
    engine = create_server_engine(pg.url(name))
    migrate(engine)
    with Session(engine) as session, session.begin():
        for username, role in (
            ("admin", Role.ADMIN),
            ("giamsat", Role.SUPERVISOR),
            ("dtv1", Role.OPERATOR),
            ("dtv2", Role.OPERATOR),
        ):
            create_account(session, username, PASSWORD, role, full_name=username.upper())
    engine.dispose()
    return name


@dataclass
class ServerProcess:
    """`python -m server --db URL --port P` as a real uvicorn process."""

    db_url: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)  # extra environment (e.g. the updates folder)
    tls: tuple[Path, Path, Path] | None = None  # (certificate, key, CA): serve HTTPS
    # what the process writes to stderr (its log): a file, so a chatty server never blocks on a full pipe
    log_path: Path = field(
        default_factory=lambda: Path(tempfile.mkstemp(prefix="tongdai1022-server-", suffix=".log")[1])
    )

    @property
    def _verify(self) -> ssl.SSLContext | bool:
        return ssl.create_default_context(cafile=str(self.tls[2])) if self.tls else True

    @property
    def base(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> ServerProcess:
        env = {**os.environ, "TONGDAI1022_SERVER_SECRET": SECRET, **self.env}
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "--db", self.db_url, "--port", str(self.port)]
            + (["--certfile", str(self.tls[0]), "--keyfile", str(self.tls[1])] if self.tls else [])
            + ["serve"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        log.close()  # the child holds its own copy
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                errors = self.log_text()
                raise RuntimeError(f"server exited: {errors}")
            try:
                if httpx.get(f"{self.base}/health", timeout=1, verify=self._verify).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not answer /health")

    def log_bytes(self) -> bytes:
        """Every byte the server has logged so far (stderr of every start of this process object)."""
        return self.log_path.read_bytes() if self.log_path.exists() else b""

    def log_text(self) -> str:
        return self.log_bytes().decode("utf-8", "replace")

    def admin_command(self, *args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
        """`tongdai1022-server --db URL ARGS` as an admin runs it on the server machine, output captured."""
        return subprocess.run(
            [sys.executable, "-m", "server", "--db", self.db_url, *args],
            cwd=REPO,
            env={**os.environ, "TONGDAI1022_SERVER_SECRET": SECRET, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def cluster() -> Iterator[Postgres]:
    """A throw-away cluster: started in a temp dir, stopped and removed afterwards."""
    bindir = pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="tongdai1022-pg-"))
    os.chmod(root, 0o755)
    pg = Postgres(bindir, root)
    pg.start()
    try:
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)
