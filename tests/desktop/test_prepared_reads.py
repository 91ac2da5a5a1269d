"""Hot reads of the store: LIMITs written as numbers, and statements run on the driver's cursor typed as
SQLAlchemy would have them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import StatementError

from desktop.domain.clock import VN_TZ
from desktop.domain.ticket import TicketDraft
from desktop.services.tickets.caller_history import CallerHistoryService
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.store.local import LocalStore
from desktop.store.prepared import PreparedRead

START = datetime(2026, 10, 1, 8, 0, tzinfo=VN_TZ)


@pytest.fixture
def twelve_tickets(ticket_service: TicketService) -> None:
    for n in range(12):
        ticket_service.create(
            TicketDraft(content=f"Hỏi thủ tục {n}", phone="0912345678", received_at=START + timedelta(days=n))
        )


def executed_statements(store: LocalStore) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", remember)
    return seen


def test_a_limit_reaches_sqlite_as_a_number_not_a_parameter(store: LocalStore, twelve_tickets: None) -> None:
    # SQLCipher's SQLite (3.53) plans with a bound LIMIT's value: binding one expires the prepared
    # statement, so each execution would prepare it again.
    seen = executed_statements(store)
    page = TicketQuery(store).page(TicketFilter(), limit=7)
    assert len(page.rows) == 7
    listed = [(sql, parameters) for sql, parameters in seen if "FROM tickets" in sql and "LIMIT" in sql]
    assert listed, seen
    sql, parameters = listed[-1]
    assert "LIMIT 7 OFFSET" in sql and 7 not in tuple(parameters)


def test_a_limit_from_a_parameter_is_an_integer_or_refused(store: LocalStore, twelve_tickets: None) -> None:
    query = select(models.Ticket.code).order_by(models.Ticket.pk).limit(bindparam("n"))
    with store.engine.connect() as connection:
        assert len(connection.execute(query, {"n": 3}).all()) == 3
        assert len(connection.execute(query, {"n": 5}).all()) == 5
        assert len(connection.execute(query.offset(10), {"n": 5}).all()) == 2
        with pytest.raises(StatementError):
            connection.execute(query, {"n": "1; DROP TABLE tickets"})


def test_a_prepared_read_returns_what_sqlalchemy_returns_with_typed_values(
    store: LocalStore, twelve_tickets: None
) -> None:
    statement = (
        select(models.Ticket.code, models.Ticket.received_at, models.Ticket.deadline, models.Ticket.level)
        .where(models.Ticket.phone == bindparam("phone"))
        .where(models.Ticket.received_at >= START + timedelta(days=3))
        .order_by(models.Ticket.received_at.desc())
        .limit(bindparam("n"))
    )
    with store.engine.connect() as connection:
        expected = [tuple(row) for row in connection.execute(statement, {"phone": "+84912345678", "n": 4})]
    prepared = PreparedRead(statement, store.engine.dialect, ["phone"], {"n": 4})
    assert "LIMIT 4" in prepared.sql
    connection = store.engine.raw_connection()
    try:
        rows = prepared.rows(connection.cursor(), phone="+84912345678")
    finally:
        connection.close()
    assert rows == expected and len(rows) == 4
    assert isinstance(rows[0][1], datetime) and rows[0][1] == START + timedelta(days=11)
    assert all(isinstance(row[2], date) for row in rows)  # deadlines: IsoDate, a day again


def test_one_history_service_answers_each_limit_it_is_asked(store: LocalStore, twelve_tickets: None) -> None:
    history = CallerHistoryService(store)
    assert len(history.lookup("0912345678", ticket_limit=4).tickets) == 4
    assert len(history.lookup("0912345678").tickets) == 10
    assert len(history.lookup("0912345678", ticket_limit=20).tickets) == 12
    assert history.lookup("0912345678", ticket_limit=4).total_tickets == 12
