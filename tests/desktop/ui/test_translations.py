"""Every visible string of desktop/ui has a finished Vietnamese translation, and it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import QCoreApplication

from desktop.ui.shell.translations import compiled_qm, install_translations, remove_translations, ts_path

ROOT = Path(__file__).resolve().parents[3]


def _lupdate() -> list[str]:
    bundled = Path(PySide6.__file__).resolve().parent / "lupdate"
    if bundled.is_file():
        return [str(bundled)]
    found = shutil.which("pyside6-lupdate") or str(Path(sys.executable).with_name("pyside6-lupdate"))
    return [found]


def _messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(path).getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or ""): message
        for context in root.iter("context")
        for message in context.iter("message")
    }


def test_every_source_string_has_a_finished_vietnamese_translation(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(path) for path in (ROOT / "desktop" / "ui").rglob("*.py"))
    subprocess.run([*_lupdate(), *sources, "-ts", str(fresh), "-silent"], check=True, timeout=120)
    extracted = _messages(fresh)
    assert len(extracted) > 100, "lupdate found too few strings: is tr() still used?"
    committed = _messages(ts_path("vi"))
    problems = []
    for key in extracted:
        message = committed.get(key)
        if message is None:
            problems.append(f"missing: {key}")
            continue
        translation = message.find("translation")
        text = (translation.text or "").strip() if translation is not None else ""
        kind = translation.get("type") if translation is not None else None
        if not text or kind in {"unfinished", "vanished", "obsolete"}:
            problems.append(f"unfinished: {key}")
        elif key[1].count("%1") != text.count("%1") or key[1].count("%2") != text.count("%2"):
            problems.append(f"placeholders differ: {key} -> {text}")
        elif ("&" in key[1]) != ("&" in text):
            problems.append(f"mnemonic differs: {key} -> {text}")
    assert not problems, "\n".join(problems)


def test_vietnamese_is_installed_by_default(qapp) -> None:  # type: ignore[no-untyped-def]
    translators = install_translations(qapp)
    try:
        assert QCoreApplication.translate("MainWindow", "Sync: not configured") == "Đồng bộ: chưa cấu hình"
        assert QCoreApplication.translate("MainWindow", "&Help") == "Trợ &giúp"
    finally:
        remove_translations(qapp, translators)
    assert QCoreApplication.translate("MainWindow", "Sync: not configured") == "Sync: not configured"


def test_qm_is_compiled_when_missing_or_stale(tmp_path: Path) -> None:
    ts = tmp_path / "i18n" / "tongdai1022_vi.ts"
    ts.parent.mkdir()
    shutil.copy(ts_path("vi"), ts)
    qm = compiled_qm(ts, cache_dir=tmp_path / "cache")
    assert qm == ts.with_suffix(".qm")
    assert qm.stat().st_size > 0
    first = qm.stat().st_mtime_ns
    assert compiled_qm(ts, cache_dir=tmp_path / "cache") == qm
    assert qm.stat().st_mtime_ns == first  # fresh: not compiled again
    older = ts.stat().st_mtime - 60
    os.utime(qm, (older, older))  # the .ts was edited after the .qm was built
    assert compiled_qm(ts, cache_dir=tmp_path / "cache") == qm
    assert qm.stat().st_mtime >= ts.stat().st_mtime


def test_no_qm_without_ts(tmp_path: Path) -> None:
    assert compiled_qm(tmp_path / "nope_vi.ts", cache_dir=tmp_path) is None


@pytest.mark.parametrize("context", ["MainWindow", "TicketForm", "FilterBar", "HistoryPanel"])
def test_contexts_are_present(context: str) -> None:
    assert any(key[0] == context for key in _messages(ts_path("vi")))


def test_qt_own_buttons_and_context_menus_are_vietnamese(qapp, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QPlainTextEdit

    translators = install_translations(qapp)
    try:
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        qtbot.addWidget(buttons)
        shown = {button.text().replace("&", "") for button in buttons.buttons()}
        assert shown == {"Đồng ý", "Hủy"}
        for widget in (QLineEdit(), QPlainTextEdit()):
            qtbot.addWidget(widget)
            menu = widget.createStandardContextMenu()
            texts = {action.text().split("\t")[0].replace("&", "") for action in menu.actions()}
            assert {"Sao chép", "Dán", "Chọn tất cả"} <= texts
            assert not texts & {"Copy", "Paste", "Select All"}
    finally:
        remove_translations(qapp, translators)
