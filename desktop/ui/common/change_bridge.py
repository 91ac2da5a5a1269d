"""The one bridge that carries the desk's change event onto the GUI thread, where the screens hear it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from desktop.changes import ChangeHub, OpChanges
from desktop.desk import Desk


class ChangeBridge(QObject):
    """Listens to `Desk.changes` (any thread) and republishes each event on `screens`, on the thread that
    owns the bridge (the GUI thread): at once when published there, queued in order from any other."""

    arrived = Signal(object)

    def __init__(self, desk: Desk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.screens = ChangeHub()
        self.arrived.connect(self._deliver)  # auto: direct on the GUI thread, queued from a worker
        unsubscribe = desk.changes.subscribe(self.arrived.emit)
        self.destroyed.connect(lambda *_: unsubscribe())

    @Slot(object)
    def _deliver(self, changes: OpChanges) -> None:
        self.screens.publish(changes)
