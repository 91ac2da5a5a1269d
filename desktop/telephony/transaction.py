"""RFC 3261 §17 transactions over UDP: client retransmission (Timers A/B/E/F/D/K), server caches (G/H/J/I)."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.telephony.message import SipMessage, build_request
from desktop.telephony.timers import Scheduler, TimerHandle
from desktop.telephony.transport import Address

log = logging.getLogger(__name__)

BRANCH_COOKIE = "z9hG4bK"


def new_branch() -> str:
    """A fresh RFC 3261 branch (magic cookie + 64 random bits)."""
    return BRANCH_COOKIE + secrets.token_hex(8)


@dataclass(frozen=True)
class TimerValues:
    """T1, T2, T4 of RFC 3261 §17.1.1.1 (tests may shorten them; production keeps the defaults)."""

    t1: float = 0.5
    t2: float = 4.0
    t4: float = 5.0

    @property
    def timeout(self) -> float:
        return 64 * self.t1


ResponseHandler = Callable[[SipMessage], None]
TimeoutHandler = Callable[[], None]
Sender = Callable[[bytes, Address], bool]


class Flag:
    """A set-once boolean used under the agent lock (a threading.Event costs ~0.7 KB and a lock each)."""

    __slots__ = ("_set",)

    def __init__(self) -> None:
        self._set = False

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True


@dataclass
class ClientTransaction:
    """One request we sent, retransmitted until a response (or a final one for INVITE) arrives."""

    branch: str
    method: str
    data: bytes
    destination: Address
    on_response: ResponseHandler
    on_timeout: TimeoutHandler
    ack_for_failure: Callable[[SipMessage], bytes] | None = None
    state: str = "calling"
    interval: float = 0.0
    timers: list[TimerHandle] = field(default_factory=list)

    def cancel_timers(self) -> None:
        for handle in self.timers:
            handle.cancel()
        self.timers.clear()


@dataclass
class ServerTransaction:
    """One request we received: the last response is re-sent when the request is retransmitted."""

    key: tuple[str, str, str]
    source: Address
    last_response: bytes | None = None
    final: bool = False
    acked: Flag = field(default_factory=Flag)
    timers: list[TimerHandle] = field(default_factory=list)


class TransactionLayer:
    """Client and server transactions of one agent. Callers hold `lock`; timer callbacks take it."""

    def __init__(
        self,
        send: Sender,
        scheduler: Scheduler,
        lock: threading.RLock,
        timers: TimerValues,
        *,
        reliable: bool = False,
        send_error: Callable[[], str] = lambda: "",
    ) -> None:
        """`reliable` (TCP/TLS): no retransmission of requests or non-2xx finals (RFC 3261 §17.1.1.2,
        §17.2.1), and a request that cannot be sent fails at once (§8.1.3.1); `send_error` says why."""
        self._send = send
        self._send_error = send_error
        self.last_send_error = ""  # why the last request could not be sent ("" once one could)
        self.reliable = reliable
        self._scheduler = scheduler
        self._lock = lock
        self.timers = timers
        self._client: dict[tuple[str, str], ClientTransaction] = {}
        self._server: dict[tuple[str, str, str], ServerTransaction] = {}

    @property
    def lock(self) -> threading.RLock:
        """The agent lock: timer callbacks of the layers above take it too."""
        return self._lock

    def counts(self) -> tuple[int, int]:
        """(client, server) transactions alive, for leak checks."""
        with self._lock:
            return len(self._client), len(self._server)

    # client side ---------------------------------------------------------------------------------
    def send_request(
        self,
        method: str,
        branch: str,
        data: bytes,
        destination: Address,
        on_response: ResponseHandler,
        on_timeout: TimeoutHandler,
        *,
        timeout: float | None = None,
        ack_for_failure: Callable[[SipMessage], bytes] | None = None,
    ) -> ClientTransaction:
        """Send a request and retransmit it on RFC timers; `timeout` shortens Timer B/F for probes."""
        with self._lock:
            transaction = ClientTransaction(
                branch, method, data, destination, on_response, on_timeout, ack_for_failure
            )
            transaction.interval = self.timers.t1
            self._client[(branch, method)] = transaction
            sent = self._send(data, destination)
            self.last_send_error = "" if sent else self._send_error()
            if not sent and self.reliable:  # no connection: a transport error, not a 32 s wait
                transaction.timers.append(self._later(0.0, lambda: self._timed_out(transaction)))
                return transaction
            if not self.reliable:
                transaction.timers.append(
                    self._later(transaction.interval, lambda: self._retransmit(transaction))
                )
            limit = self.timers.timeout if timeout is None else timeout
            transaction.timers.append(self._later(limit, lambda: self._timed_out(transaction)))
            return transaction

    def abandon(self, transaction: ClientTransaction) -> None:
        """Forget a client transaction without reporting (the caller no longer cares)."""
        with self._lock:
            transaction.cancel_timers()
            self._client.pop((transaction.branch, transaction.method), None)

    def handle_response(self, response: SipMessage) -> bool:
        """Route a response to its client transaction; False when none matches (stray response)."""
        via = response.top_via
        _, method = response.cseq
        if via is None:
            return False
        with self._lock:
            transaction = self._client.get((via.branch, method))
            if transaction is None:
                return False
            status = response.status or 0
            if transaction.state == "completed":
                if transaction.ack_for_failure is not None and status >= 300:
                    self._send(transaction.ack_for_failure(response), transaction.destination)
                return True
            if transaction.state == "accepted":
                if 200 <= status < 300:
                    transaction.on_response(response)  # 2xx retransmission: the TU re-sends its ACK
                return True
            if status < 200:
                if transaction.state == "calling":
                    transaction.state = "proceeding"
                    if method == "INVITE":
                        transaction.cancel_timers()  # Timer A and B stop; the TU owns the no-answer timer
                    else:
                        transaction.interval = self.timers.t2
                transaction.on_response(response)
                return True
            transaction.cancel_timers()
            if method == "INVITE" and status < 300:
                transaction.state = "accepted"
                transaction.timers.append(self._later(self.timers.timeout, lambda: self._forget(transaction)))
            else:
                transaction.state = "completed"
                if transaction.ack_for_failure is not None:
                    self._send(transaction.ack_for_failure(response), transaction.destination)
                linger = 32.0 if method == "INVITE" else self.timers.t4  # Timer D / Timer K
                transaction.timers.append(self._later(linger, lambda: self._forget(transaction)))
            transaction.on_response(response)
            return True

    def _retransmit(self, transaction: ClientTransaction) -> None:
        with self._lock:
            if transaction.state not in ("calling", "proceeding"):
                return
            if (transaction.branch, transaction.method) not in self._client:
                return
            self._send(transaction.data, transaction.destination)
            if transaction.method == "INVITE":
                transaction.interval *= 2  # Timer A doubles without a cap
            elif transaction.state == "calling":
                transaction.interval = min(transaction.interval * 2, self.timers.t2)  # Timer E
            transaction.timers.append(
                self._later(transaction.interval, lambda: self._retransmit(transaction))
            )

    def _timed_out(self, transaction: ClientTransaction) -> None:
        with self._lock:
            if transaction.state not in ("calling", "proceeding"):
                return
            if self._client.pop((transaction.branch, transaction.method), None) is None:
                return
            transaction.cancel_timers()
            transaction.state = "terminated"
            transaction.on_timeout()

    def _forget(self, transaction: ClientTransaction) -> None:
        with self._lock:
            transaction.cancel_timers()
            if self._client.get((transaction.branch, transaction.method)) is transaction:
                del self._client[(transaction.branch, transaction.method)]

    # server side ---------------------------------------------------------------------------------
    @staticmethod
    def server_key(request: SipMessage, source: Address) -> tuple[str, str, str]:
        """(branch, sent-by, method) with ACK matched to its INVITE (RFC 3261 §17.2.3)."""
        via = request.top_via
        method = "INVITE" if request.method == "ACK" else request.method or ""
        if via is None or not via.branch:
            return (f"{request.call_id}/{request.cseq[0]}", f"{source[0]}:{source[1]}", method)
        return (via.branch, f"{via.host}:{via.port}", method)

    def find_server(
        self, request: SipMessage, source: Address, method: str | None = None
    ) -> ServerTransaction | None:
        key = self.server_key(request, source)
        if method is not None:
            key = (key[0], key[1], method)
        with self._lock:
            return self._server.get(key)

    def create_server(self, request: SipMessage, source: Address) -> ServerTransaction:
        key = self.server_key(request, source)
        with self._lock:
            transaction = ServerTransaction(key, source)
            self._server[key] = transaction
            if request.method != "INVITE":
                # Timer J: keep the final response for retransmissions, then forget.
                transaction.timers.append(
                    self._later(self.timers.timeout, lambda: self._forget_server(transaction))
                )
            return transaction

    def respond(
        self, transaction: ServerTransaction, data: bytes, status: int, *, invite: bool = False
    ) -> None:
        """Send a response in a server transaction; a non-2xx final to INVITE is resent until ACK."""
        with self._lock:
            transaction.last_response = data
            self._send(data, transaction.source)
            if status < 200:
                return
            transaction.final = True
            if not invite:
                return
            if status >= 300:
                self._start_retransmit(transaction, data)
            else:
                # A 2xx ends the INVITE server transaction; the dialog retransmits it (RFC 3261 §13.3.1.4).
                transaction.timers.append(
                    self._later(self.timers.timeout, lambda: self._forget_server(transaction))
                )

    def retransmit_until_ack(
        self, data: bytes, destination: Address, acked: Flag, on_no_ack: Callable[[], None]
    ) -> None:
        """Resend `data` on T1 doubling (cap T2) until `acked` is set; `on_no_ack` after 64*T1."""
        state = {"interval": self.timers.t1}
        deadline: list[TimerHandle] = []

        def again() -> None:
            with self._lock:
                if acked.is_set():
                    for handle in deadline:  # lets go of `on_no_ack` (and the call it holds) now
                        handle.cancel()
                    return
                self._send(data, destination)
                state["interval"] = min(state["interval"] * 2, self.timers.t2)
                self._later(state["interval"], again)

        def give_up() -> None:
            with self._lock:
                if not acked.is_set():
                    acked.set()
                    on_no_ack()

        with self._lock:
            self._later(state["interval"], again)
            deadline.append(self._later(self.timers.timeout, give_up))

    def acknowledge(self, request: SipMessage, source: Address) -> bool:
        """An ACK for a non-2xx final: stop Timer G; True when it matched a server transaction."""
        with self._lock:
            transaction = self._server.get(self.server_key(request, source))
            if transaction is None:
                return False
            if not transaction.acked.is_set():
                transaction.acked.set()
                # Timer I: absorb ACK retransmissions, then forget.
                transaction.timers.append(
                    self._later(self.timers.t4, lambda: self._forget_server(transaction))
                )
            return True

    def _start_retransmit(self, transaction: ServerTransaction, data: bytes) -> None:
        def no_ack() -> None:
            self._forget_server(transaction)

        if self.reliable:  # Timer G is not used on TCP; Timer H still bounds the wait for the ACK
            transaction.timers.append(self._later(self.timers.timeout, no_ack))
            return

        self.retransmit_until_ack(data, transaction.source, transaction.acked, no_ack)

    def forget_server(self, transaction: ServerTransaction) -> None:
        """Drop a server transaction now: a request refused for who sent it must not make the real
        sender's copy (same branch and Via) look like a retransmission."""
        self._forget_server(transaction)

    def _forget_server(self, transaction: ServerTransaction) -> None:
        with self._lock:
            for handle in transaction.timers:
                handle.cancel()
            if self._server.get(transaction.key) is transaction:
                del self._server[transaction.key]

    def _later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        return self._scheduler.call_later(delay, callback)

    def clear(self) -> None:
        """Drop every transaction and timer (agent shutdown)."""
        with self._lock:
            for client in self._client.values():
                client.cancel_timers()
            for server in self._server.values():
                for handle in server.timers:
                    handle.cancel()
            self._client.clear()
            self._server.clear()


def ack_for_non_2xx(
    request_line_uri: str, invite_headers: list[tuple[str, str]]
) -> Callable[[SipMessage], bytes]:
    """The hop-by-hop ACK for a non-2xx final (RFC 3261 §17.1.1.3): same branch, To of the response."""

    def build(response: SipMessage) -> bytes:
        headers: list[tuple[str, str]] = []
        for name, value in invite_headers:
            if name == "Via":
                if not any(existing == "Via" for existing, _ in headers):
                    headers.append((name, value))
            elif name == "To":
                headers.append(("To", response.header("To") or value))
            elif name == "CSeq":
                headers.append(("CSeq", f"{value.split()[0]} ACK"))
            elif name in ("From", "Call-ID", "Route", "Max-Forwards"):
                headers.append((name, value))
        return build_request("ACK", request_line_uri, headers)

    return build
