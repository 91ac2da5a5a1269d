"""SIP transports: UDP (one socket, a daemon receive thread that survives every datagram), TCP and TLS."""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable

from desktop.telephony.message import MAX_DATAGRAM

log = logging.getLogger(__name__)

Address = tuple[str, int]
DatagramHandler = Callable[[bytes, Address, float], None]


class UdpTransport:
    """Sends datagrams and hands each received one, with its arrival time, to a handler."""

    def __init__(self, host: str, port: int, handler: DatagramHandler, *, poll_interval: float = 0.1) -> None:
        self._handler = handler
        self._poll_interval = poll_interval
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            self._sock.bind((host, port))
        except OSError:
            self._sock.close()
            raise
        self._sock.setblocking(False)
        self.address: Address = self._sock.getsockname()[:2]
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._receive_loop, name=f"sip-udp-{self.address[1]}", daemon=True
        )

    @property
    def port(self) -> int:
        return self.address[1]

    @property
    def socket(self) -> socket.socket:
        """The bound socket (STUN uses it before `start()`, so the mapping learnt is the SIP one)."""
        return self._sock

    def start(self) -> None:
        self._thread.start()

    def send(self, data: bytes, destination: Address) -> bool:
        """Send one datagram; False (and a log line) when the OS refuses it."""
        try:
            self._sock.sendto(data, destination)
            return True
        except OSError as error:
            if not self._stopped.is_set():
                log.warning("SIP send to %s:%s failed: %s", destination[0], destination[1], error)
            return False

    def stop(self, timeout: float = 0.5) -> None:
        """Stop the receive thread (it polls every `poll_interval`) and close the socket."""
        self._stopped.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        self._sock.close()

    def _receive_loop(self) -> None:
        """Receive thread: never dies on a bad datagram, a handler error or a transient socket error."""
        while not self._stopped.is_set():
            try:
                readable, _, _ = select.select([self._sock], [], [], self._poll_interval)
                if not readable:
                    continue
                data, source = self._sock.recvfrom(MAX_DATAGRAM + 1)
            except (BlockingIOError, InterruptedError):
                continue
            except (OSError, ValueError) as error:
                if self._stopped.is_set():
                    return
                log.warning("SIP receive error (continuing): %s", error)
                time.sleep(0.05)
                continue
            arrived = time.monotonic()
            try:
                self._handler(data, (source[0], source[1]), arrived)
            except Exception:
                log.exception("SIP datagram from %s:%s could not be handled", source[0], source[1])


def frame_stream(buffer: bytearray) -> list[bytes]:
    """Cut complete SIP messages off the front of a stream buffer (RFC 3261 §18.3: Content-Length framing).

    Leading CRLFs (RFC 5626 keepalives) are dropped; an incomplete message stays in `buffer`. A message
    without Content-Length has an empty body on a stream.
    """
    messages: list[bytes] = []
    while True:
        while buffer[:2] == b"\r\n":
            del buffer[:2]
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            return messages
        head = bytes(buffer[:end])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() in (b"content-length", b"l"):
                try:
                    length = max(0, int(value.strip()))
                except ValueError:
                    length = 0
                break
        total = end + 4 + length
        if len(buffer) < total:
            return messages
        messages.append(bytes(buffer[:total]))
        del buffer[:total]


