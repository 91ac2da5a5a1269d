"""RTP endpoints: a UDP port pair checked free by binding it (pyVoIP 1.6.8 picks ports blindly)."""

from __future__ import annotations

import random
import socket


class NoFreeRtpPort(RuntimeError):
    """Every even port of the configured range is taken."""


class RtpEndpoint:
    """A bound RTP socket (even port) for one call; the audio engine reads and writes it."""

    def __init__(self, host: str, low: int, high: int) -> None:
        self.socket = self._bind_free(host, low, high)
        self.port: int = self.socket.getsockname()[1]

    @staticmethod
    def _bind_free(host: str, low: int, high: int) -> socket.socket:
        start = low + (low % 2)
        candidates = list(range(start, high + 1, 2))
        random.shuffle(candidates)
        for port in candidates:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                sock.bind((host, port))
            except OSError:
                sock.close()
                continue
            return sock
        raise NoFreeRtpPort(f"no free RTP port in {low}-{high} on {host}")

    def close(self) -> None:
        self.socket.close()
