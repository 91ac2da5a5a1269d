"""Finding tickets and callers: filters, keyset pages, and a caller's history newest first."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from store_keys import open_test_store

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import (
    CallDirection,
    CallOutcome,
    Channel,
    Level,
    RequestType,
    TicketStatus,
)
from desktop.domain.phone import InvalidPhoneNumber
from desktop.domain.ticket import TicketDraft
from desktop.services.phone.calls import CallLog
from desktop.services.tickets.caller_history import CallerHistoryService
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore

START = datetime(2026, 10, 1, 8, 0, tzinfo=VN_TZ)


@pytest.fixture
def day_of_work(ticket_service: TicketService) -> list[str]:
    """Thirty tickets over thirty days from three callers, some of them resolved."""
    ids = []
    for n in range(30):
        draft = TicketDraft(
            content=f"Phản ánh số {n} về đường giao thông" if n % 3 == 0 else f"Hỏi thủ tục {n}",
            phone=("0912345678", "0987654321", "0277 3851 234")[n % 3],
            channel=Channel.ZALO if n % 5 == 0 else Channel.PHONE,
            request_type=RequestType.FEEDBACK if n % 3 == 0 else RequestType.INFORMATION,
            level=Level.TWO if n % 4 == 0 else Level.ONE,
            unit_code="so-giao-thong-van-tai" if n % 4 == 0 else None,
            status=TicketStatus.RESOLVED if n % 2 else TicketStatus.IN_PROGRESS,
            answer="Đã trả lời" if n % 2 else "",
            received_at=START + timedelta(days=n),
        )
        ids.append(ticket_service.create(draft).id)
    return ids


def test_each_filter_narrows_the_list(store: LocalStore, day_of_work: list[str]) -> None:
    query = TicketQuery(store)
    assert query.count(TicketFilter()) == 30
    assert query.count(TicketFilter(statuses=frozenset({TicketStatus.IN_PROGRESS}))) == 15
    assert query.count(TicketFilter(unit_codes=frozenset({"so-giao-thong-van-tai"}))) == 8
    assert query.count(TicketFilter(request_types=frozenset({RequestType.FEEDBACK}))) == 10
    assert query.count(TicketFilter(levels=frozenset({Level.TWO}))) == 8
    assert query.count(TicketFilter(channels=frozenset({Channel.ZALO}))) == 6
    assert query.count(TicketFilter(text="duong giao thong")) == 10
    october_first_week = TicketFilter(received_from=date(2026, 10, 1), received_to=date(2026, 10, 7))
    assert query.count(october_first_week) == 7
    combined = TicketFilter(
        statuses=frozenset({TicketStatus.IN_PROGRESS}), levels=frozenset({Level.TWO}), text="phan anh"
    )
    assert query.count(combined) == len(query.page(combined).rows) == 3


def test_pages_follow_each_other_newest_first_without_gaps_or_repeats(
    store: LocalStore, day_of_work: list[str], ticket_service: TicketService
) -> None:
    for _ in range(5):  # same timestamp: the key must still order them
        ticket_service.create(TicketDraft(content="Cùng giờ", phone="0912345678", received_at=START))
    query = TicketQuery(store)
    seen: list[datetime] = []
    codes: list[str] = []
    page = query.page(TicketFilter(), limit=7)
    while True:
        seen += [row.received_at for row in page.rows]
        codes += [row.code for row in page.rows]
        if page.next_key is None:
            break
        page = query.page(TicketFilter(), after=page.next_key, limit=7)
    assert len(codes) == len(set(codes)) == 35
    assert seen == sorted(seen, reverse=True)


def test_everything_is_found_again_after_a_restart(data_dir: Path, day_of_work: list[str]) -> None:
    reopened = open_test_store(data_dir)
    assert TicketQuery(reopened).count(TicketFilter()) == 30
    assert CallerHistoryService(reopened).lookup("0912345678").total_tickets == 10
    reopened.close()


def test_a_callers_history_is_newest_first_with_counts_and_calls(
    store: LocalStore, day_of_work: list[str]
) -> None:
    calls = CallLog(store, "dtv-lan")
    missed = calls.started("0912 345 678", CallDirection.INBOUND, at=START + timedelta(days=40))
    calls.finished(missed, CallOutcome.ABANDONED)
    answered = calls.started("0912345678", CallDirection.INBOUND, at=START + timedelta(days=41))
    calls.finished(answered, CallOutcome.ANSWERED, ticket_id=day_of_work[0])

    history = CallerHistoryService(store).lookup("+84 912 345 678", ticket_limit=4)

    assert history.phone == "+84912345678"
    assert history.total_tickets == 10 and history.open_tickets == 5
    assert [t.received_at.day for t in history.tickets] == [28, 25, 22, 19]  # days 27, 24, 21, 18
    assert [c.outcome for c in history.calls] == [CallOutcome.ANSWERED, CallOutcome.ABANDONED]
    assert history.calls[0].ticket_code is not None
    assert history.is_repeat_caller


def test_an_unknown_number_has_an_empty_history(store: LocalStore) -> None:
    history = CallerHistoryService(store).lookup("0909000111")
    assert history.citizen is None and history.tickets == [] and not history.is_repeat_caller


def test_garbage_numbers_are_refused(store: LocalStore) -> None:
    with pytest.raises(InvalidPhoneNumber):
        CallerHistoryService(store).lookup("không phải số")


def test_known_callers_are_suggested_while_the_number_is_typed(
    store: LocalStore, day_of_work: list[str]
) -> None:
    service = CallerHistoryService(store)
    assert [c.phone for c in service.callers_starting_with("09")] == []  # too short to mean anything
    assert [c.phone for c in service.callers_starting_with("0912 3")] == ["+84912345678"]
    assert [c.phone for c in service.callers_starting_with("098")] == ["+84987654321"]
    assert service.callers_starting_with("0911") == []


@pytest.mark.parametrize(
    ("phone", "typed"),
    [
        ("0892000111", "0892 000"),  # possible for Vietnam, not listed by phonenumbers: stored unverified
        ("0895987864", "+84895987"),
        ("+1 202 555 0143", "+1202555"),  # foreign
        ("1022", "1022"),  # a short code
    ],
)
def test_search_and_suggestions_find_every_kind_of_number_by_its_beginning(
    store: LocalStore, ticket_service: TicketService, phone: str, typed: str
) -> None:
    ticket_service.create(
        TicketDraft(content="Hỏi lịch tiếp công dân", phone=phone, citizen_name="Người gọi")
    )
    ticket_service.create(TicketDraft(content="Người khác", phone="0987654321", citizen_name="Người khác"))

    found = TicketQuery(store).page(TicketFilter(text=typed)).rows
    assert [row.content for row in found] == ["Hỏi lịch tiếp công dân"]
    suggested = CallerHistoryService(store).callers_starting_with(typed)
    assert [citizen.name for citizen in suggested] == ["Người gọi"]
    assert CallerHistoryService(store).lookup(phone).total_tickets == 1
