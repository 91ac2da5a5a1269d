"""The HTTP client of the central server (requests, explicit connect and read timeouts).

Every failure becomes a `SyncError` whose message says in Vietnamese what happened and what to do.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ValidationError

from desktop.store.local import DeskIdentity
from protocol import (
    GapError,
    LoginRequest,
    LoginResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    SyncState,
)
from protocol.sync import API_PREFIX, LOGIN_PATH, PULL_PATH, PUSH_PATH, STATE_PATH

CONNECT_TIMEOUT_S = 3.05
READ_TIMEOUT_S = 30.0

Model = TypeVar("Model", bound=BaseModel)


class SyncError(Exception):
    """A sync call that did not succeed; `retry` says whether trying again later can help."""

    retry = True
    detail = ""  # the server's refusal in its own words, when it gave one
    status = 0  # the HTTP status the server answered with (0: no answer, or one that could not be read)


class ServerUnreachable(SyncError):
    pass


class LoginRefused(SyncError):
    """Wrong user name or password, or a token the server no longer accepts."""

    retry = False


class LoginLocked(SyncError):
    """HTTP 429: too many wrong passwords for this account or from this machine; the server's sentence says
    for how long (trying again after it helps, so `retry` stays)."""


class ProtocolRefused(SyncError):
    """The server does not speak this desktop's protocol version (HTTP 426): update the desktop."""

    retry = False


class SeqGap(SyncError):
    """HTTP 409: the server expects another seq next (`gap.expected_seq`)."""

    def __init__(self, gap: GapError) -> None:
        super().__init__(gap.detail)
        self.gap = gap


class InsecureServer(SyncError):
    """A server address the desk will not send citizens' data to (plain HTTP to another machine)."""

    retry = False


@dataclass(frozen=True)
class TlsPolicy:
    """How the desk trusts a server: certificates verified (by the system's CAs, or the CA file an admin
    sets), and plain http:// only to this machine unless an admin allows it. Nothing is pinned."""

    ca_file: str = ""
    allow_plain_http: bool = False


def plain_http_problem(url: str, policy: TlsPolicy) -> str:
    """Why `url` is refused, in Vietnamese; "" when it may be used."""
    parts = urlsplit(url)
    if parts.scheme == "https" or policy.allow_plain_http:
        return ""
    if parts.scheme != "http":
        return f"Địa chỉ máy chủ «{url}» phải bắt đầu bằng https://."
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return ""
    return (
        f"Địa chỉ «{url}» dùng http:// (không mã hóa): mật khẩu và dữ liệu của người dân sẽ đi trên "
        "mạng ở dạng đọc được. Hãy dùng https://. Nếu tỉnh thật sự cần http:// trong mạng nội bộ, quản "
        "trị bật sync_allow_plain_http trong settings.json của máy này."
    )


