"""A real PostgreSQL 15 cluster on a temp dir and real `tongdai1022-server` processes for the server tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from protocol import PROTOCOL_VERSION, Role
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

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> ServerProcess:
        env = {**os.environ, "TONGDAI1022_SERVER_SECRET": SECRET}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "--db", self.db_url, "--port", str(self.port), "serve"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                errors = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"server exited: {errors}")
            try:
                if httpx.get(f"{self.base}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not answer /health")

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


class Desk:
    """A desktop as the server sees it: a client id, a login, numbered mutations."""

    def __init__(self, server: ServerProcess, username: str, client_id: str | None = None) -> None:
        self.server = server
        self.client_id = client_id or f"desk-{uuid.uuid4().hex[:8]}"
        self.username = username
        self.http = httpx.Client(base_url=server.base, timeout=60)
        self.next_seq = 1
        self.login()

    def login(self) -> dict[str, Any]:
        answer = self.http.post(
            "/api/v1/login",
            json={"username": self.username, "password": PASSWORD, "client_id": self.client_id},
        )
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        self.http.headers["Authorization"] = f"Bearer {body['token']}"
        return body

    def use(self, server: ServerProcess) -> None:
        """Talk to another server process (same database), keeping the token."""
        headers = self.http.headers
        self.http.close()
        self.server = server
        self.http = httpx.Client(base_url=server.base, timeout=60, headers=headers)

    def mutation(
        self, entity: str, op: str, entity_id: str, payload: dict[str, Any], base: int = 0
    ) -> dict[str, Any]:
        m = {
            "seq": self.next_seq,
            "mutation_id": str(uuid.uuid4()),
            "entity": entity,
            "op": op,
            "entity_id": entity_id,
            "base_version": base,
            "payload": payload,
        }
        self.next_seq += 1
        return m

    def push(self, mutations: list[dict[str, Any]], version: int = PROTOCOL_VERSION) -> httpx.Response:
        return self.http.post(
            "/api/v1/sync/push",
            json={"client_id": self.client_id, "protocol_version": version, "mutations": mutations},
        )

    def pull_all(self, cursor: int = 0, limit: int = 1000) -> tuple[list[dict[str, Any]], int]:
        changes: list[dict[str, Any]] = []
        while True:
            page = self.http.get("/api/v1/sync/pull", params={"cursor": cursor, "limit": limit})
            page.raise_for_status()
            body = page.json()
            changes.extend(body["changes"])
            cursor = body["next_cursor"]
            if not body["has_more"]:
                return changes, cursor


def ticket(code: str, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": code,
        "received_at": "2024-03-01T08:30:00+07:00",
        "channel": "dien_thoai",
        "phone": "+84901234567",
        "citizen_id": None,
        "citizen_name": "Nguyễn Văn A",
        "citizen_address": "Cao Lãnh",
        "request_type": "hoi_thong_tin",
        "level": 1,
        "is_tthc": False,
        "tthc_code": "",
        "field_code": None,
        "unit_code": "tong_dai",
        "content": "Hỏi thủ tục cấp căn cước",
        "answer": "",
        "status": "dang_xu_ly",
        "satisfaction": "chua_danh_gia",
        "dissatisfaction_reason": None,
        "deadline": None,
        "resolved_at": None,
        "call_id": None,
    }
    values.update(overrides)
    return values


def edit(**fields: tuple[Any, Any]) -> dict[str, Any]:
    """An update payload as the desktop writes it: {field: (before, after)}."""
    return {"changes": {k: v[1] for k, v in fields.items()}, "before": {k: v[0] for k, v in fields.items()}}


def new_id() -> str:
    return str(uuid.uuid4())


def sql(url: str) -> Iterator[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
