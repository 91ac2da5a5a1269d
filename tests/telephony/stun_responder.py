"""A minimal RFC 5389 STUN server for the tests: answers Binding requests with XOR-MAPPED-ADDRESS.

`nat` rewrites what it reports, as if a NAT stood between the client and it: (public host, port offset).
Written from the RFC, independently of the agent's `stun.py`.
"""

from __future__ import annotations

import socket
import struct
import threading

COOKIE = 0x2112A442


class StunResponder:
    def __init__(self, nat: tuple[str, int] | None = None, *, silent: bool = False) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = int(self.sock.getsockname()[1])
        self.nat = nat
        self.silent = silent  # drop every request (a STUN server that is down or filtered)
        self.requests: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="test-stun", daemon=True)

    def start(self) -> StunResponder:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(1)
        self.sock.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, source = self.sock.recvfrom(2048)
            except OSError:
                continue
            if len(data) < 20:
                continue
            kind, length, cookie = struct.unpack_from("!HHI", data)
            if kind != 0x0001 or cookie != COOKIE or length != len(data) - 20:
                continue  # not a Binding request (RFC 5389 §7.3.1)
            self.requests.append(source)
            if self.silent:
                continue
            host, port = source
            if self.nat is not None:
                host, port = self.nat[0], port + self.nat[1]
            packed_host = struct.unpack("!I", socket.inet_aton(host))[0]
            value = struct.pack("!BBHI", 0, 1, port ^ (COOKIE >> 16), packed_host ^ COOKIE)
            attribute = struct.pack("!HH", 0x0020, len(value)) + value
            response = struct.pack("!HHI", 0x0101, len(attribute), COOKIE) + data[8:20] + attribute
            self.sock.sendto(response, source)
