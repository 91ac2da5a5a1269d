"""The supervisor's per-unit figures of forwarded tickets (#17 point 2), read from the server's units-on-time
report, and the report's on-time tables 7-8 (#17 point 6): only the server holds the forwardings, so the
dashboard and the Báo cáo screen ask it (as the signed-in supervisor)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import requests

from desktop.services.supervisor.dashboard import ExtensionRequest, PresenceUnavailable, UnitOnTime
from desktop.services.supervisor.reports import ServerTables, ServerTablesUnavailable
from desktop.sync.client import ServerUnreachable, SyncError, error_detail
from desktop.sync.presence import NotConfigured, NotSupervisor, PresenceClient, ServerLink
from protocol.sync import API_PREFIX
from reports.tables import by_area, on_time_by_unit

REPORT_PATH = f"{API_PREFIX}/reports"
UNITS_ON_TIME_PATH = f"{REPORT_PATH}/units-on-time"
EXTENSION_REQUESTS_PATH = f"{API_PREFIX}/forwardings/extension-requests"
Result = TypeVar("Result")
READ_TIMEOUT_S = 20.0  # the report counts every forwarding of the period in SQL
REPORT_READ_TIMEOUT_S = 60.0  # the whole report of a year: a few seconds over a million tickets


class UnitFiguresClient(PresenceClient):
    """The sync client plus the units-on-time read."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        kwargs.setdefault("read_timeout", READ_TIMEOUT_S)
        super().__init__(base_url, **kwargs)

    def units_on_time(self, token: str, first: date, last: date) -> dict[str, Any]:
        params = {"from": first.isoformat(), "to": last.isoformat()}
        body: dict[str, Any] = self._send("GET", UNITS_ON_TIME_PATH, token, params=params).json()
        return body

    def report(self, token: str, first: date, last: date) -> dict[str, Any]:
        """The server's report of the period as JSON (with its on-time tables)."""
        params = {"from": first.isoformat(), "to": last.isoformat(), "format": "json"}
        body: dict[str, Any] = self._send("GET", REPORT_PATH, token, params=params).json()
        return body

    def extension_requests(self, token: str) -> list[dict[str, Any]]:
        body: list[dict[str, Any]] = self._send("GET", EXTENSION_REQUESTS_PATH, token).json()
        return body

    def decide_extension(self, token: str, forwarding_id: str, grant: bool) -> dict[str, Any]:
        path = f"{API_PREFIX}/forwardings/{forwarding_id}/extension"
        body: dict[str, Any] = self._send("POST", path, token, json={"grant": grant}).json()
        return body

    def unreachable(self, error: requests.RequestException) -> SyncError:
        return ServerUnreachable(
            f"Không kết nối được máy chủ {self.base_url}: chưa có số liệu theo đơn vị. Sẽ thử lại sau."
        )

    def forbidden(self, response: requests.Response) -> SyncError:
        return NotSupervisor(error_detail(response) or "Tài khoản này không có quyền xem số liệu đơn vị.")


class ServerUnitsOnTime:
    """The dashboard's `UnitsOnTimeSource` when the desk has a server."""

    def __init__(self, link: ServerLink) -> None:
        self._link = link
        # one worker at a time on the link (its client, the token it renews): the dashboard's reads run on
        # one worker while the supervisor's Grant or Refuse runs on another
        self._lock = threading.Lock()

    def units_on_time(self, first: date, last: date) -> list[UnitOnTime]:
        """Runs on a worker thread; raises PresenceUnavailable with a Vietnamese reason."""
        body = self._ask(lambda client, token: client.units_on_time(token, first, last))
        try:
            return [_unit(row) for row in body["units"]]
        except (KeyError, TypeError, ValueError) as error:
            raise PresenceUnavailable("Máy chủ trả về số liệu theo đơn vị không đúng dạng.") from error

    def extension_requests(self) -> list[ExtensionRequest]:
        """Runs on a worker thread; raises PresenceUnavailable with a Vietnamese reason."""
        rows = self._ask(lambda client, token: client.extension_requests(token))
        try:
            return [_request(row) for row in rows]
        except (KeyError, TypeError, ValueError) as error:
            raise PresenceUnavailable("Máy chủ trả về đề nghị gia hạn không đúng dạng.") from error

    def decide_extension(self, forwarding_id: str, grant: bool) -> date:
        """Runs on a worker thread; the server's refusal (already answered...) as PresenceUnavailable."""
        body = self._ask(lambda client, token: client.decide_extension(token, forwarding_id, grant))
        try:
            return date.fromisoformat(str(body["deadline"]))
        except (KeyError, TypeError, ValueError) as error:
            raise PresenceUnavailable(
                "Máy chủ đã nhận quyết định nhưng trả lời không đúng dạng (thiếu hạn mới). "
                "Bảng sẽ tự đọc lại hạn xử lý của phiếu sau ít phút."
            ) from error

    def _ask(self, request: Callable[[UnitFiguresClient, str], Result]) -> Result:
        try:
            with self._lock:
                return self._link.call(lambda client, token: request(_units_client(client), token))
        except NotSupervisor as error:
            login = self._link.login
            raise PresenceUnavailable(
                f"Tài khoản {login.username if login else ''} không phải tài khoản giám sát viên, nên không "
                "xem được số liệu theo đơn vị. Hãy đăng nhập máy chủ bằng tài khoản giám sát viên."
            ) from error
        except SyncError as error:
            raise PresenceUnavailable(str(error)) from error


