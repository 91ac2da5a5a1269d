"""Call encryption on the desk: the F8 dialog's SRTP choice is saved and used, and the in-call bar says in
Vietnamese whether a real baresip caller's audio is encrypted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.services.phone.account import account_from
from desktop.settings import Settings
from desktop.telephony.srtp import SrtpMode
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.phone.sip_settings_dialog import SipSettingsDialog
from desktop.ui.shell.translations import install_translations, remove_translations

from .conftest import TEST_POLICY, MemoryKeyring
from .test_phone_lab import registered

BARESIP_LAB = Path(__file__).resolve().parents[2] / "telephony" / "baresip_lab.py"


def _baresip_lab() -> Any:
    if "baresip_lab" not in sys.modules:
        spec = importlib.util.spec_from_file_location("baresip_lab", BARESIP_LAB)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["baresip_lab"] = module
        spec.loader.exec_module(module)
    return sys.modules["baresip_lab"]


@pytest.fixture
def vietnamese(qapp):  # type: ignore[no-untyped-def]
    translators = install_translations(qapp)
    yield
    remove_translations(qapp, translators)


def test_the_dialog_offers_the_three_choices_in_vietnamese_and_saves_the_one_taken(
    qtbot: Any, vietnamese: None, tmp_path: Path
) -> None:
    from desktop.services.phone.sip_password import SipPasswordStore

    settings = Settings(operator="kiem.thu", sip_server="10.0.0.5", sip_extension="1005")
    dialog = SipSettingsDialog(settings, SipPasswordStore(MemoryKeyring()), TaskRunner(), TEST_POLICY)
    qtbot.addWidget(dialog)
    combo = dialog.srtp_combo
    shown = [combo.itemText(i) for i in range(combo.count())]
    assert shown == ["Khi tổng đài đề nghị", "Bắt buộc (từ chối cuộc gọi không mã hoá)", "Tắt"]
    assert combo.currentData() == "offered"  # the default: encrypted whenever the switchboard can
    assert "TLS" in combo.toolTip()

    combo.setCurrentIndex(combo.findData("required"))
    dialog.password_edit.setText("pw1005")
    dialog.on_buttons_accepted()

    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    assert settings.sip_srtp == "required"
    settings.save(tmp_path)
    reloaded = Settings.load(tmp_path)
    assert reloaded.sip_srtp == "required"
    assert account_from(reloaded, "pw1005").srtp is SrtpMode.REQUIRED


@pytest.mark.parametrize(
    ("mediaenc", "label", "suite_in_tip"),
    [("srtp-mand", "Đã mã hoá", True), ("", "Không mã hoá", False)],
)
def test_the_call_bar_says_whether_the_callers_audio_is_encrypted(
    qtbot: Any,
    make_desk: Any,
    kamailio: Any,
    siplab: Any,
    tmp_path: Path,
    vietnamese: None,
    mediaenc: str,
    label: str,
    suite_in_tip: bool,
) -> None:
    desk = make_desk(kamailio)
    registered(qtbot, desk)
    low = siplab.free_port_block(10)
    caller = _baresip_lab().Baresip(
        tmp_path / "baresip",
        kamailio_port=kamailio.port,
        sip_port=siplab.free_sip_port(),
        rtp_ports=(low, low + 9),
        mediaenc=mediaenc,
    )
    caller.dial("1022", 30)  # stopped below once the bar has spoken
    try:
        popup = desk.phone.popup
        qtbot.waitUntil(lambda: popup.isVisible() and popup.ringing is not None, timeout=10000)
        qtbot.keyClick(popup, Qt.Key.Key_Return)

        bar = desk.phone.controls
        qtbot.waitUntil(lambda: bar.security_label.isVisible(), timeout=10000)
        assert bar.security_label.text() == label
        assert ("AES_CM_128_HMAC_SHA1_80" in bar.security_label.toolTip()) == suite_in_tip
        bar.grab().save(str(tmp_path / "call_bar.png"))
    finally:
        caller.stop()
