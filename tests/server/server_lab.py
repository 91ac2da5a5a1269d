"""The server tests' lab: the PostgreSQL cluster and server processes of bench.server_lab, and a fake desk."""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Any

import httpx

from bench.server_lab import (
    PASSWORD,
    REPO,
    SECRET,
    Postgres,
    ServerProcess,
    cluster,
    free_port,
    make_template,
    pg_bin,
)
from protocol import PROTOCOL_VERSION

__all__ = [
    "PASSWORD",
    "REPO",
    "SECRET",
    "Postgres",
    "ServerProcess",
    "cluster",
    "free_port",
    "make_template",
    "pg_bin",
    "unit_browser",
    "unit_step",
]

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _csrf(page: httpx.Response) -> str:
    found = _CSRF.search(page.text)
    assert found is not None, page.text[:500]
    return found.group(1)


def unit_browser(server: ServerProcess, username: str) -> httpx.Client:
    """A unit's staff member signed in on the server's pages, as a browser posts the sign-in form."""
    web = httpx.Client(base_url=server.base, timeout=60)
    form = {"username": username, "password": PASSWORD, "csrf": _csrf(web.get("/don-vi/dang-nhap"))}
    assert web.post("/don-vi/dang-nhap", data=form).status_code == 303
    return web


def unit_step(web: httpx.Client, forwarding_id: str, step: str, form: dict[str, str], **sent: Any) -> None:
    """One step on the ticket's page (tra-loi, tra-lai, gia-han) as its form sends it, accepted."""
    csrf = _csrf(web.get(f"/don-vi/phieu/{forwarding_id}"))
    done = web.post(f"/don-vi/phieu/{forwarding_id}/{step}", data={"csrf": csrf, **form}, **sent)
    assert done.status_code == 303, done.text


class Desk:
    """A desktop as the server sees it: a client id, a login, numbered mutations."""

    def __init__(
        self, server: ServerProcess, username: str, client_id: str | None = None, desk_key: str | None = None
    ) -> None:
        self.server = server
        self.client_id = client_id or f"desk-{uuid.uuid4().hex[:8]}"
        self.desk_key = desk_key or secrets.token_urlsafe(32)
        self.username = username
        self.http = httpx.Client(base_url=server.base, timeout=60)
        self.next_seq = 1
        self.login()

    def login(self) -> dict[str, Any]:
        answer = self.http.post(
            "/api/v1/login",
            json=self.credentials(),
        )
        answer.raise_for_status()
        body: dict[str, Any] = answer.json()
        self.http.headers["Authorization"] = f"Bearer {body['token']}"
        return body

    def credentials(self, password: str = PASSWORD) -> dict[str, str]:
        return {
            "username": self.username,
            "password": password,
            "client_id": self.client_id,
            "desk_key": self.desk_key,
        }

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
        "unit_code": "tong-dai-1022",  # a unit of the shipped catalog: the server checks it
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