class TcpTransport:
    """SIP over TCP (RFC 3261 §18): a listening socket for peers that connect to our Contact, and one
    reused connection per remote address for what we send (the registrar/proxy gets one connection).

    Responses go back on the connection their request came in on (its peer address is the request's
    source). One daemon thread selects over the listener and every connection; a self-pipe wakes it
    when a new outgoing connection is added, so the first response is never delayed by the poll.
    """

    def __init__(
        self,
        host: str,
        port: int,
        handler: DatagramHandler,
        *,
        poll_interval: float = 0.1,
        connect_timeout: float = 2.0,
    ) -> None:
        self._handler = handler
        self._poll_interval = poll_interval
        self._connect_timeout = connect_timeout
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._listener.bind((host, port))
            self._listener.listen(16)
        except OSError:
            self._listener.close()
            raise
        self._listener.setblocking(False)
        self.address: Address = self._listener.getsockname()[:2]
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._lock = threading.Lock()
        self._connections: dict[Address, socket.socket] = {}
        self._buffers: dict[socket.socket, bytearray] = {}
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._receive_loop, name=f"sip-tcp-{self.address[1]}", daemon=True
        )
        self.last_error = ""  # why the last send failed

    @property
    def port(self) -> int:
        return self.address[1]

    def connection_count(self) -> int:
        with self._lock:
            return len(self._connections)

    def start(self) -> None:
        self._thread.start()

    def send(self, data: bytes, destination: Address) -> bool:
        """Send one message on the connection to `destination`, opening it if needed."""
        with self._lock:
            conn = self._connections.get(destination)
        try:
            if conn is None:
                conn = self._open(destination)
                self._add(conn, destination)
            self._sendall(conn, data)
            return True
        except OSError as error:
            if conn is not None:
                self._drop(conn)
            self.last_error = str(error)
            if not self._stopped.is_set():
                log.warning("SIP/TCP send to %s:%s failed: %s", destination[0], destination[1], error)
            return False

    def stop(self, timeout: float = 0.5) -> None:
        self._stopped.set()
        self._wake()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        with self._lock:
            connections = list(self._connections.values())
            self._connections.clear()
            self._buffers.clear()
        for conn in connections:
            conn.close()
        self._listener.close()
        self._wake_r.close()
        self._wake_w.close()

    def _add(self, conn: socket.socket, peer: Address) -> None:
        with self._lock:
            old = self._connections.get(peer)
            self._connections[peer] = conn
            self._buffers[conn] = bytearray()
        if old is not None and old is not conn:
            self._drop(old)
        self._wake()

    def _drop(self, conn: socket.socket) -> None:
        with self._lock:
            for peer, known in list(self._connections.items()):
                if known is conn:
                    del self._connections[peer]
            self._buffers.pop(conn, None)
        conn.close()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")

    def _peer_of(self, conn: socket.socket) -> Address | None:
        with self._lock:
            for peer, known in self._connections.items():
                if known is conn:
                    return peer
        return None

    def _receive_loop(self) -> None:
        """Receive thread: accept, read, frame, hand over; a broken connection is dropped, never fatal."""
        while not self._stopped.is_set():
            with self._lock:
                watched = [self._listener, self._wake_r, *self._buffers]
            try:
                readable, _, _ = select.select(watched, [], [], self._poll_interval)
            except (OSError, ValueError):
                time.sleep(0.01)  # a socket closed under us: the next snapshot no longer has it
                continue
            for sock in readable:
                if self._stopped.is_set():
                    return
                if sock is self._wake_r:
                    with contextlib.suppress(OSError):
                        self._wake_r.recv(4096)
                elif sock is self._listener:
                    self._accept()
                else:
                    self._read(sock)

    def _accept(self) -> None:
        try:
            conn, peer = self._listener.accept()
        except OSError:
            return
        conn.settimeout(self._connect_timeout)
        accepted = self._accepted(conn)
        if accepted is not None:
            self._add(accepted, (peer[0], peer[1]))

    def _open(self, destination: Address) -> socket.socket:
        """A new outgoing connection (TLS wraps it)."""
        conn = socket.create_connection(destination, timeout=self._connect_timeout)
        conn.settimeout(self._connect_timeout)
        return conn

    def _accepted(self, conn: socket.socket) -> socket.socket | None:
        """What to keep of an accepted connection (TLS: nothing, see TlsTransport)."""
        return conn

    def _sendall(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)

    def _recv(self, conn: socket.socket) -> bytes | None:
        """What arrived (b"" when the peer closed); None when nothing did after all (TLS records only)."""
        return conn.recv(65536)

    def _read(self, conn: socket.socket) -> None:
        try:
            chunk = self._recv(conn)
        except OSError:
            chunk = b""
        if chunk is None:
            return  # readable, but no message bytes yet: the connection stays
        peer = self._peer_of(conn)
        if not chunk or peer is None:
            self._drop(conn)
            return
        arrived = time.monotonic()
        with self._lock:
            buffer = self._buffers.get(conn)
        if buffer is None:
            return
        buffer += chunk
        for message in frame_stream(buffer):
            try:
                self._handler(message, peer, arrived)
            except Exception:
                log.exception("SIP/TCP message from %s:%s could not be handled", peer[0], peer[1])
        if len(buffer) > 1 << 20:  # a peer that never completes a message: cut it off
            log.warning("SIP/TCP from %s:%s: 1 MiB without a complete message; closing", *peer)
            self._drop(conn)


