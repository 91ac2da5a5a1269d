"""The phone inside the desk against the real lab: Kamailio and sipp, offscreen Qt, a real migrated store."""

from __future__ import annotations

import io
import struct
import wave
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import select

from desktop.domain.clock import now_vn
from desktop.domain.codes import CallDirection, CallOutcome, Level, Satisfaction, TicketStatus
from desktop.domain.ticket import TicketDraft
from desktop.services.phone.calls import CallLog
from desktop.services.phone.codes import AttemptOutcome, CallbackKind, CallbackStatus, Disposition
from desktop.services.phone.recording_vault import RecordingKey, decrypted_wav
from desktop.services.phone.recordings import recording_of, wrap_up_of
from desktop.services.tickets.service import TicketService
from desktop.store import models
from desktop.store.access_models import AccessRecord
from desktop.telephony.g711 import decode
from desktop.telephony.rtp import parse_rtp

CITIZEN = "0912345678"
CITIZEN_E164 = "+84912345678"
NAME = "Nguyễn Văn An"
PCAP = Path("/usr/share/sip-tester/g711a.pcap")
SCENARIOS = Path(__file__).with_name("scenarios")  # the phone desk's own sipp scenarios


def caller_keys(number: str = CITIZEN) -> list[str]:
    return [
        "-s",
        "1022",
        "-key",
        "caller",
        number,
        "-key",
        "display",
        "A",
        "-key",
        "pai",
        number,
        "-key",
        "codecs",
        "8 101",
    ]


def seed_history(store) -> dict[str, str]:
    """Two earlier tickets (one rated), an earlier missed call, and an unrelated caller."""
    tickets = TicketService(store, "kiem.thu")
    now = now_vn()
    rated = tickets.create(
        TicketDraft(
            content="Hỏi thủ tục đổi giấy phép lái xe",
            phone=CITIZEN,
            citizen_name=NAME,
            status=TicketStatus.RESOLVED,
            answer="Nộp tại Sở GTVT",
            satisfaction=Satisfaction.SATISFIED,
            received_at=now - timedelta(days=20),
        )
    )
    open_ticket = tickets.create(
        TicketDraft(
            content="Phản ánh đèn đường hư",
            phone=CITIZEN,
            citizen_name=NAME,
            level=Level.TWO,
            unit_code="ubnd-huyen-tan-hong",
            received_at=now - timedelta(days=2),
        )
    )
    tickets.create(TicketDraft(content="Người khác", phone="0987654321", citizen_name="Trần Thị Bích"))
    calls = CallLog(store, "dtv-lan")
    earlier = calls.started(CITIZEN, CallDirection.INBOUND, at=now - timedelta(days=2, minutes=5))
    calls.finished(earlier, CallOutcome.MISSED, ended_at=now - timedelta(days=2, minutes=4))
    return {"rated": rated.code, "open": open_ticket.code}


def registered(qtbot, desk) -> None:
    qtbot.waitUntil(lambda: desk.window.sip_label.property("registration") == "ok", timeout=8000)


def call_rows(store):
    with store.sessions() as session:
        return session.scalars(select(models.Call).order_by(models.Call.started_at)).all()


