"""Keyboard shortcuts move the focus and act; the help dialog lists them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktop.domain.codes import Level
from desktop.ui.shell.dialogs import ShortcutsDialog

CTRL = Qt.KeyboardModifier.ControlModifier


def test_shortcuts_move_focus(qtbot, make_window, seeded):
    window = make_window()
    form, bar = window.form, window.filter_bar
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert bar.search_edit.hasFocus()
    qtbot.keyClick(bar.search_edit, Qt.Key.Key_F2)
    assert form.phone_edit.hasFocus()
    qtbot.keyClick(form.phone_edit, Qt.Key.Key_F, CTRL)
    assert bar.search_edit.hasFocus()
    qtbot.keyClick(bar.search_edit, Qt.Key.Key_L, CTRL)
    assert form.phone_edit.hasFocus()
    qtbot.keyClick(form.phone_edit, Qt.Key.Key_T, CTRL)
    assert window.table.hasFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_H, CTRL)
    assert window.history.tickets_view.hasFocus()


def test_level_and_new_ticket_shortcuts(qtbot, type_text, make_window):
    window = make_window()
    form = window.form
    for key, level in ((Qt.Key.Key_3, Level.THREE), (Qt.Key.Key_1, Level.ONE), (Qt.Key.Key_4, Level.FOUR)):
        qtbot.keyClick(form.phone_edit, key, CTRL)
        assert form.level_combo.currentData() == int(level)
    type_text(form.content_edit, "Nháp")
    qtbot.keyClick(form.content_edit, Qt.Key.Key_N, CTRL)  # the fixture discards unsaved changes
    assert form.content_edit.toPlainText() == ""
    assert form.level_combo.currentData() == int(Level.ONE)
    assert form.phone_edit.hasFocus()


def test_shortcuts_are_in_tooltips_and_the_help_dialog(qtbot, make_window):
    window = make_window()
    assert "Ctrl+S" in window.form.save_button.toolTip()
    assert "Ctrl+N" in window.form.new_button.toolTip()
    assert "Ctrl+Return" in window.form.resolve_button.toolTip()
    dialog = ShortcutsDialog(window.shortcut_actions(), window)
    qtbot.addWidget(dialog)
    keys = {dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())}
    expected = ["Ctrl+N", "Ctrl+S", "Ctrl+1", "Ctrl+4", "F5", "Ctrl+H", "Esc", "Alt+Down", "Alt+Up"]
    for wanted in expected:
        native = QKeySequence(wanted).toString(QKeySequence.SequenceFormat.NativeText)
        assert any(native in shown for shown in keys), wanted
    assert any("F3" in shown and "Ctrl+F" in shown for shown in keys)
    assert any("F2" in shown and "Ctrl+L" in shown for shown in keys)
    menus = [action.objectName() for action in window.menuBar().actions()]
    assert len(menus) == 4


def test_layout_is_remembered_in_the_data_dir(qtbot, make_window, data_dir):
    window = make_window()
    window.main_splitter.setSizes([200, 700])
    window.table.setColumnWidth(0, 177)
    sizes = window.main_splitter.sizes()
    window.close()
    assert (data_dir / "ui.ini").is_file()
    again = make_window()
    restored = again.main_splitter.sizes()
    # the offscreen screen may be smaller than the saved window: the ratio is what is kept
    assert abs(restored[0] / sum(restored) - sizes[0] / sum(sizes)) < 0.02
    assert again.table.columnWidth(0) == 177