class TlsTransport(TcpTransport):
    """SIP over TLS (RFC 3261 §26.2.1, `SIP/2.0/TLS`): TCP framing on connections we open and verify.

    A desk behind NAT cannot be connected to and has no certificate, so requests for us must come back on
    our own connection: every Via carries `;alias` (RFC 5923) and the proxy reuses the connection we opened
    for REGISTER. The listening socket only reserves the port our Via/Contact advertise; a peer that
    connects to it anyway is refused (logged). One lock per connection keeps one SSL object from being
    read and written by two threads at once.
    """

    def __init__(
        self,
        host: str,
        port: int,
        handler: DatagramHandler,
        *,
        context: ssl.SSLContext,
        server_name: str,
        poll_interval: float = 0.1,
        connect_timeout: float = 2.0,
    ) -> None:
        super().__init__(host, port, handler, poll_interval=poll_interval, connect_timeout=connect_timeout)
        self._context = context
        self._server_name = server_name
        self._ssl_locks: dict[int, threading.Lock] = {}
        self._thread.name = f"sip-tls-{self.address[1]}"

    def _open(self, destination: Address) -> socket.socket:
        raw = super()._open(destination)
        try:
            conn = self._context.wrap_socket(raw, server_hostname=self._server_name)
        except (OSError, ssl.SSLError) as error:
            raw.close()
            reason = getattr(error, "verify_message", "") or str(error)
            raise OSError(f"TLS with {destination[0]}:{destination[1]} failed: {reason}") from error
        self._ssl_locks[conn.fileno()] = threading.Lock()
        return conn

    def _accepted(self, conn: socket.socket) -> socket.socket | None:
        log.warning("SIP/TLS: refused an incoming connection (requests come on our own connection)")
        conn.close()
        return None

    def _lock_of(self, conn: socket.socket) -> threading.Lock:
        return self._ssl_locks.setdefault(conn.fileno(), threading.Lock())

    def _sendall(self, conn: socket.socket, data: bytes) -> None:
        with self._lock_of(conn):
            conn.sendall(data)

    def _recv(self, conn: socket.socket) -> bytes | None:
        """select() says readable for any TLS record, a TLS 1.3 session ticket too, which carries no
        data: a blocking recv() would then wait out the timeout with the lock held and, timing out,
        look like a closed connection, so the connection was dropped under a send (EBADF, registration
        lost). Read without blocking: no data yet is None, not the end of the connection."""
        assert isinstance(conn, ssl.SSLSocket)
        with self._lock_of(conn):
            timeout = conn.gettimeout()
            conn.settimeout(0)
            try:
                chunk = conn.recv(65536)
                while chunk and conn.pending():  # decrypted bytes select() cannot see
                    chunk += conn.recv(conn.pending())
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                return None
            finally:
                conn.settimeout(timeout)
        return chunk

    def _drop(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._ssl_locks.pop(conn.fileno(), None)
        super()._drop(conn)


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """A client context that verifies the server's certificate and name: against `ca_file` (PEM) when
    given, else the system's trust store. TLS 1.2 at least."""
    context = ssl.create_default_context(cafile=ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
