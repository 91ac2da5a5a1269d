"""The open desk without its screens: the store, who works, the services and the one change event."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.changes import ChangeHub, OpChanges
from desktop.domain.operator import Operator
from desktop.services.bundle import DeskServices
from desktop.store.local import LocalStore

if TYPE_CHECKING:
    from desktop.services.imports.importer import ImportProgress, ImportReport


class Desk:
    """Qt-free application object. The screens and feature desks get what they need from it, and every
    unit of work publishes ONE `OpChanges` on `changes`, from whatever thread did it; the UI subscribes
    one bridge (`ui/common/change_bridge.py`) that carries the event onto the GUI thread."""

    def __init__(self, services: DeskServices, store: LocalStore | None = None) -> None:
        self.services = services
        self.store = store  # None: a desk over services without a store of their own (tests' fakes)
        self.changes = ChangeHub()

    @classmethod
    def open(cls, store: LocalStore, operator: str | Operator, page_size: int = 200) -> Desk:
        """The desk of an open store, its services built over it (cheap: nothing is read yet)."""
        return cls(DeskServices.for_store(store, operator, page_size), store)

    @property
    def operator(self) -> Operator:
        """Who is working, shared by every service (renamed live)."""
        return self.services.operator

    def publish(self, changes: OpChanges) -> None:
        """Tells every listener what a unit of work changed; any thread may call it."""
        self.changes.publish(changes)

    # -- units of work that publish their own change ---------------------------------------------------
    @property
    def can_import(self) -> bool:
        return self.services.import_tickets is not None

    def import_tickets(
        self,
        path: Path,
        progress: Callable[[ImportProgress], None],
        stop_requested: Callable[[], bool],
    ) -> ImportReport:
        """Imports a CSV file of tickets, all or nothing (a worker thread: it holds the store's write lock),
        then publishes ONE `OpChanges.tickets_imported()` when it imported something."""
        importer = self.services.import_tickets
        if importer is None:
            raise RuntimeError("this desk has no importer")
        report = importer(path, progress, stop_requested)
        if report.imported:
            self.publish(OpChanges.tickets_imported())
        return report
