"""Operators' presence through the central server: this desk's state published, everyone's read (issue #7).

Publishing (`PresencePublisher`) runs on its own thread: the phone's events only hand it the latest state,
which it sends with `PUT /api/v1/presence` at once and again every heartbeat, so a desk that died goes stale.
Reading (`ServerPresence`, the dashboard's `PresenceSource`) GETs everyone's last report with the
supervisor's token and shows a report older than the heartbeat window as "connection lost".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import requests

from desktop.domain.clock import VN_TZ
from desktop.services.supervisor.dashboard import OperatorPresence, OperatorState, PresenceUnavailable
from desktop.store.local import DeskIdentity
from desktop.sync.account import Login
from desktop.sync.client import LoginRefused, ServerUnreachable, SyncClient, SyncError, error_detail
from desktop.sync.credentials import Credentials
from protocol import PresenceEntry, PresenceList, PresenceState, PresenceUpdate
from protocol.presence import READY
from protocol.sync import API_PREFIX

log = logging.getLogger(__name__)

PRESENCE_PATH = f"{API_PREFIX}/presence"
HEARTBEAT_S = 30.0
STALE_AFTER_S = 2 * HEARTBEAT_S + 15.0  # one lost heartbeat is not yet a lost desk
RETRY_S = 5.0
READ_TIMEOUT_S = 5.0  # presence is worth little late: never hold a worker 30 s for it
FAREWELL_TIMEOUT_S = 1.5

Result = TypeVar("Result")


class NotConfigured(SyncError):
    """No server or no user set on this desk: nothing is sent, nothing can be read."""

    retry = False


class NotSupervisor(SyncError):
    """HTTP 403: the signed-in account may report its own state but not read everyone's."""

    retry = False


class PresenceClient(SyncClient):
    """The sync client plus the two presence calls (204 and 403 mean something of their own here)."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("read_timeout", READ_TIMEOUT_S)
        super().__init__(base_url, **kwargs)

    def publish(self, token: str, update: PresenceUpdate) -> None:
        self._send("PUT", PRESENCE_PATH, token, json=update.model_dump(mode="json"))

    def read(self, token: str) -> PresenceList:
        return self._call("GET", PRESENCE_PATH, token, PresenceList)

    def unreachable(self, error: requests.RequestException) -> SyncError:
        return ServerUnreachable(
            f"Không kết nối được máy chủ {self.base_url}: chưa biết trạng thái các điện thoại viên. "
            "Sẽ thử lại sau vài giây."
        )

    def unauthorized(self, response: requests.Response) -> SyncError:
        return LoginRefused(error_detail(response) or "Phiên đăng nhập máy chủ đã hết hạn.")

    def forbidden(self, response: requests.Response) -> SyncError:
        return NotSupervisor(error_detail(response) or "Tài khoản này không có quyền xem trạng thái.")

    def failed(self, response: requests.Response) -> SyncError:
        return SyncError(
            f"Máy chủ báo lỗi {response.status_code}: {error_detail(response) or response.reason}."
        )


class ServerLink:
    """Which server and user, read anew at each call (the operator may sign in again), and the token.

    Thread-confined to whichever single thread calls it at a time (one link per worker)."""

    def __init__(
        self,
        login: Callable[[], Login | None],
        credentials: Callable[[], Credentials],
        desk: DeskIdentity,
        make_client: Callable[[str], PresenceClient] = PresenceClient,
    ) -> None:
        self._login = login
        self._credentials = credentials
        self._desk = desk
        self._make_client = make_client
        self._client: PresenceClient | None = None

    @property
    def login(self) -> Login | None:
        return self._login()

    def call(self, request: Callable[[PresenceClient, str], Result], login: Login | None = None) -> Result:
        """`request(client, token)` as `login` (default: the current one); a refused token is renewed
        once with the kept password."""
        login = login or self._login()
        if login is None:
            raise NotConfigured("Chưa kết nối máy chủ: vào Máy chủ ▸ Đăng nhập máy chủ để kết nối.")
        client = self._client_for(login.server_url)
        credentials = self._credentials()
        kept = credentials.token(login)
        if not kept:
            return request(client, self._sign_in(client, credentials, login))
        try:
            return request(client, kept)
        except LoginRefused:  # expired or revoked: once more with the kept password
            credentials.forget_token(login)
            return request(client, self._sign_in(client, credentials, login))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _client_for(self, server_url: str) -> PresenceClient:
        if self._client is None or self._client.base_url != server_url.rstrip("/"):
            self.close()
            self._client = self._make_client(server_url)
        return self._client

    def _sign_in(self, client: PresenceClient, credentials: Credentials, login: Login) -> str:
        password = credentials.password(login)
        if not password:
            raise LoginRefused("Cần đăng nhập máy chủ (Máy chủ ▸ Đăng nhập máy chủ).")
        response = client.login(login.username, password, self._desk)
        credentials.remember(login, token=response.token)
        return response.token


class PresencePublisher:
    """Sends this desk's latest state when it changes and every `heartbeat` seconds, on its own thread.

    `set_state` only records the state (any thread, never blocks); a failed send is retried after
    `retry` seconds with the then-latest state. `stop` says "offline" once, bounded, then ends."""

    def __init__(
        self,
        link: ServerLink,
        *,
        heartbeat: float = HEARTBEAT_S,
        retry: float = RETRY_S,
        on_sent: Callable[[PresenceUpdate], None] = lambda _update: None,
    ) -> None:
        self._link = link
        self._heartbeat = heartbeat
        self._retry = retry
        self._on_sent = on_sent
        self._lock = threading.Lock()
        self._latest = PresenceUpdate(state=PresenceState.OFFLINE)
        self._changed = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._sent_as: Login | None = None
        self.last_error = ""

    @property
    def state(self) -> PresenceUpdate:
        with self._lock:
            return self._latest

    def set_state(self, state: PresenceState | str, detail: str = "", agent_state: str = READY) -> None:
        update = PresenceUpdate(state=PresenceState(state), detail=detail[:200], agent_state=agent_state)
        with self._lock:
            if update == self._latest:
                return
            self._latest = update
        self._changed.set()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="presence", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Ends the thread; a configured desk tells the server it went offline (at most ~`timeout`)."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stopping.set()
        self._changed.set()
        thread.join(timeout)

    def _run(self) -> None:
        """Runs on the presence thread."""
        delay = 0.0
        while not self._stopping.is_set():
            if self._changed.wait(delay):
                self._changed.clear()
            if self._stopping.is_set():
                break
            delay = self._send(self.state)
        last = self.state.agent_state
        self._send(PresenceUpdate(state=PresenceState.OFFLINE, detail="Đã đóng phần mềm.", agent_state=last))
        self._link.close()

    def _send(self, update: PresenceUpdate) -> float:
        """Sends `update` when a server is set; returns how long to wait before the next send."""
        login = self._link.login
        if login != self._sent_as and self._sent_as is not None:
            self._say_goodbye(self._sent_as)  # signed in again as someone else, or elsewhere
        if login is None:
            return self._retry  # no server: nothing sent; a sign-in is noticed within `retry` seconds
        try:
            self._link.call(lambda client, token: client.publish(token, update), login)
        except SyncError as error:
            self.last_error = str(error)
            # a refused password or an outdated desk will not mend in seconds: no login every 5 s
            return self._retry if error.retry else self._heartbeat
        except Exception as error:  # a bug must not end the heartbeat
            log.exception("Không gửi được trạng thái lên máy chủ")
            self.last_error = str(error)
            return self._retry
        self.last_error = ""
        self._sent_as = login
        self._on_sent(update)
        return self._heartbeat

    def _say_goodbye(self, login: Login) -> None:
        """The previous account's desk is offline now, rather than 'lost' 75 s later."""
        self._sent_as = None
        farewell = PresenceUpdate(state=PresenceState.OFFLINE, detail="Bàn đã đăng nhập tài khoản khác.")
        try:
            self._link.call(lambda client, token: client.publish(token, farewell), login)
        except Exception as error:  # it will show as lost: nothing else to do
            log.info("Không báo được trạng thái cũ: %s", error)


