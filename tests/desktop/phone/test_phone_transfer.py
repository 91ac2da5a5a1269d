"""Transfer and the three-way call from the desk (F7 and its variants), against the real lab: a baresip
citizen calls 1022, a registered baresip specialist answers by itself; the operator's words are Vietnamese."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.domain.codes import CallOutcome
from desktop.ui.shell.translations import install_translations, remove_translations

from .test_phone_lab import call_rows, registered
from .test_phone_srtp import _baresip_lab

SPECIALIST = "1004"
DIRECTORY = [{"label": "Chuyên viên Sở Xây dựng", "number": SPECIALIST}, {"label": "sai", "number": "abc"}]


@pytest.fixture
def vietnamese(qapp: Any) -> Iterator[None]:
    translators = install_translations(qapp)
    yield
    remove_translations(qapp, translators)


class Lab:
    """A Kamailio of its own, the specialist registered on it and a citizen ready to call the desk."""

    def __init__(self, siplab: Any, tmp_path: Path) -> None:
        self.kamailio = siplab.Kamailio(tmp_path / "kamailio").start()
        baresip = _baresip_lab()
        low = siplab.free_port_block(20)
        self.specialist = baresip.Baresip(
            tmp_path / "specialist",
            kamailio_port=self.kamailio.port,
            sip_port=siplab.free_sip_port(),
            rtp_ports=(low, low + 9),
            user=SPECIALIST,
            password=siplab.PASSWORDS[SPECIALIST],
        ).answer(40)
        self.citizen = baresip.Baresip(
            tmp_path / "citizen",
            kamailio_port=self.kamailio.port,
            sip_port=siplab.free_sip_port(),
            rtp_ports=(low + 10, low + 19),
        )
        deadline = time.monotonic() + 5
        while not self.kamailio.contacts(SPECIALIST) and time.monotonic() < deadline:
            time.sleep(0.05)

    def close(self) -> None:
        self.citizen.stop()
        self.specialist.stop()
        self.kamailio.stop()


@pytest.fixture
def lab(siplab: Any, tmp_path: Path) -> Iterator[Lab]:
    made = Lab(siplab, tmp_path)
    yield made
    made.close()


def _answered_citizen(qtbot: Any, make_desk: Any, lab: Lab) -> Any:
    desk = make_desk(lab.kamailio)
    desk.phone.settings.transfer_directory = DIRECTORY
    registered(qtbot, desk)
    lab.citizen.dial("1022", 30)
    popup = desk.phone.popup
    qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=20000)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    bar = desk.phone.controls
    qtbot.waitUntil(lambda: bar.isVisible() and bar.keypad.isEnabled(), timeout=20000)
    return desk


def _status(desk: Any) -> str:
    return str(desk.window.statusBar().currentMessage())


def test_f7_transfers_the_citizen_to_the_directorys_specialist_and_the_wrap_up_follows(
    qtbot: Any, make_desk: Any, lab: Lab, vietnamese: None
) -> None:
    desk = _answered_citizen(qtbot, make_desk, lab)
    transfers = desk.phone.transfers
    assert set(transfers.actions) <= set(desk.window.shortcut_actions())  # F1 lists them
    assert [a.text() for a in transfers.actions] == [
        "&Chuyển cuộc gọi…",
        "&Hoàn tất chuyển",
        "Gọi &ba bên",
        "&Quay lại người dân",
    ]

    qtbot.keyClick(desk.window, Qt.Key.Key_F7)

    dialog = transfers.dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=3000)
    assert [dialog.directory_list.item(i).text() for i in range(dialog.directory_list.count())] == [
        "Chuyên viên Sở Xây dựng — 1004"  # the unusable line is skipped
    ]
    assert dialog.number_edit.text() == SPECIALIST
    dialog.blind_button.click()

    qtbot.waitUntil(lambda: _status(desk) == "Đã chuyển cuộc gọi.", timeout=15000)
    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=5000)
    assert desk.phone.last_finished.answered and desk.phone.active_call is None
    # the NOTIFY 200 may reach the desk before baresip's own log line is written
    qtbot.waitUntil(lambda: f"Call established: sip:{SPECIALIST}@" in lab.citizen.log(), timeout=5000)
    desk.session.flush()
    row = call_rows(desk.store)[-1]  # the call log says where the citizen went
    assert (row.outcome, row.transferred_to) == (CallOutcome.ANSWERED.value, SPECIALIST)


def test_a_transfer_nobody_takes_says_so_in_vietnamese_and_the_call_stays(
    qtbot: Any, make_desk: Any, lab: Lab, vietnamese: None
) -> None:
    desk = _answered_citizen(qtbot, make_desk, lab)
    desk.phone.transfers.open_dialog()
    dialog = desk.phone.transfers.dialog
    dialog.number_edit.setText("12a")
    dialog.blind_button.click()
    assert dialog.isVisible()
    assert dialog.error_label.text().startswith("Đây không phải số để chuyển tới")

    dialog.number_edit.setText("1009")  # nobody is registered there
    dialog.blind_button.click()

    failed = "Chuyển cuộc gọi không thành công (không có số này): cuộc gọi vẫn ở với bạn."
    qtbot.waitUntil(lambda: _status(desk) == failed, timeout=15000)
    call = desk.phone.active_call
    assert call is not None and desk.phone.controls.connected(call)
    assert desk.phone.wrap_up_dialog is None


def test_talk_to_the_specialist_first_then_all_three_then_back_to_the_citizen(
    qtbot: Any, make_desk: Any, lab: Lab, vietnamese: None
) -> None:
    desk = _answered_citizen(qtbot, make_desk, lab)
    citizen_call = desk.phone.active_call
    transfers = desk.phone.transfers
    bar = desk.phone.controls
    qtbot.keyClick(desk.window, Qt.Key.Key_F7)
    transfers.dialog.consult_button.click()

    qtbot.waitUntil(lambda: bar.local_hold, timeout=5000)  # the citizen waits on hold
    qtbot.waitUntil(lambda: bar.transfer_label.text().startswith("Đang nói chuyện với 1004"), timeout=10000)
    assert not bar.transfer_label.isHidden()  # (the status bar hides the bar while it shows a message)

    qtbot.keyClick(desk.window, Qt.Key.Key_F7, Qt.KeyboardModifier.ControlModifier)  # three-way

    qtbot.waitUntil(lambda: transfers.joined, timeout=5000)
    qtbot.waitUntil(lambda: not bar.local_hold, timeout=5000)  # the citizen hears everyone again
    assert desk.phone.agent.joined(citizen_call) == transfers.consultation

    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(desk.window, Qt.Key.Key_F7, keys)  # back to the citizen alone

    qtbot.waitUntil(lambda: len(desk.phone.agent.calls()) == 1, timeout=5000)
    assert transfers.consultation is None and bar.transfer_label.isHidden()
    assert desk.phone.active_call == citizen_call and bar.connected(citizen_call)
    time.sleep(0.5)
    assert desk.phone.wrap_up_dialog is None  # the consultation is part of the citizen's call


def test_complete_after_talking_first_hands_the_citizen_over_and_ends_both_calls(
    qtbot: Any, make_desk: Any, lab: Lab, vietnamese: None
) -> None:
    desk = _answered_citizen(qtbot, make_desk, lab)
    transfers = desk.phone.transfers
    bar = desk.phone.controls
    desk.phone.transfers.open_dialog()
    transfers.dialog.consult_button.click()
    qtbot.waitUntil(lambda: bar.transfer_label.text().startswith("Đang nói chuyện với 1004"), timeout=10000)

    qtbot.keyClick(desk.window, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)

    qtbot.waitUntil(lambda: _status(desk) == "Đã chuyển cuộc gọi.", timeout=15000)
    # baresip 1.0 calls the target without Replaces: the desk ends the consultation itself
    qtbot.waitUntil(lambda: not desk.phone.agent.calls(), timeout=10000)
    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=5000)
    assert desk.phone.active_call is None and not bar.isVisible()


def test_when_the_waiting_citizen_hangs_up_the_specialists_call_becomes_the_desks_call(
    qtbot: Any, make_desk: Any, lab: Lab, vietnamese: None
) -> None:
    desk = _answered_citizen(qtbot, make_desk, lab)
    citizen_call = desk.phone.active_call
    transfers = desk.phone.transfers
    bar = desk.phone.controls
    transfers.open_dialog()
    transfers.dialog.consult_button.click()
    qtbot.waitUntil(lambda: bar.transfer_label.text().startswith("Đang nói chuyện với 1004"), timeout=10000)
    consultation = transfers.consultation

    lab.citizen.stop()  # the citizen gives up waiting (baresip hangs up as it quits)

    qtbot.waitUntil(lambda: desk.phone.active_call == consultation, timeout=10000)
    assert desk.phone.last_finished.sip_call_id == citizen_call
    qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=5000)  # for the citizen's call
    assert bar.connected(consultation) and bar.who_label.text() == SPECIALIST
    assert transfers.consultation is None and bar.transfer_label.isHidden()
    desk.phone.hangup_action.trigger()  # (F12; the wrap-up of the citizen's call has the focus now)
    qtbot.waitUntil(lambda: not desk.phone.agent.calls(), timeout=5000)
