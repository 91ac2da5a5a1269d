"""Fixtures of the report tests: a store (tests/desktop/conftest.py) filled with a hand-counted November."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop.domain.clock import VN_TZ
from desktop.domain.codes import (
    CallDirection,
    CallOutcome,
    Channel,
    DissatisfactionReason,
    Level,
    RequestType,
    Satisfaction,
    TicketStatus,
)
from desktop.domain.ticket import TicketDraft
from desktop.services.catalogs import CatalogService
from desktop.services.phone.calls import CallLog
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore

NOW = datetime(2021, 12, 5, 9, 0, tzinfo=VN_TZ)


def vn(day: int, hour: int = 9, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
    return datetime(2021, month, day, hour, minute, second, tzinfo=VN_TZ)


def _draft(received: datetime, channel: Channel, kind: RequestType, level: Level, unit: str | None,
           status: TicketStatus = TicketStatus.RESOLVED, satisfaction: Satisfaction = Satisfaction.NOT_RATED,
           reason: DissatisfactionReason | None = None, tthc: bool = False) -> TicketDraft:  # fmt: skip
    return TicketDraft(
        content="Hỏi thủ tục cấp lại căn cước công dân.",
        phone="0912345678",
        citizen_name="Trần Thị Mai",
        channel=channel,
        request_type=kind,
        level=level,
        unit_code=unit,
        is_tthc=tthc,
        tthc_code="1.000178" if tthc else "",
        answer="Đã hướng dẫn." if status is TicketStatus.RESOLVED else "",
        status=status,
        satisfaction=satisfaction,
        dissatisfaction_reason=reason,
        received_at=received,
    )


@pytest.fixture
def november(store: LocalStore) -> LocalStore:
    """Eight tickets and eight calls of 2021-11 (hand-counted in test_report_engine.py), four just outside.

    `ubnd-huyen-cao-lanh` is merged into `ubnd-tp-cao-lanh` after its two tickets; `so-y-te` is renamed.
    """
    tickets = TicketService(store, operator="dtv-lan", clock=lambda: NOW)
    S, R, P = Satisfaction, RequestType, TicketStatus.IN_PROGRESS
    for draft in [
        _draft(vn(1, 0), Channel.PHONE, R.INFORMATION, Level.ONE, None, satisfaction=S.SATISFIED),
        _draft(datetime(2021, 10, 31, 17, 0, tzinfo=UTC), Channel.ZALO, R.INFORMATION, Level.ONE, None,
               satisfaction=S.NO_RESPONSE),
        _draft(vn(30, 23, 59, 59), Channel.EMAIL, R.FEEDBACK, Level.TWO, "cong-an-tinh", status=P),
        _draft(vn(15), Channel.WEBSITE, R.LATE_HANDLING, Level.TWO, "cong-an-tinh", tthc=True,
               satisfaction=S.DISSATISFIED, reason=DissatisfactionReason.UNIT_ANSWER),
        _draft(vn(16), Channel.FACEBOOK, R.ATTITUDE, Level.THREE, "ubnd-huyen-cao-lanh", tthc=True,
               satisfaction=S.SATISFIED),
        _draft(vn(17), Channel.PHONE, R.COMPLAINT, Level.TWO, "ubnd-huyen-cao-lanh", status=P, tthc=True),
        # outside the period: a second before it, and the first moment after it (given in UTC)
        _draft(vn(31, 23, 59, 59, month=10), Channel.PHONE, R.FEEDBACK, Level.TWO, "cong-an-tinh"),
        _draft(datetime(2021, 11, 30, 17, 0, tzinfo=UTC), Channel.PHONE, R.LATE_HANDLING, Level.TWO,
               "cong-an-tinh", status=P),
    ]:  # fmt: skip
        tickets.create(draft)
    catalogs = CatalogService(store)
    catalogs.merge_unit("ubnd-huyen-cao-lanh", "ubnd-tp-cao-lanh")
    for draft in [
        _draft(vn(20), Channel.APP_MOBILE, R.SUGGESTION, Level.FOUR, "ubnd-tp-cao-lanh",
               satisfaction=S.DISSATISFIED, reason=DissatisfactionReason.POLICY),
        _draft(vn(21), Channel.PHONE, R.OTHER, Level.TWO, "so-y-te"),
    ]:  # fmt: skip
        tickets.create(draft)
    catalogs.rename_unit("so-y-te", "Sở Y tế tỉnh Đồng Tháp")

    calls = CallLog(store, operator="dtv-lan", clock=lambda: NOW)
    In, Out, Outcome = CallDirection.INBOUND, CallDirection.OUTBOUND, CallOutcome
    for at, direction, outcome in [
        (vn(2), In, Outcome.ANSWERED),
        (vn(3), In, Outcome.MISSED),
        (vn(30, 23, 59, 59), In, Outcome.ABANDONED),
        (vn(4), In, Outcome.BUSY),
        (vn(5), Out, Outcome.ANSWERED),
        (vn(6), Out, Outcome.FAILED),
        (vn(10), In, None),  # still ringing when the report runs
        (vn(1, 0, month=12), In, Outcome.ANSWERED),  # outside
        (datetime(2021, 10, 31, 16, 59, 59, tzinfo=UTC), In, Outcome.MISSED),  # outside: 23:59:59 in Vietnam
    ]:
        call_id = calls.started("0912345678", direction, at=at)
        if outcome is not None:
            calls.finished(call_id, outcome, ended_at=at + timedelta(minutes=2))
    return store
