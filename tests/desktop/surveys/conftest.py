"""Fixtures of the survey and dashboard tests: a settable clock and tickets resolved at known times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import Satisfaction, TicketStatus
from desktop.domain.ticket import Ticket, TicketDraft
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 3, 20, 9, 0, tzinfo=VN_TZ))


@pytest.fixture
def tickets(store: LocalStore, clock: Clock) -> TicketService:
    return TicketService(store, "dtv-lan", clock=clock)


def make_draft(**values: object) -> TicketDraft:
    base: dict[str, object] = {
        "content": "Hỏi thủ tục cấp đổi giấy phép lái xe",
        "phone": "0912 345 678",
        "citizen_name": "Nguyễn Văn An",
    }
    base.update(values)
    return TicketDraft(**base)  # type: ignore[arg-type]


@pytest.fixture
def resolve_at(tickets: TicketService, clock: Clock) -> Callable[..., Ticket]:
    """Creates a ticket resolved at `when` (the clock is put back afterwards)."""

    def make(when: datetime, **values: object) -> Ticket:
        saved = clock.now
        clock.now = when
        try:
            values.setdefault("status", TicketStatus.RESOLVED)
            values.setdefault("answer", "Đã hướng dẫn người dân.")
            values.setdefault("satisfaction", Satisfaction.NOT_RATED)
            values.setdefault("received_at", when)
            return tickets.create(make_draft(**values))
        finally:
            clock.now = saved

    return make
