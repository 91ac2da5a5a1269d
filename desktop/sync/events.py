"""What the sync engine tells the screens: its status and the records a pulled page changed (light)."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.changes import OpChanges, Origin
from desktop.sync.state import SyncCounts


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows; `message` is Vietnamese, empty when all is well."""

    online: bool
    counts: SyncCounts
    message: str = ""
    login_needed: bool = False
    upgrade_required: bool = False  # the server refused this desk's protocol (HTTP 426): offer the update


@dataclass
class AppliedPage:
    """What a page changed here, for the screens to refresh."""

    applied: int = 0
    skipped: int = 0
    tickets: list[str] = field(default_factory=list)
    catalogs_changed: bool = False
    kb_changed: bool = False
    conflicts_changed: bool = False
    unapplied: list[tuple[str, str]] = field(default_factory=list)  # (entity, id) this desk could not apply
    erased_recordings: list[str] = field(default_factory=list)  # files of calls of a citizen erased here
    erased: bool = False  # a citizen was erased: the store is compacted after the page commits

    def changes(self) -> OpChanges:
        """The page as the one change event the screens refresh from."""
        return OpChanges(
            Origin.REMOTE,
            tickets=frozenset(self.tickets),
            catalogs=self.catalogs_changed,
            kb=self.kb_changed,
            conflicts=self.conflicts_changed,
        )


@dataclass(frozen=True)
class RemoteChanges:
    """A pulled page changed these records here: the screens showing them refresh."""

    page: AppliedPage


SyncEvent = SyncStatus | RemoteChanges