def test_a_citizen_calls_the_popup_shows_their_history_answered_by_key_recorded_and_logged(
    qtbot, make_desk, kamailio, sipp, store, tmp_path
):
    codes = seed_history(store)
    desk = make_desk(kamailio)
    registered(qtbot, desk)

    run = sipp.uac("uac_hotline_audio.xml", kamailio.port, *caller_keys())
    popup = desk.phone.popup
    qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=5000)
    assert popup.number_label.text() == "0912 345 678"
    assert popup.name_label.text() == NAME
    assert popup.repeat_label.property("repeat") is True
    assert popup.history_rows() == {"tickets": 2, "calls": 1, "satisfaction": 1}
    assert [popup.tickets_view.topLevelItem(i).text(0) for i in range(2)] == [codes["open"], codes["rated"]]
    assert popup.tickets_view.topLevelItem(0).text(2) == TicketStatus.IN_PROGRESS.label
    assert popup.tickets_view.topLevelItem(0).text(3) != ""  # the unit's name
    assert popup.satisfaction_view.topLevelItem(0).text(1) == Satisfaction.SATISFIED.label
    assert popup.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    log_id = popup.ringing.log_id
    desk.session.flush()
    ringing_row = call_rows(store)[-1]
    assert (ringing_row.id, ringing_row.outcome, ringing_row.phone) == (
        log_id,
        CallOutcome.RINGING.value,
        CITIZEN_E164,
    )
    ringer = desk.phone.ringer
    assert ringer.ringing and popup.silent_label.isVisibleTo(popup) == (not ringer.audible)
    popup.grab().save("/tmp/phone_popup.png")

    qtbot.keyClick(popup, Qt.Key.Key_Return)  # answer from the keyboard

    form = desk.window.form
    qtbot.waitUntil(lambda: form.linked_call_id == log_id, timeout=5000)
    assert form.phone_edit.text() == "0912 345 678"
    assert form.name_edit.text() == NAME
    assert not popup.isVisible()
    qtbot.waitUntil(lambda: desk.phone.controls.isVisible(), timeout=2000)
    assert not ringer.ringing and desk.phone.audio.active
    controls = desk.phone.controls
    assert controls.audio_label.isVisibleTo(controls) == bool(desk.phone.audio.problem)
    desk.window.grab().save("/tmp/phone_in_call.png")

    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=10000)  # sipp's BYE
    dialog = desk.phone.wrap_up_dialog
    assert dialog.selected() is Disposition.INFORMATION_GIVEN
    dialog.grab().save("/tmp/phone_wrapup.png")
    qtbot.keyClick(dialog, Qt.Key.Key_2)
    assert run.wait(10) == 0, run.output()
    assert desk.session.flush()

    row = call_rows(store)[-1]
    assert row.id == log_id
    assert (row.direction, row.outcome, row.operator) == ("vao", CallOutcome.ANSWERED.value, "kiem.thu")
    assert row.citizen_id is not None and row.sip_call_id
    assert row.started_at <= row.answered_at <= row.ended_at
    assert wrap_up_of(store, log_id) is Disposition.INFORMATION_GIVEN
    recording = recording_of(store, log_id)
    assert recording is not None and recording.exists()
    key = RecordingKey(desk.keyring).existing()
    assert key is not None and b"RIFF" not in recording.read_bytes()  # sealed at rest, no WAV in the clear
    with wave.open(io.BytesIO(decrypted_wav(recording, key)), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 8000)
        heard = wav.readframes(wav.getnframes())
    played = b"".join(decode(payload, "alaw") for payload in pcap_rtp_payloads(PCAP))
    assert len(heard) >= 8000 * 2  # at least 1 s of the 1.5 s played
    assert heard == played[: len(heard)]  # sipp's audio, sample for sample, in the WAV
    assert dominant_frequency(heard[:3200]) == dominant_frequency(played[:3200])
    headset = desk.phone.audio  # the same frames went to the headset's ring (its newest 300 ms are kept)
    assert not headset.active
    queued = headset.playback.contents()
    assert 0 < headset.playback.received <= len(heard) and len(queued) > 0
    assert headset.played + len(queued) + headset.playback.dropped == headset.playback.received
    assert queued == heard[len(heard) - len(queued) :]


def pcap_rtp_payloads(path: Path) -> list[bytes]:
    """The RTP payloads of a libpcap file of Ethernet/IPv4/UDP/RTP packets, in file order."""
    data = path.read_bytes()
    payloads, offset = [], 24
    while offset < len(data):
        included = struct.unpack_from("<I", data, offset + 8)[0]
        frame = data[offset + 16 : offset + 16 + included]
        offset += 16 + included
        udp = 14 + (frame[14] & 0x0F) * 4
        packet = parse_rtp(frame[udp + 8 :])
        assert packet is not None
        payloads.append(packet.payload)
    return payloads


def dominant_frequency(pcm: bytes) -> int:
    """The strongest of 100..3500 Hz in 25 Hz steps (Goertzel)."""
    import math

    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm)
    best, best_power = 0, -1.0
    for frequency in range(100, 3500, 25):
        coefficient = 2 * math.cos(2 * math.pi * frequency / 8000)
        s1 = s2 = 0.0
        for value in samples:
            s1, s2 = value + coefficient * s1 - s2, s1
        power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        if power > best_power:
            best, best_power = frequency, power
    return best


