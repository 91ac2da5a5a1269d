"""Every call reaches the log and the report, whoever calls: withheld, unlisted or foreign numbers.

Through the lab's real Kamailio, sipp callers with no P-Asserted-Identity, offscreen Qt, a real store.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.domain.clock import now_vn
from desktop.domain.codes import CallOutcome
from desktop.domain.phone import HIDDEN_PHONE
from desktop.domain.ticket import TicketDraft
from desktop.services.supervisor.reports import ReportService
from desktop.services.tickets.service import TicketService
from desktop.store import models

SCENARIOS = Path(__file__).with_name("scenarios")
CALLERS = [
    # (From URI, stored number, what the pop-up shows)
    ("anonymous@anonymous.invalid", HIDDEN_PHONE, "Số ẩn"),
    ("0892000111@198.18.0.9", "+84892000111", "0892 000 111"),  # shaped like a mobile, not in phonenumbers
    ("+12025550143@198.18.0.9", "+12025550143", "+1 202-555-0143"),
    ("0912345678;phone-context=+84@198.18.0.9", "+84912345678", "0912 345 678"),  # RFC 3966 local number
    ("1002@198.18.0.9", "1002", "1002"),  # an extension of the switchboard: a colleague, a specialist
]


def keys(from_uri: str) -> list[str]:
    user = from_uri.split("@")[0].split(";")[0]
    return [
        "-s",
        "1022",
        "-key",
        "from",
        from_uri,
        "-key",
        "caller",
        user or "x",
        "-key",
        "display",
        "Nguoi goi",
        "-key",
        "codecs",
        "8 101",
    ]


def row_of(store, log_id: str) -> models.Call:
    with store.sessions() as session:
        row = session.scalar(select(models.Call).where(models.Call.id == log_id))
        assert row is not None, "the call is not in the log"
        return row


@pytest.mark.parametrize(("from_uri", "stored", "shown"), CALLERS)
def test_an_answered_call_is_logged_wrapped_up_and_counted_whatever_the_number(
    qtbot, make_desk, kamailio, sipp, store, caplog, from_uri, stored, shown
):
    desk = make_desk(kamailio, record=False)
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)
    before = ReportService(store).report(now_vn().date(), now_vn().date())["calls"]

    run = sipp.uac(str(SCENARIOS / "uac_from_wait_bye.xml"), kamailio.port, *keys(from_uri))
    popup = desk.phone.popup
    qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=5000)
    assert popup.number_label.text() == shown
    assert popup.ringing.history_error == ""  # the caller's history was read, whatever the number
    log_id = popup.ringing.log_id
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    form = desk.window.form
    qtbot.waitUntil(lambda: form.linked_call_id == log_id, timeout=5000)
    assert form.phone_edit.text() == ("" if stored == HIDDEN_PHONE else shown)
    qtbot.keyClick(desk.window, Qt.Key.Key_F12)  # the operator hangs up
    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=10000)
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_4)  # silent call
    assert run.wait(10) == 0, run.output()
    assert desk.session.flush()
    failures = [r.getMessage() for r in caplog.records if "Không ghi được nhật ký" in r.getMessage()]
    assert failures == []  # nothing told the operator the call log failed

    row = row_of(store, log_id)
    assert (row.phone, row.outcome) == (stored, CallOutcome.ANSWERED.value)
    assert row.answered_at is not None and row.ended_at is not None
    after = ReportService(store).report(now_vn().date(), now_vn().date())["calls"]
    assert after["inbound"] == before["inbound"] + 1


@pytest.mark.parametrize(("from_uri", "stored", "shown"), CALLERS)
def test_an_abandoned_call_is_logged_and_only_a_known_number_is_queued_for_a_callback(
    qtbot, make_desk, kamailio, sipp, store, from_uri, stored, shown
):
    desk = make_desk(kamailio, record=False)
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)
    before = ReportService(store).report(now_vn().date(), now_vn().date())["calls"]

    run = sipp.uac(str(SCENARIOS / "uac_from_cancel.xml"), kamailio.port, *keys(from_uri), "-d", "500")
    popup = desk.phone.popup
    qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=5000)
    log_id = popup.ringing.log_id
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=5000)
    assert run.wait(10) == 0, run.output()
    assert desk.session.flush()

    row = row_of(store, log_id)
    assert (row.phone, row.outcome) == (stored, CallOutcome.ABANDONED.value)
    after = ReportService(store).report(now_vn().date(), now_vn().date())["calls"]
    assert after["inbound"] == before["inbound"] + 1
    assert after["missed"] == before["missed"] + 1
    queued = [item.phone for item in desk.phone.callbacks.items]
    if stored == HIDDEN_PHONE:
        assert HIDDEN_PHONE not in queued  # nobody to call back
    else:
        qtbot.waitUntil(lambda: stored in [item.phone for item in desk.phone.callbacks.items], timeout=5000)


def test_click_to_call_dials_an_unlisted_number_and_logs_and_counts_the_outbound_call(
    qtbot, make_desk, kamailio, sipp, store
):
    ticket = TicketService(store, "kiem.thu").create(
        TicketDraft(content="Hẹn gọi lại báo kết quả", phone="0892000111", citizen_name="Lê Văn Cường")
    )
    desk = make_desk(kamailio, user="1003", record=False)
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)
    before = ReportService(store).report(now_vn().date(), now_vn().date())["calls"]
    trunk = sipp.uas("uas_trunk_bye.xml", kamailio.trunk_port, "-d", "500")
    window, table = desk.window, desk.window.table
    qtbot.waitUntil(lambda: window.model.row_of(ticket.id) >= 0, timeout=5000)
    table.setCurrentIndex(window.model.index(window.model.row_of(ticket.id), 0))
    window.activateWindow()
    table.setFocus()
    qtbot.waitUntil(lambda: table.hasFocus(), timeout=2000)
    qtbot.keyClick(
        table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )

    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=10000)  # the callee hung up
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_Return)
    assert trunk.wait(10) == 0, trunk.output()
    assert desk.session.flush()
    with store.sessions() as session:
        row = session.scalars(select(models.Call).order_by(models.Call.started_at.desc())).first()
    assert row is not None
    assert (row.direction, row.phone, row.ticket_id) == ("ra", "+84892000111", ticket.id)
    assert row.outcome == CallOutcome.ANSWERED.value
    after = ReportService(store).report(now_vn().date(), now_vn().date())["calls"]
    assert after["outbound"] == before["outbound"] + 1