class ServerReportTables:
    """The Báo cáo screen's `ServerTablesSource` when the desk has a server: tables 7-8 of its report."""

    def __init__(self, link: ServerLink) -> None:
        self._link = link
        self._lock = threading.Lock()  # the link is used by one worker at a time

    def on_time_tables(self, first: date, last: date) -> ServerTables:
        """Runs on a worker thread; raises ServerTablesUnavailable with a Vietnamese reason."""
        with self._lock:
            body = self._read(first, last)
        try:
            tables = ServerTables(on_time=body["on_time"], areas=list(body["areas"]))
            on_time_by_unit({"on_time": tables.on_time})  # type: ignore[typeddict-item]
            by_area({"areas": tables.areas})  # type: ignore[typeddict-item]
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ServerTablesUnavailable(
                "Máy chủ trả về bảng 7 và 8 không đúng dạng (máy chủ cũ hơn máy trạm?): hãy báo quản trị "
                "viên cập nhật máy chủ."
            ) from error
        return tables

    def _read(self, first: date, last: date) -> dict[str, Any]:
        again = " rồi bấm Xem (F5) lại."
        try:
            return self._link.call(lambda client, token: _units_client(client).report(token, first, last))
        except NotConfigured as error:
            raise ServerTablesUnavailable(f"{str(error).rstrip('.')},{again}") from error
        except NotSupervisor as error:
            login = self._link.login
            raise ServerTablesUnavailable(
                f"Tài khoản {login.username if login else ''} không phải tài khoản giám sát viên nên không "
                f"lấy được bảng 7 và 8: hãy đăng nhập máy chủ (Máy chủ ▸ Đăng nhập máy chủ) bằng tài khoản "
                f"giám sát viên,{again}"
            ) from error
        except ServerUnreachable as error:
            url = login.server_url if (login := self._link.login) else ""
            raise ServerTablesUnavailable(
                f"Không kết nối được máy chủ {url}: khi có mạng trở lại (Máy chủ ▸ Đồng bộ ngay chạy "
                f"được),{again}"
            ) from error
        except SyncError as error:  # a refused sign-in, a server error: its own words
            raise ServerTablesUnavailable(f"{str(error).rstrip('.')}. Khắc phục xong,{again}") from error


def _units_client(client: PresenceClient) -> UnitFiguresClient:
    if not isinstance(client, UnitFiguresClient):  # the link was built with another client
        raise TypeError("ServerUnitsOnTime needs a link that makes UnitFiguresClient")
    return client


def _request(row: dict[str, Any]) -> ExtensionRequest:
    return ExtensionRequest(
        forwarding_id=str(row["forwarding_id"]),
        ticket_code=str(row["ticket_code"]),
        unit=str(row["unit_name"]),
        days=int(row["days"]),
        reason=str(row["reason"]),
        deadline=date.fromisoformat(str(row["deadline"])),
    )


def _unit(row: dict[str, Any]) -> UnitOnTime:
    rate = row["on_time_rate"]
    return UnitOnTime(
        unit=str(row["unit"]),
        forwarded=int(row["forwarded"]),
        answered_on_time=int(row["answered_on_time"]),
        answered_late=int(row["answered_late"]),
        overdue_now=int(row["overdue_now"]),
        returned=int(row["returned"]),
        on_time_rate=None if rate is None else float(rate),
    )
