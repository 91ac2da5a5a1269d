"""One daemon thread that runs delayed callbacks (SIP timers) in deadline order."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class TimerHandle:
    """A scheduled callback; `cancel()` makes it a no-op and lets go of the callback at once.

    (A cancelled timer stays in the heap until its deadline; without dropping the callback, its closure,
    e.g. a whole call, would stay alive for up to 32 s after the call ended.)
    """

    __slots__ = ("callback",)

    def __init__(self, callback: Callable[[], None]) -> None:
        self.callback: Callable[[], None] | None = callback

    @property
    def cancelled(self) -> bool:
        return self.callback is None

    def cancel(self) -> None:
        self.callback = None


class Scheduler:
    """Runs callbacks after a delay on its own daemon thread (so timers never need a thread each)."""

    def __init__(self, name: str = "sip-timers") -> None:
        self._heap: list[tuple[float, int, TimerHandle]] = []
        self._counter = itertools.count()
        self._cond = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        """Schedule `callback` to run on the timer thread after `delay` seconds."""
        handle = TimerHandle(callback)
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._counter), handle))
            self._cond.notify()
        return handle

    def pending(self) -> int:
        """How many callbacks are waiting (cancelled ones included until their deadline)."""
        with self._cond:
            return len(self._heap)

    def stop(self, timeout: float = 0.5) -> None:
        with self._cond:
            self._stopped = True
            self._heap.clear()
            self._cond.notify()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        """Timer thread: pop due callbacks and run them; an exception is logged, never fatal."""
        while True:
            with self._cond:
                while not self._stopped:
                    if not self._heap:
                        self._cond.wait()
                        continue
                    delay = self._heap[0][0] - time.monotonic()
                    if delay <= 0:
                        break
                    self._cond.wait(delay)
                if self._stopped:
                    return
                _, _, handle = heapq.heappop(self._heap)
            callback, handle.callback = handle.callback, None
            if callback is None:
                continue
            try:
                callback()
            except Exception:
                log.exception("SIP timer callback failed")
