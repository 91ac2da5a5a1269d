"""The About dialog: version and licences, the data and log folders, and a support bundle from the desk."""

from __future__ import annotations

import zipfile
from pathlib import Path

from desktop import __version__
from desktop.logs import log_dir
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.shell.about_dialog import AboutDialog


def test_about_names_the_licences_and_folders_and_writes_a_support_bundle(
    qtbot, tmp_path: Path, vietnamese: None
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    dialog = AboutDialog(data_dir, TaskRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    text = dialog.findChild(type(dialog.bundle_label), "aboutText").text()
    assert __version__ in text and "GPL-3.0-or-later" in text and "pyVoIP" in text
    assert "SDP" in text  # what pyVoIP does here: the SIP stack is the desk's own
    assert (
        dialog.windowTitle() == "Giới thiệu Tổng đài 1022" and "Tạo gói hỗ trợ" in dialog.bundle_button.text()
    )
    assert dialog.data_edit.text() == str(data_dir) and dialog.log_edit.text() == str(log_dir(data_dir))
    assert dialog.data_edit.isReadOnly()

    target = tmp_path / "out" / "bundle.zip"
    dialog.make_bundle(target)
    assert not dialog.bundle_button.isEnabled()  # one bundle at a time
    qtbot.waitUntil(lambda: dialog.bundle_button.isEnabled(), timeout=30000)
    assert dialog.bundle_label.property("written") == str(target)
    assert "Đã ghi gói hỗ trợ" in dialog.bundle_label.text()
    with zipfile.ZipFile(target) as bundle:
        assert "checks.json" in bundle.namelist()
    dialog.grab().save(str(Path("/tmp") / "about_dialog.png"))
