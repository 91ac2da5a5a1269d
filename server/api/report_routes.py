"""`GET /api/v1/reports` (the province's report) and `/reports/units-on-time` (each unit's answers against
their deadlines) for a period, for supervisors and administrators."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status

from reports import Period
from server.api.deps import Db, Rt, Supervisor
from server.services.forwarding import VN
from server.services.reports import report_for
from server.services.unit_timeliness import timeliness

router = APIRouter(prefix="/api/v1")

MAX_DAYS = 366 * 20  # a period longer than this is a typing mistake, not a report anyone publishes
FIRST_YEAR, LAST_YEAR = 1990, 2999


@router.get(
    "/reports",
    responses={
        200: {"description": "issue #7's report JSON: period, totals, calls, channels, units, "
              "attitude_late, satisfaction"},
        422: {"description": "dates missing, malformed or in the wrong order"},
    },
)  # fmt: skip
def report(
    _: Supervisor,
    rt: Rt,
    first: Annotated[str, Query(alias="from", max_length=20, description="first reception day, YYYY-MM-DD")],
    last: Annotated[str, Query(alias="to", max_length=20, description="last reception day (inclusive)")],
) -> dict[str, Any]:
    period = _period(first, last)
    engine = rt.sessions.kw["bind"]
    with engine.connect() as connection:
        return dict(report_for(connection, period))


@router.get(
    "/reports/units-on-time",
    responses={
        200: {"description": "per unit: forwarded, answered_on_time, answered_late, overdue_now, waiting, "
              "returned, on_time_rate (%), median_working_days; then the total"},
        422: {"description": "dates missing, malformed or in the wrong order"},
    },
)  # fmt: skip
def units_on_time(
    _: Supervisor,
    session: Db,
    first: Annotated[str, Query(alias="from", max_length=20, description="first forwarding day, YYYY-MM-DD")],
    last: Annotated[str, Query(alias="to", max_length=20, description="last forwarding day (inclusive)")],
) -> dict[str, Any]:
    period = _period(first, last)
    with session.begin():
        return timeliness(session, period, datetime.now(VN).date())


def _period(first: str, last: str) -> Period:
    try:
        period = Period.parse(first, last)
    except ValueError as error:  # the message says which date and how to write it, in Vietnamese
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    if period.first.year < FIRST_YEAR or period.last.year > LAST_YEAR:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"Ngày báo cáo phải trong các năm {FIRST_YEAR}-{LAST_YEAR}; hãy kiểm tra lại năm đã nhập.",
        )
    if (period.last - period.first).days > MAX_DAYS:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"Kỳ báo cáo dài quá {MAX_DAYS // 366} năm; hãy kiểm tra lại ngày bắt đầu và ngày kết thúc.",
        )
    return period
