"""SIP requests the agent refuses for who sent them (not the PBX, not the dialog's peer, a flood): logged
with their source, at most once a minute per kind and source, with how many were not logged."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from desktop.telephony.transport import Address

log = logging.getLogger("desktop.telephony.refused")


class RefusalLog:
    def __init__(self, every: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._every, self._clock = every, clock
        self._last: dict[tuple[str, str], float] = {}
        self._quiet: dict[tuple[str, str], int] = {}
        self.count = 0  # every refusal, logged or not

    def note(self, why: str, source: Address) -> None:
        self.count += 1
        key = (why, source[0])
        now = self._clock()
        if now - self._last.get(key, -self._every) < self._every:
            self._quiet[key] = self._quiet.get(key, 0) + 1
            return
        self._last[key] = now
        more = self._quiet.pop(key, 0)
        log.warning(
            "refused SIP from %s:%s: %s%s", source[0], source[1], why, f" (+{more} not logged)" * bool(more)
        )
