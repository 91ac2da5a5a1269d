"""`GET /api/v1/reports` (the province's report, with the on-time tables per unit and per area; as JSON, an
Excel workbook or a Word bulletin) and `/reports/units-on-time` (each unit's answers against their
deadlines) for a period, for supervisors and administrators."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response, status

from reports import Period
from reports.files import write_report_file
from server.api.deps import Db, Rt, Supervisor
from server.services.forwarding import VN
from server.services.reports import report_for
from server.services.unit_timeliness import timeliness

FILE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

router = APIRouter(prefix="/api/v1")

MAX_DAYS = 366 * 20  # a period longer than this is a typing mistake, not a report anyone publishes
FIRST_YEAR, LAST_YEAR = 1990, 2999


@router.get(
    "/reports",
    responses={
        200: {"description": "issue #7's report JSON: period, totals, calls, channels, units, "
              "attitude_late, satisfaction; and on_time (per unit) and areas (per area of the citizen's "
              "address) for the forwardings made in the period; format=xlsx or docx: the file"},
        422: {"description": "dates missing, malformed or in the wrong order"},
    },
)  # fmt: skip
def report(
    _: Supervisor,
    rt: Rt,
    first: Annotated[str, Query(alias="from", max_length=20, description="first reception day, YYYY-MM-DD")],
    last: Annotated[str, Query(alias="to", max_length=20, description="last reception day (inclusive)")],
    kind: Annotated[Literal["json", "xlsx", "docx"], Query(alias="format")] = "json",
) -> Any:
    period = _period(first, last)
    engine = rt.sessions.kw["bind"]
    with engine.connect() as connection:
        made = report_for(connection, period, datetime.now(VN).date())
    if kind == "json":
        return dict(made)
    with tempfile.TemporaryDirectory(prefix="bao-cao-") as folder:
        out = Path(folder) / f"bao-cao.{kind}"
        write_report_file(made, kind, out)  # the one writer of report files, as on the desk
        content = out.read_bytes()
    name = f"bao-cao-1022-{period.first:%Y%m%d}-{period.last:%Y%m%d}.{kind}"
    return Response(
        content,
        media_type=FILE_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


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
