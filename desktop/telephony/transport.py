"""UDP transport: one socket and a daemon receive thread that survives every datagram."""

from __future__ import annotations

import logging
import select
import socket
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