class ServerPresence:
    """The dashboard's `PresenceSource` when the desk has a server: everyone's state, stale ones as lost."""

    def __init__(self, link: ServerLink, *, stale_after: float = STALE_AFTER_S) -> None:
        self._link = link
        self._stale_after = timedelta(seconds=stale_after)

    def operators(self) -> list[OperatorPresence]:
        """Runs on a worker thread; raises PresenceUnavailable with a Vietnamese reason."""
        try:
            listing = self._link.call(lambda client, token: client.read(token))
        except NotSupervisor as error:
            login = self._link.login
            who = login.username if login else ""
            raise PresenceUnavailable(
                f"Tài khoản {who} đang đăng nhập máy chủ không phải tài khoản giám sát viên, nên không xem "
                "được trạng thái các điện thoại viên. Hãy đăng nhập bằng tài khoản giám sát viên "
                "(Máy chủ ▸ Đăng nhập máy chủ)."
            ) from error
        except SyncError as error:
            raise PresenceUnavailable(str(error)) from error
        return [self._operator(entry, listing.server_time) for entry in listing.entries]

    def _operator(self, entry: PresenceEntry, server_time: datetime) -> OperatorPresence:
        state = OperatorState(entry.state.value)
        since: datetime = entry.since
        if state is not OperatorState.OFFLINE and server_time - entry.updated_at > self._stale_after:
            state, since = OperatorState.LOST, entry.updated_at  # last heard from
        agent_since = entry.agent_state_since
        return OperatorPresence(
            operator=entry.username,
            full_name=entry.full_name,
            state=state,
            since=since.astimezone(VN_TZ),
            detail=entry.detail,
            agent_state=entry.agent_state,
            agent_state_since=agent_since.astimezone(VN_TZ) if agent_since else None,
            after_call_seconds_today=entry.after_call_seconds_today,
            read_at=server_time.astimezone(VN_TZ),
        )


__all__ = [
    "HEARTBEAT_S",
    "STALE_AFTER_S",
    "NotConfigured",
    "NotSupervisor",
    "PresenceClient",
    "PresencePublisher",
    "ServerLink",
    "ServerPresence",
]