def test_an_abandoned_call_lands_in_the_callback_queue(qtbot, make_desk, kamailio, sipp, store):
    desk = make_desk(kamailio, record=False)
    registered(qtbot, desk)

    run = sipp.uac("uac_hotline_cancel.xml", kamailio.port, *caller_keys("0901234567"), "-d", "500")
    popup = desk.phone.popup
    qtbot.waitUntil(lambda: popup.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=5000)  # the caller gave up
    assert run.wait(10) == 0, run.output()
    assert desk.session.flush()

    row = call_rows(store)[-1]
    assert (row.phone, row.outcome) == ("+84901234567", CallOutcome.ABANDONED.value)
    assert row.answered_at is None and row.ended_at is not None
    panel = desk.phone.callbacks
    qtbot.waitUntil(lambda: any(item.phone == "+84901234567" for item in panel.items), timeout=5000)
    item = next(item for item in panel.items if item.phone == "+84901234567")
    assert (item.kind, item.call_id, item.attempts) == (CallbackKind.ABANDONED, row.id, 0)
    assert desk.phone.wrap_up_dialog is None  # nothing to wrap up: the outcome accounts for it
    desk.window.side_tabs.setCurrentWidget(panel)
    desk.window.grab().save("/tmp/phone_callbacks.png")


def test_a_callback_to_a_sipp_callee_is_answered_and_logged(qtbot, make_desk, kamailio, sipp, store):
    desk = make_desk(kamailio, user="1003", record=False)
    registered(qtbot, desk)
    callback_id = desk.session.callbacks.enqueue(CallbackKind.MISSED, "0907654321")
    trunk = sipp.uas("uas_trunk_bye.xml", kamailio.trunk_port, "-d", "800")
    panel = desk.phone.callbacks
    panel.reload()
    qtbot.waitUntil(lambda: panel.current() is not None and panel.current().id == callback_id, timeout=5000)

    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)  # call back from the queue

    controls = desk.phone.controls
    qtbot.waitUntil(lambda: controls.isVisible() and controls.keypad.isEnabled(), timeout=5000)
    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=10000)  # the callee hung up
    assert trunk.wait(10) == 0, trunk.output()
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_Return)
    assert desk.session.flush()

    row = call_rows(store)[-1]
    assert (row.direction, row.phone, row.outcome) == ("ra", "+84907654321", CallOutcome.ANSWERED.value)
    assert row.answered_at is not None and row.ended_at is not None
    callback = desk.session.callbacks.get(callback_id)
    assert (callback.status, callback.attempts, callback.last_outcome) == (
        CallbackStatus.DONE,
        1,
        AttemptOutcome.REACHED,
    )
    assert desk.session.callbacks.attempts(callback_id)[0][1:] == (AttemptOutcome.REACHED, row.id)
    assert wrap_up_of(store, row.id) is Disposition.INFORMATION_GIVEN
    assert desk.session.access.flush()
    with store.sessions() as session:  # the queue's number was used to call: who, and why, is on record
        looks = session.execute(
            select(AccessRecord.subject, AccessRecord.screen).where(AccessRecord.reason == "callback")
        ).all()
    assert [tuple(look) for look in looks] == [("+84907654321", "callbacks_panel")]


def test_the_indicator_follows_the_registrar_down_and_back_by_itself(qtbot, make_desk, siplab, tmp_path):
    registrar = siplab.Kamailio(tmp_path / "kamailio-restart").start()
    try:
        desk = make_desk(registrar, user="1004", record=False)
        registered(qtbot, desk)
        desk.window.statusBar().grab().save("/tmp/phone_status_ok.png")

        registrar.stop()
        label = desk.window.sip_label
        qtbot.waitUntil(lambda: label.property("registration") == "error", timeout=8000)
        assert "IT" in label.toolTip() or "IT" in label.text() or label.toolTip()
        desk.window.statusBar().grab().save("/tmp/phone_status_down.png")

        registrar.start()
        qtbot.waitUntil(lambda: label.property("registration") == "ok", timeout=10000)
    finally:
        registrar.stop()


