"""Who looked at a citizen's data on this desk: one record per display, kept in the store and pushed to the
server's tamper-evident trail (entity "access" in the outbox).

A record is handed to a writer thread of the store and written in batches, so a lookup returns as fast
as before (a write transaction with its fsync costs ~5 ms, more than the lookup itself); the writer is
flushed at exit, so only a crash within a few milliseconds of a look can lose its record.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import uuid
from typing import Any

from desktop.domain.clock import now_vn
from desktop.domain.operator import Operator, operator_of
from desktop.services.outbox import append_mutation
from desktop.store.access_models import AccessRecord
from desktop.store.local import LocalStore
from protocol.access import ACCESS_KINDS, ACCESS_REASONS

log = logging.getLogger(__name__)

ENTITY = "access"
KINDS = ACCESS_KINDS
REASONS = ACCESS_REASONS
FLUSH_AT_EXIT_S = 2.0


class AccessLog:
    def __init__(self, store: LocalStore, actor: str | Operator) -> None:
        self._store = store
        self._who = operator_of(actor)

    @property
    def actor(self) -> str:
        return self._who.name  # the desk's operator now: a rename counts without a restart

    def record(self, kind: str, subject: str, screen: str, reason: str) -> None:
        """Queues one record (any thread, never blocks on the disk)."""
        if kind not in KINDS or reason not in REASONS or not subject:
            raise ValueError(f"access record {kind}/{reason}")
        _writer_for(self._store).put(
            {
                "at": now_vn(),
                "actor": self.actor[:64],
                "subject_kind": kind,
                "subject": subject[:80],
                "screen": screen[:40],
                "reason": reason,
            }
        )

    def flush(self, timeout: float = 5.0) -> bool:
        """Waits until every queued record is written; False when `timeout` passed first."""
        return _writer_for(self._store).flush(timeout)


class _Writer:
    """One thread per open store: writes what was queued, many records a transaction."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        threading.Thread(target=self._run, name="access-log", daemon=True).start()

    def put(self, values: dict[str, Any]) -> None:
        with self._idle:
            self._pending += 1
        self._queue.put(values)

    def flush(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._write(batch)
            except Exception:
                log.exception("could not write %d access records", len(batch))
            with self._idle:
                self._pending -= len(batch)
                self._idle.notify_all()

    def _write(self, batch: list[dict[str, Any]]) -> None:
        with self._store.writes.begin() as session:
            for values in batch:
                session.add(AccessRecord(**values))
                append_mutation(
                    session,
                    entity=ENTITY,
                    entity_id=str(uuid.uuid4()),
                    op="create",
                    payload={**values, "at": values["at"].isoformat()},
                )


_writers: dict[int, _Writer] = {}
_writers_lock = threading.Lock()


def _writer_for(store: LocalStore) -> _Writer:
    with _writers_lock:
        writer = _writers.get(id(store))
        if writer is None or writer._store is not store:
            writer = _writers[id(store)] = _Writer(store)
        return writer


@atexit.register
def flush_all(timeout: float = FLUSH_AT_EXIT_S) -> None:
    """Before a store closes (the desk's exit, a command's end): every queued record written."""
    for writer in list(_writers.values()):
        writer.flush(timeout)
