"""The one typed change event: what a unit of work changed (local or pulled), published once per operation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from threading import Lock


class Origin(Enum):
    LOCAL = "local"  # this desk's operator did it (a save, an import, a settled conflict)
    REMOTE = "remote"  # a pulled page applied it


@dataclass(frozen=True)
class OpChanges:
    """In the spirit of Anki's OpChanges: the screens ask it what to refresh instead of being poked."""

    origin: Origin
    tickets: frozenset[str] = frozenset()  # ids of tickets written
    other_tickets: bool = False  # tickets changed whose ids the operation does not know (a settled conflict)
    catalogs: bool = False  # units, procedures, request types: open forms reload their choices
    kb: bool = False  # knowledge-base entries
    conflicts: bool = False  # the conflict list
    outbox: bool = False  # this desk has new mutations to push (the sync engine wakes)
    calls: bool = False  # the call log (a call logged, finished or wrapped up)
    callbacks: bool = False  # the callback queue (a missed call queued, an attempt, a new date)
    callers: frozenset[str] = frozenset()  # stored numbers whose history changed (kept in memory only)
    every_caller: bool = False  # any caller's history may have changed, numbers not listed (an import)

    @property
    def touches_tickets(self) -> bool:
        return bool(self.tickets) or self.other_tickets

    def touches_caller(self, number: str) -> bool:
        """Whether the history of the caller with this stored number may have changed."""
        return self.every_caller or number in self.callers

    @classmethod
    def ticket_saved(cls, ticket_id: str) -> OpChanges:
        return cls(Origin.LOCAL, tickets=frozenset({ticket_id}), outbox=True)

    @classmethod
    def conflict_settled(cls) -> OpChanges:
        return cls(Origin.LOCAL, other_tickets=True, conflicts=True, outbox=True)

    @classmethod
    def call_logged(cls, number: str) -> OpChanges:
        """A call ended and its rows are written: the log, the caller's history, a missed call's callback."""
        return cls(
            Origin.LOCAL, calls=True, callbacks=True, callers=frozenset({number}) if number else frozenset()
        )

    @classmethod
    def tickets_imported(cls) -> OpChanges:
        """A file of tickets imported in one transaction: too many ids and numbers to list."""
        return cls(Origin.LOCAL, other_tickets=True, outbox=True, every_caller=True)

    @classmethod
    def callbacks_changed(cls) -> OpChanges:
        return cls(Origin.LOCAL, callbacks=True)


Listener = Callable[[OpChanges], None]


class ChangeHub:
    """Qt-free publisher: listeners run in subscription order on the publishing thread
    (the UI carries the event onto the GUI thread before it publishes here)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Returns the call that unsubscribes the listener."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, changes: OpChanges) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(changes)
