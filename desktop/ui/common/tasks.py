"""The task runner: long work on a QThreadPool, results handed back on the GUI thread by a signal."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Task = Callable[[], Any]
OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


class _Job(QRunnable):
    """One task; `run` executes on a worker thread and only emits a signal."""

    def __init__(self, runner: TaskRunner, job_id: int, task: Task) -> None:
        super().__init__()
        self._runner = runner
        self._job_id = job_id
        self._task = task
        # The runner keeps the Python object alive until the result is handed over.
        self.setAutoDelete(False)

    def run(self) -> None:
        """Runs on a worker thread: never touches a widget."""
        try:
            result: Any = self._task()
            error: BaseException | None = None
        except BaseException as caught:  # handed to on_error on the GUI thread
            result, error = None, caught
        self._runner.job_finished.emit(self._job_id, result, error)


def _alive(callback: Callable[..., Any]) -> bool:
    """False when the callback is a bound method of a Qt object already deleted."""
    owner = getattr(getattr(callback, "func", callback), "__self__", None)
    return not (isinstance(owner, QObject) and not shiboken6.isValid(owner))


class TaskRunner(QObject):
    """Runs tasks in the background; `on_done`/`on_error` always run on the thread owning the runner."""

    job_finished = Signal(int, object, object)
    idle_changed = Signal(bool)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._callbacks: dict[int, tuple[OnDone, OnError | None]] = {}
        self._jobs: dict[int, _Job] = {}
        self._next_id = 0
        self._lock = threading.Lock()
        self.job_finished.connect(self.on_job_finished)

    def run(self, task: Task, on_done: OnDone, on_error: OnError | None = None) -> None:
        with self._lock:
            self._next_id += 1
            job_id = self._next_id
        was_idle = not self._callbacks
        self._callbacks[job_id] = (on_done, on_error)
        if was_idle:
            self.idle_changed.emit(False)
        job = _Job(self, job_id, task)
        self._jobs[job_id] = job
        self._pool.start(job)

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def wait_for_done(self, msecs: int = 30000) -> bool:
        """Blocks until every started task has returned (results still arrive through the event loop)."""
        return self._pool.waitForDone(msecs)

    @Slot(int, object, object)
    def on_job_finished(self, job_id: int, result: Any, error: BaseException | None) -> None:
        self._jobs.pop(job_id, None)
        on_done, on_error = self._callbacks.pop(job_id, (None, None))
        try:
            if error is not None:
                if on_error is not None and _alive(on_error):
                    on_error(error)
                else:
                    log.error("Tác vụ nền bị lỗi", exc_info=error)
            elif on_done is not None and _alive(on_done):
                on_done(result)
        finally:
            if not self._callbacks:
                self.idle_changed.emit(True)


_default: TaskRunner | None = None


def default_runner() -> TaskRunner:
    """The application's runner, created on first use (on the GUI thread)."""
    global _default
    if _default is None or not shiboken6.isValid(_default):
        _default = TaskRunner()
    return _default


def run_in_background(task: Task, on_done: OnDone, on_error: OnError | None = None) -> None:
    """Run `task` on a worker thread, then `on_done(result)` or `on_error(exception)` on the GUI thread."""
    default_runner().run(task, on_done, on_error)