def test_a_ticket_saved_during_the_call_is_linked_and_proposed_at_wrap_up_after_f12(
    qtbot, make_desk, kamailio, sipp, store
):
    desk = make_desk(kamailio, record=False)
    registered(qtbot, desk)
    form = desk.window.form
    qtbot.waitUntil(lambda: form.is_ready, timeout=5000)
    run = sipp.uac("uac_hotline_wait_bye.xml", kamailio.port, *caller_keys("0945678901"))
    popup = desk.phone.popup
    qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=5000)
    log_id = popup.ringing.log_id
    assert popup.repeat_label.property("repeat") is False  # a first-time caller
    qtbot.keyClick(popup, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: form.linked_call_id == log_id, timeout=5000)

    form.content_edit.setPlainText("Hỏi lịch tiếp công dân tháng này")
    with qtbot.waitSignal(form.ticket_saved, timeout=5000) as saved:
        form.save_action.trigger()
    ticket = saved.args[0]
    assert (ticket.draft.call_id, ticket.draft.phone) == (log_id, "+84945678901")
    desk.window.activateWindow()
    qtbot.waitUntil(lambda: desk.window.isActiveWindow(), timeout=2000)
    qtbot.keyClick(form.content_edit, Qt.Key.Key_F12)  # hang up, wherever the operator is typing

    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=5000)
    assert desk.phone.wrap_up_dialog.selected() is Disposition.TICKET_CREATED
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_Return)  # one keystroke
    assert run.wait(10) == 0, run.output()
    assert desk.session.flush()
    row = call_rows(store)[-1]
    assert (row.id, row.outcome, row.ticket_id) == (log_id, CallOutcome.ANSWERED.value, ticket.id)
    assert wrap_up_of(store, log_id) is Disposition.TICKET_CREATED


def test_ctrl_shift_d_on_the_ticket_list_calls_the_row_then_f11_holds_and_resumes_on_the_wire(
    qtbot, make_desk, strict_kamailio, sipp, store
):
    kamailio = strict_kamailio  # record-routes: sipp answers in-dialog requests through the proxy
    ticket = TicketService(store, "kiem.thu").create(
        TicketDraft(content="Hẹn gọi lại báo kết quả", phone="0976543210", citizen_name="Lê Văn Cường")
    )
    desk = make_desk(kamailio, user="1003", record=False)
    registered(qtbot, desk)
    trunk = sipp.uas("uas_trunk_hold.xml", kamailio.trunk_port)  # requires a sendonly then a sendrecv offer
    window, table = desk.window, desk.window.table
    qtbot.waitUntil(lambda: window.model.row_of(ticket.id) >= 0, timeout=5000)
    table.setCurrentIndex(window.model.index(window.model.row_of(ticket.id), 0))
    assert desk.phone.list_dial_action in table.actions()  # the list's context menu
    assert {desk.phone.dial_action, desk.phone.hold_action} <= set(window.shortcut_actions())  # F1 lists them
    window.activateWindow()
    table.setFocus()
    qtbot.waitUntil(lambda: table.hasFocus(), timeout=2000)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(table, Qt.Key.Key_D, ctrl_shift)

    controls = desk.phone.controls
    qtbot.waitUntil(lambda: controls.isVisible() and controls.keypad.isEnabled(), timeout=5000)
    assert controls.hold_button.isEnabled() and controls.hold_button.text() == "Hold (F11)"
    qtbot.keyClick(table, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: controls.local_hold, timeout=5000)  # the trunk answered recvonly
    assert controls.hold_label.isVisibleTo(controls) and controls.hold_button.text() == "Resume (F11)"
    source = desk.session._sources[controls.sip_call_id]
    assert source.held and source.read(320) == b""  # the caller hears nothing of the room
    window.statusBar().grab().save("/tmp/phone_on_hold.png")
    qtbot.keyClick(table, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not controls.local_hold and controls.hold_button.isEnabled(), timeout=5000)
    assert not controls.hold_label.isVisibleTo(controls) and not source.held
    qtbot.keyClick(table, Qt.Key.Key_F12)

    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=5000)
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_Return)
    assert trunk.wait(10) == 0, trunk.output()
    assert desk.session.flush()
    row = call_rows(store)[-1]
    assert (row.direction, row.phone, row.ticket_id) == ("ra", "+84976543210", ticket.id)
    assert row.outcome == CallOutcome.ANSWERED.value


