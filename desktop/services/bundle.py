"""The services of one open store, bundled once: what the screens need from the core (small protocols)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from desktop.domain.codes import Level
from desktop.domain.kb import KbHit, Procedure, QaEntry
from desktop.domain.operator import Operator, operator_of
from desktop.domain.ticket import CallerHistory, Citizen, Ticket, TicketDraft
from desktop.domain.workdays import WorkCalendar
from desktop.services.catalogs import CatalogItem
from desktop.services.tickets.query import Page, PageKey, TicketFilter, TicketOrder
from desktop.store.cipher import StoreKey
from desktop.store.local import LocalStore

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.services.imports.importer import ImportProgress, ImportReport
    from desktop.services.supervisor.dashboard import SupervisorServices
    from desktop.services.tickets.life import LifeStep


class TicketWriter(Protocol):
    """The part of TicketService the form uses (a fake in tests)."""

    def deadline_for(self, received: date, level: Level) -> date: ...
    def create(self, draft: TicketDraft) -> Ticket: ...
    def update(self, ticket_id: str, draft: TicketDraft, expected_version: int) -> Ticket: ...
    def get(self, ticket_id: str) -> Ticket: ...
    def open(self, ticket_id: str, *, screen: str = "ticket_form") -> Ticket: ...


class TicketImporter(Protocol):
    """Imports a CSV file of tickets into the store, all or nothing; runs on a worker thread."""

    def __call__(
        self,
        path: Path,
        progress: Callable[[ImportProgress], None],
        stop_requested: Callable[[], bool],
    ) -> ImportReport: ...


class TicketReader(Protocol):
    def count(self, spec: TicketFilter) -> int: ...
    def page(
        self,
        spec: TicketFilter,
        after: PageKey | None = None,
        limit: int = 200,
        order: TicketOrder = TicketOrder.NEWEST,
    ) -> Page: ...


class HistoryReader(Protocol):
    def lookup(self, phone: str, *, ticket_limit: int = 10, call_limit: int = 10) -> CallerHistory: ...
    def callers_starting_with(self, typed: str, limit: int = 8) -> list[Citizen]: ...


class CatalogReader(Protocol):
    def units(self, *, include_retired: bool = False) -> list[CatalogItem]: ...
    def fields(self) -> list[CatalogItem]: ...
    def deadline_days(self) -> dict[int, int]: ...
    def work_calendar(self) -> WorkCalendar: ...


class KnowledgeReader(Protocol):
    """The part of KnowledgeBase the procedures panel uses; every call runs on a worker thread."""

    def warm_up(self) -> object: ...
    def invalidate(self) -> None: ...
    def search(self, query: str, limit: int = 10) -> list[KbHit]: ...
    def get(self, code: str, province: str = "") -> Procedure | None: ...
    def get_qa(self, qa_id: str) -> QaEntry | None: ...
    def describe(self, codes: Iterable[str]) -> dict[str, tuple[str, str]]: ...


@dataclass
class DeskServices:
    """The services of one open store; `make_tickets` reads catalogs, so call it on a worker thread."""

    operator: Operator  # shared by every service: File ▸ Operator name… or a sign-in renames it live
    query: TicketReader
    history: HistoryReader
    catalogs: CatalogReader
    make_tickets: Callable[[], TicketWriter]
    page_size: int = 200
    knowledge_base: KnowledgeReader | None = None
    supervisor: SupervisorServices | None = None  # dashboard and surveys (issue #7)
    store_key: StoreKey | None = field(default=None, repr=False)  # the support bundle counts rows with it
    import_tickets: TicketImporter | None = None  # File ▸ Import tickets from a CSV file…
    life: Callable[[str], list[LifeStep]] | None = None  # Ticket ▸ Ticket's history… (a ticket's steps)

    @classmethod
    def for_store(cls, store: LocalStore, operator: str | Operator, page_size: int = 200) -> DeskServices:
        from desktop.services.access_log import AccessLog
        from desktop.services.catalogs import CatalogService
        from desktop.services.kb import KnowledgeBase
        from desktop.services.supervisor.dashboard import SupervisorServices
        from desktop.services.tickets.caller_history import CallerHistoryService
        from desktop.services.tickets.life import TicketLife
        from desktop.services.tickets.query import TicketQuery
        from desktop.services.tickets.service import TicketService

        operator = operator_of(operator)

        def make_tickets() -> Any:
            """Runs on a worker thread: TicketService reads the level rules and holidays."""
            return TicketService(store, operator)

        def import_tickets(
            path: Path, progress: Callable[[ImportProgress], None], stop_requested: Callable[[], bool]
        ) -> ImportReport:
            from desktop.services.imports.importer import import_tickets_csv

            return import_tickets_csv(
                store, path, operator=operator.name, progress=progress, stop_requested=stop_requested
            )

        return cls(
            operator=operator,
            query=TicketQuery(store, AccessLog(store, operator)),
            history=CallerHistoryService(store, AccessLog(store, operator)),
            catalogs=CatalogService(store),
            make_tickets=make_tickets,
            page_size=page_size,
            knowledge_base=KnowledgeBase(store),  # cheap: the index is built on first search, on a worker
            supervisor=SupervisorServices.for_store(store, operator),
            store_key=store.key,
            import_tickets=import_tickets,
            life=TicketLife(store, AccessLog(store, operator)).steps,
        )
