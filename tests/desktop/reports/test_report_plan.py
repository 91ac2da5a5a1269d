"""The report's ticket query is answered by its covering index: no ticket row is read."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event

from desktop.services.supervisor.reports import ReportService
from desktop.store.local import LocalStore


def test_the_ticket_counts_scan_the_covering_index_only(store: LocalStore) -> None:
    statements: list[str] = []

    def remember(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "GROUP BY" in statement and "FROM tickets" in statement:
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", remember)
    try:
        ReportService(store).report(date(2021, 1, 1), date(2021, 12, 31))
    finally:
        event.remove(store.engine, "before_cursor_execute", remember)

    [statement] = statements
    with store.engine.connect() as connection:
        plan = " ".join(
            str(row[-1])
            for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, ("2021-01-01T00:00:00+07:00", "2022-01-01T00:00:00+07:00")
            )
        )
    assert "COVERING INDEX ix_tickets_report" in plan, plan