def test_ctrl_shift_d_in_the_history_panel_calls_the_caller_linked_to_the_selected_ticket(
    qtbot, make_desk, kamailio, sipp, store
):
    codes = seed_history(store)
    desk = make_desk(kamailio, user="1003", record=False)
    registered(qtbot, desk)
    trunk = sipp.uas("uas_trunk_bye.xml", kamailio.trunk_port, "-d", "500")
    form, history = desk.window.form, desk.window.history
    qtbot.waitUntil(lambda: form.is_ready, timeout=5000)
    assert not history.call_button.isVisibleTo(history)  # nobody to call yet
    form.phone_edit.setText("0912345678")
    qtbot.waitUntil(lambda: history.current is not None and history.tickets_view.topLevelItemCount() == 2)
    assert history.call_button.isVisibleTo(history)
    history.tickets_view.setCurrentItem(history.tickets_view.topLevelItem(1))
    rated_id = history.ticket_ids()[1]
    desk.window.side_tabs.setCurrentWidget(history)
    desk.window.grab().save("/tmp/phone_history_call.png")

    desk.window.activateWindow()
    history.tickets_view.setFocus()
    qtbot.waitUntil(lambda: history.tickets_view.hasFocus(), timeout=2000)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(history.tickets_view, Qt.Key.Key_D, ctrl_shift)  # the same key as the button's tooltip

    controls = desk.phone.controls
    qtbot.waitUntil(lambda: controls.isVisible() and controls.keypad.isEnabled(), timeout=5000)
    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=10000)  # the callee hung up
    qtbot.keyClick(desk.phone.wrap_up_dialog, Qt.Key.Key_Return)
    assert trunk.wait(10) == 0, trunk.output()
    assert desk.session.flush()
    row = call_rows(store)[-1]
    assert (row.direction, row.phone, row.ticket_id) == ("ra", CITIZEN_E164, rated_id)
    assert codes["rated"] == history.tickets_view.topLevelItem(1).text(1)


def test_a_switchboard_that_refuses_hold_leaves_the_call_as_it_was_and_says_so(
    qtbot, make_desk, strict_kamailio, sipp, store
):
    desk = make_desk(strict_kamailio, user="1003", record=False)
    registered(qtbot, desk)
    trunk = sipp.uas(str(SCENARIOS / "uas_trunk_refuse_hold.xml"), strict_kamailio.trunk_port)  # 488
    form = desk.window.form
    qtbot.waitUntil(lambda: form.is_ready, timeout=5000)
    form.phone_edit.setText("0965432109")
    desk.window.activateWindow()
    form.phone_edit.setFocus()
    qtbot.waitUntil(lambda: form.phone_edit.hasFocus(), timeout=2000)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(form.phone_edit, Qt.Key.Key_D, ctrl_shift)  # from the form: its number
    controls = desk.phone.controls
    qtbot.waitUntil(lambda: controls.isVisible() and controls.hold_button.isEnabled(), timeout=5000)

    qtbot.keyClick(form.phone_edit, Qt.Key.Key_F11)
    assert controls.hold_pending and controls.hold_button.text() == "Holding…"
    qtbot.waitUntil(lambda: not controls.hold_pending, timeout=5000)
    assert not controls.local_hold and controls.hold_button.text() == "Hold (F11)"
    assert controls.hold_button.isEnabled() and not controls.hold_label.isVisibleTo(controls)
    assert "did not accept hold" in desk.window.statusBar().currentMessage()
    source = desk.session._sources[controls.sip_call_id]
    assert not source.held  # the caller still hears the operator
    qtbot.keyClick(form.phone_edit, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=5000)
    assert trunk.wait(10) == 0, trunk.output()


def test_when_the_caller_holds_the_operator_the_bar_says_so_until_they_resume(
    qtbot, make_desk, kamailio, sipp, store
):
    desk = make_desk(kamailio, record=False)
    registered(qtbot, desk)
    run = sipp.uac("uac_hotline_reinvite.xml", kamailio.port, *caller_keys("0923456789"), "-rtp_echo")
    popup = desk.phone.popup
    qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=5000)
    qtbot.keyClick(popup, Qt.Key.Key_F9)
    controls = desk.phone.controls
    held = "The caller put you on hold"
    qtbot.waitUntil(lambda: controls.hold_label.isVisibleTo(controls), timeout=5000)  # a=sendonly
    assert controls.hold_label.text() == held and controls.remote_hold and not controls.local_hold
    desk.window.statusBar().grab().save("/tmp/phone_held_by_caller.png")
    qtbot.waitUntil(lambda: not controls.remote_hold, timeout=5000)  # resumed with sendrecv
    assert not controls.hold_label.isVisibleTo(controls)
    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=10000)  # the caller's BYE
    assert run.wait(10) == 0, run.output()