class SyncClient:
    """One server; thread-confined (the sync worker's), with its own pooled HTTP session."""

    def __init__(
        self,
        base_url: str,
        *,
        connect_timeout: float = CONNECT_TIMEOUT_S,
        read_timeout: float = READ_TIMEOUT_S,
        http: requests.Session | None = None,
        policy: TlsPolicy = TlsPolicy(),
    ) -> None:
        problem = plain_http_problem(base_url, policy)
        if problem:
            raise InsecureServer(problem)
        self.base_url = base_url.rstrip("/")
        self._timeout = (connect_timeout, read_timeout)
        self._http = http or requests.Session()
        self._verify: str | bool = policy.ca_file or True  # per request: REQUESTS_CA_BUNDLE must not win

    def close(self) -> None:
        self._http.close()

    def login(self, username: str, password: str, desk: DeskIdentity) -> LoginResponse:
        body = LoginRequest(username=username, password=password, client_id=desk.client_id, desk_key=desk.key)
        return self._call("POST", LOGIN_PATH, None, LoginResponse, json=body.model_dump(mode="json"))

    def push(self, token: str, request: PushRequest) -> PushResponse:
        return self._call("POST", PUSH_PATH, token, PushResponse, json=request.model_dump(mode="json"))

    def pull(self, token: str, cursor: int, limit: int, entity: str | None = None) -> PullResponse:
        params: dict[str, int | str] = {"cursor": cursor, "limit": limit}
        if entity is not None:
            params["entity"] = entity
        return self._call("GET", PULL_PATH, token, PullResponse, params=params)

    def forward(self, token: str, ticket_id: str, unit_code: str) -> dict[str, Any]:
        """Sends a synced ticket to a unit; the server answers with its deadline (a 409 says why not)."""
        response = self._send(
            "POST", f"{API_PREFIX}/tickets/{ticket_id}/forward", token, json={"unit_code": unit_code}
        )
        try:
            answer: dict[str, Any] = response.json()
        except ValueError as error:
            raise self.malformed() from error
        return answer

    def state(self, token: str) -> SyncState:
        return self._call("GET", STATE_PATH, token, SyncState)

    def _call(self, method: str, path: str, token: str | None, model: type[Model], **kwargs: Any) -> Model:
        """Runs on the sync worker."""
        response = self._send(method, path, token, **kwargs)
        try:
            return model.model_validate_json(response.content)
        except ValidationError as error:
            raise self.malformed() from error

    def _send(self, method: str, path: str, token: str | None, **kwargs: Any) -> requests.Response:
        """Runs on a worker thread: one request, the server's refusals raised as our errors."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = self._http.request(
                method,
                self.base_url + path,
                headers=headers,
                timeout=self._timeout,
                verify=self._verify,
                **kwargs,
            )
        except requests.exceptions.SSLError as error:
            raise ServerUnreachable(
                f"Chứng chỉ của máy chủ {self.base_url} không hợp lệ hoặc không được tin cậy, nên phần mềm "
                "không gửi gì tới đó. Hãy kiểm tra ngày giờ của máy này; nếu tỉnh dùng chứng chỉ do mình "
                "cấp, nhờ bộ phận CNTT cài tệp CA của tỉnh (sync_ca_file, hoặc --ca-file khi chạy lệnh sync)."
            ) from error
        except requests.RequestException as error:
            raise self.unreachable(error) from error
        status = response.status_code
        if status == 401:
            raise self.unauthorized(response)
        if status == 403:
            raise self.forbidden(response)
        if status == 409:
            try:
                raise SeqGap(GapError.model_validate_json(response.content))
            except ValidationError:
                pass
        if status == 429:
            locked = LoginLocked(
                error_detail(response)
                or "Đăng nhập tạm bị khóa vì nhập sai mật khẩu nhiều lần. Hãy thử lại sau ít phút."
            )
            locked.detail = str(locked)
            raise locked
        if status == 426:
            raise ProtocolRefused(
                error_detail(response)
                or "Máy chủ không còn nhận phiên bản phần mềm này. Hãy cập nhật phần mềm tổng đài."
            )
        if status >= 400:
            failure = self.failed(response)
            failure.status = status
            failure.detail = error_detail(
                response
            )  # the server's own words, for a screen that shows only them
            raise failure
        return response

    # What each failure says to the operator; a client for other calls (presence) says it its own way.

    def unreachable(self, error: requests.RequestException) -> SyncError:
        if isinstance(error, requests.Timeout):
            return ServerUnreachable(
                f"Máy chủ {self.base_url} không trả lời kịp. Phiếu vẫn được lưu trên máy này; "
                "sẽ tự đồng bộ lại khi mạng ổn định."
            )
        return ServerUnreachable(
            f"Không kết nối được máy chủ {self.base_url}. Phiếu vẫn được lưu trên máy này; "
            "sẽ tự đồng bộ lại khi có mạng."
        )

    def unauthorized(self, response: requests.Response) -> SyncError:
        return LoginRefused(error_detail(response) or "Tên đăng nhập hoặc mật khẩu không đúng.")

    def forbidden(self, response: requests.Response) -> SyncError:
        return self.unauthorized(response)

    def failed(self, response: requests.Response) -> SyncError:
        return SyncError(
            f"Máy chủ báo lỗi {response.status_code}: {error_detail(response) or response.reason}. "
            "Phiếu vẫn được lưu trên máy này; sẽ thử lại sau."
        )

    def malformed(self) -> SyncError:
        return SyncError(
            f"Máy chủ {self.base_url} trả lời không đúng dạng (có phải máy chủ 1022 không?). "
            "Hãy kiểm tra địa chỉ máy chủ."
        )


def error_detail(response: requests.Response) -> str:
    """The `detail` of a FastAPI error answer, or ''."""
    try:
        body = response.json()
    except ValueError:
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, str) else ""
