"""Call quality measured on a lossy link, for real: a citizen's baresip and the PBX (Kamailio) on a host of
their own (network namespace rtcp-pbx, 198.18.140.2), the link to the desk squeezed by the kernel's token
bucket (tc tbf: the kernel here has no netem) so that about one packet in ten towards the desk and one in five
from it is dropped. The desk measures its loss and jitter (RFC 3550), sends reports baresip reads, reads
baresip's report of its own stream, and the call log keeps the figures with the call's encryption.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.services.phone.session import RingingCall
from desktop.services.tickets.caller_history import CallerHistoryService

from .test_phone_other_host import last_call, registered
from .test_phone_srtp import _baresip_lab

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "telephony"))
from lab_tools import lab_tool_missing
from netlab import NetLab, netns_usable

CALLER = "0912345678"
CALL_SECONDS = 20
RTP_FRAME_BYTES = 14 + 20 + 8 + 12 + 160  # Ethernet + IP + UDP + RTP + 20 ms of G.711: what tbf counts
RTP_BITS_PER_SECOND = RTP_FRAME_BYTES * 8 * 50
# The queue holds 14 audio packets and 200 bytes more: a full queue still takes an RTCP report (its audio
# cannot), else tail drop under overload would starve the reports along with the audio.
QUEUE_BYTES = 14 * RTP_FRAME_BYTES + 200


def _limit_rate(device: str, passed: float, netns: str | None = None) -> None:
    """Let `passed` of the audio's bit rate leave by `device`; the rest is dropped from a short queue."""
    command = ["tc", "qdisc", "add", "dev", device, "root", "tbf"]
    command += ["rate", f"{int(RTP_BITS_PER_SECOND * passed)}bit", "burst", "1600", "limit", str(QUEUE_BYTES)]
    if netns:
        command = ["ip", "netns", "exec", netns, *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    if result.returncode:
        lab_tool_missing(f"tc tbf unavailable: {result.stderr.strip()}")


def _dropped(netns: str | None, device: str) -> tuple[int, int]:
    """(packets sent, packets dropped) by the token bucket on `device`: the kernel's own count."""
    command = ["tc", "-s", "qdisc", "show", "dev", device]
    if netns:
        command = ["ip", "netns", "exec", netns, *command]
    text = subprocess.run(command, capture_output=True, text=True, timeout=10, check=True).stdout
    found = re.search(r"Sent \d+ bytes (\d+) pkt \(dropped (\d+)", text)
    assert found is not None, text
    return int(found[1]), int(found[2])


@pytest.fixture
def netlab() -> Iterator[NetLab]:
    why = netns_usable()
    if why:
        lab_tool_missing(why)
    lab = NetLab(prefix="rtcp", first_subnet=140)
    try:
        yield lab
    finally:
        lab.close()


def test_a_lossy_link_is_measured_by_both_ends_and_kept_in_the_call_log(
    qtbot: Any, make_desk: Any, siplab: Any, netlab: NetLab, store: Any, tmp_path: Path, caplog: Any
) -> None:
    host = netlab.add_host("pbx")
    kamailio = siplab.Kamailio(tmp_path / "pbx", host=host.address, netns=host.netns).start()
    caller = _baresip_lab().Baresip(
        tmp_path / "baresip",
        kamailio_port=kamailio.port,
        sip_port=5070,
        rtp_ports=(31000, 31009),
        user=CALLER,
        host=host.address,
        netns=host.netns,
    )
    try:
        desk = make_desk(kamailio, record=False)
        registered(qtbot, desk)
        _limit_rate("rtcp0i", 0.90, host.netns)  # towards the desk: ~10 % lost
        _limit_rate(host.link, 0.80)  # from the desk: ~20 % lost
        caplog.set_level(logging.INFO, logger="desktop.services.phone.session")
        caller.dial("1022", CALL_SECONDS + 20)  # the desk hangs up first
        popup = desk.phone.popup
        qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=10000)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        qtbot.wait(CALL_SECONDS * 1000)
        desk.phone.controls.hangup_button.click()
        qtbot.waitUntil(lambda: desk.phone.wrap_up_dialog is not None, timeout=15000)
        assert desk.session.flush()
        to_desk, from_desk = _dropped(host.netns, "rtcp0i"), _dropped(None, host.link)
        qtbot.waitUntil(lambda: "EX=BareSip;" in caller.log(), timeout=10000)  # its end-of-call summary
    finally:
        caller.stop()
        kamailio.stop()

    row = last_call(store)
    assert row.encrypted is False
    assert row.loss_percent is not None and 5.0 <= row.loss_percent <= 16.0, (row.loss_percent, to_desk)
    # the kernel's count of what its token bucket dropped towards the desk (RTP, and a few RTCP/SIP)
    assert row.packets_lost is not None and abs(row.packets_lost - to_desk[1]) <= max(10, to_desk[1] // 10)
    assert row.jitter_ms is not None and row.jitter_ms > 0

    # the desk read baresip's reports: its figure for our stream is the other direction's ~20 %
    ended = [r.getMessage() for r in caplog.records if "audio received" in r.getMessage()]
    assert ended, [r.getMessage() for r in caplog.records]
    far = re.search(r"far end lost (\d+) of (\d+)", ended[-1])
    assert far is not None, ended[-1]
    assert 12.0 <= 100 * int(far[1]) / int(far[2]) <= 28.0, (ended[-1], from_desk)
    assert CALLER not in "\n".join(ended)  # nothing personal in the log

    # baresip read the desk's reports: its summary (rtcpsummary) of the call has the desk's figures for
    # baresip's stream (PL=its loss, ours; JI=its jitter, ours) and a delay from the desk's LSR/DLSR
    summary = re.search(
        r"EX=BareSip;CS=\d+;CD=\d+;PR=(\d+);PS=(\d+);PL=(-?\d+),(-?\d+);PD=[^;]*;JI=([\d.]+),([\d.]+);DL=([\d.]+)",
        caller.log(),
    )
    assert summary is not None, caller.log()[-800:]
    received, sent, lost_here, lost_at_desk = (int(summary[n]) for n in (1, 2, 3, 4))
    assert 12.0 <= 100 * lost_here / (received + lost_here) <= 28.0, summary[0]
    assert 0 < lost_at_desk <= row.packets_lost and 4.0 <= 100 * lost_at_desk / sent <= 16.0, summary[0]
    assert float(summary[6]) > 0 and float(summary[7]) > 0, summary[0]

    # the operator sees the figures with the caller's history
    history = CallerHistoryService(store).read(CALLER)
    calls = history.calls
    assert "mất" in calls[0].audio_summary and "KHÔNG mã hoá" in calls[0].audio_summary
    panel = desk.window.history
    panel.on_form_phone_changed("")  # the panel showed this caller while it rang: look again
    panel.on_form_phone_changed(CALLER)

    def shown() -> bool:
        item = panel.calls_view.topLevelItem(0)
        return item is not None and item.toolTip(0) == calls[0].audio_summary

    qtbot.waitUntil(shown, timeout=5000)

    # ... and in the ringing pop-up's last calls when the caller rings again
    popup = desk.phone.popup
    popup.show_call(
        RingingCall("again", "log-again", calls[0].phone, CALLER, "", history, "", time.monotonic())
    )
    first = popup.calls_view.topLevelItem(0)
    assert first is not None and first.toolTip(0) == calls[0].audio_summary
    popup.close_call("again")
