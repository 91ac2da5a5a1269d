"""RTP endpoints: a UDP port pair (RTP even, RTCP + 1) checked free by binding it (pyVoIP picks blindly)."""

from __future__ import annotations

import random
import socket


class NoFreeRtpPort(RuntimeError):
    """Every even port of the configured range is taken."""


class RtpEndpoint:
    """A call's bound RTP socket (even port) and its RTCP socket (the next port, RFC 3550 §11)."""

    def __init__(self, host: str, low: int, high: int) -> None:
        self.socket, self.rtcp_socket = self._bind_free(host, low, high)
        self.port: int = self.socket.getsockname()[1]

    @staticmethod
    def _bind_free(host: str, low: int, high: int) -> tuple[socket.socket, socket.socket]:
        start = low + (low % 2)
        candidates = list(range(start, high, 2))
        random.shuffle(candidates)
        for port in candidates:
            pair = (
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM),
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM),
            )
            try:
                pair[0].bind((host, port))
                pair[1].bind((host, port + 1))
            except OSError:
                for sock in pair:
                    sock.close()
                continue
            return pair
        raise NoFreeRtpPort(f"no free RTP/RTCP port pair in {low}-{high} on {host}")

    def close(self) -> None:
        self.socket.close()
        self.rtcp_socket.close()
