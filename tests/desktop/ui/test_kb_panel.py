"""The procedures panel: typed queries find starter procedures, cards open, insert and link fill the form."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from desktop.domain.kb import KbHit, Procedure, QaEntry
from desktop.services.bundle import DeskServices
from desktop.services.kb import ensure_starter_kb
from desktop.store.local import LocalStore
from desktop.ui.kb.panel import KbPanel, _Found

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
LOST_CARD = "1.014064"  # Cấp lại thẻ căn cước, in resources/kb/starter.json


@pytest.fixture
def starter(store: LocalStore) -> LocalStore:
    ensure_starter_kb(store)
    return store


def open_kb(qtbot, window):  # type: ignore[no-untyped-def]
    panel = window.kb_panel
    qtbot.keyClick(window.form.phone_edit, Qt.Key.Key_K, CTRL)
    assert panel.search_edit.hasFocus()
    qtbot.waitUntil(lambda: panel.is_loaded, timeout=5000)
    return panel


def test_typing_finds_the_procedure_and_the_card_opens(qtbot, type_text, make_window, starter):
    window = make_window()
    panel = open_kb(qtbot, window)
    assert window.side_tabs.currentWidget() is panel
    type_text(panel.search_edit, "cap lai cccd")
    qtbot.waitUntil(lambda: bool(panel.hits) and panel.status_text.find("cccd") >= 0)
    assert panel.hits[0].code == LOST_CARD
    assert panel.results.topLevelItem(0).text(0) == LOST_CARD
    assert "Căn cước" in panel.results.topLevelItem(0).text(2)  # level · field
    assert not panel.insert_action.isEnabled()

    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    assert panel.results.currentItem() is panel.results.topLevelItem(0)
    with qtbot.waitSignal(panel.card_shown, timeout=3000):
        qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    assert isinstance(panel.current, Procedure)
    assert panel.current.code == LOST_CARD
    shown = panel.card.toPlainText()
    assert "Cấp lại thẻ căn cước" in shown
    assert "70,000" in shown and "26/2023/QH15" in shown
    assert panel.search_edit.hasFocus()  # the operator can keep typing


def test_insert_and_link_fill_the_ticket(qtbot, type_text, make_window, starter):
    window = make_window()
    form = window.form
    panel = open_kb(qtbot, window)
    type_text(panel.search_edit, "gplx b2")
    qtbot.waitUntil(lambda: bool(panel.hits))
    with qtbot.waitSignal(panel.card_shown, timeout=3000):
        qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)  # no row chosen: the top hit
    code = panel.current.code
    assert code.startswith("3.00034")

    type_text(form.answer_edit, "Đã hướng dẫn.")
    qtbot.keyClick(form.answer_edit, Qt.Key.Key_I, CTRL_SHIFT)
    answer = form.answer_edit.toPlainText()
    assert answer.startswith("Đã hướng dẫn.\n")
    assert code in answer and panel.current.title in answer

    qtbot.keyClick(form.answer_edit, Qt.Key.Key_L, CTRL_SHIFT)
    assert form.tthc_check.isChecked()
    assert form.tthc_edit.text() == code
    assert form.tthc_edit.isEnabled()
    draft, _errors = form._build_draft()
    assert (draft.is_tthc, draft.tthc_code) == (True, code)
    assert form.is_dirty()

    form.new_ticket()
    window.focus_kb()
    panel.link_button.click()
    assert form.tthc_edit.text() == code
    panel.insert_button.click()
    assert code in form.answer_edit.toPlainText()


def test_a_qa_entry_shows_question_and_answer(qtbot, type_text, make_window, starter):
    window = make_window()
    panel = open_kb(qtbot, window)
    type_text(panel.search_edit, "lam giay khai sinh")
    qtbot.waitUntil(lambda: any(hit.kind == "qa" for hit in panel.hits))
    row = next(i for i, hit in enumerate(panel.hits) if hit.kind == "qa")
    for _ in range(row + 1):
        qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    with qtbot.waitSignal(panel.card_shown, timeout=3000):
        qtbot.keyClick(panel.search_edit, Qt.Key.Key_Enter)
    assert isinstance(panel.current, QaEntry)
    assert panel.current.question in panel.card.toPlainText()
    assert panel.answer_text() == panel.current.answer
    assert panel.linked_code() == "1.001193"


def test_ctrl_k_focuses_the_search_from_anywhere_and_ctrl_h_goes_back(qtbot, make_window, starter):
    window = make_window()
    for widget in (window.form.phone_edit, window.form.content_edit, window.table):
        widget.setFocus()
        qtbot.keyClick(widget, Qt.Key.Key_K, CTRL)
        assert window.kb_panel.search_edit.hasFocus()
    qtbot.keyClick(window.kb_panel.search_edit, Qt.Key.Key_H, CTRL)
    assert window.side_tabs.currentWidget() is window.history


class SlowKnowledge:
    """A knowledge base whose searches for `slow` wait until the test lets them go."""

    def __init__(self, slow: str) -> None:
        self.slow = slow
        self.release = threading.Event()
        self.started = threading.Event()

    def warm_up(self) -> object:
        return None

    def invalidate(self) -> None:
        pass

    def search(self, query: str, limit: int = 10) -> list[KbHit]:
        if query == self.slow:
            self.started.set()
            assert self.release.wait(5)
        return [KbHit(f"code-{query}", f"Title {query}", 1.0)]

    def get(self, code: str, province: str = "") -> Procedure | None:
        return Procedure(code, f"Title of {code}")

    def get_qa(self, qa_id: str) -> QaEntry | None:
        return None

    def describe(self, codes):  # type: ignore[no-untyped-def]
        return {code: ("Cấp xã", "Hộ tịch") for code in codes}


def test_a_late_result_of_an_older_query_is_dropped(qtbot, type_text, runner, request):
    knowledge = SlowKnowledge("khai")
    request.addfinalizer(knowledge.release.set)
    panel = KbPanel(knowledge, runner)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.is_loaded)
    shown: list[list[str]] = []
    panel.results_shown.connect(lambda hits: shown.append([hit.code for hit in hits]))

    type_text(panel.search_edit, "khai")
    qtbot.waitUntil(knowledge.started.is_set)  # the first query is running (blocked) on a worker
    panel.search_edit.clear()
    type_text(panel.search_edit, "ket hon")
    qtbot.wait(200)  # the newer query's debounce has fired; it waits for the running one
    assert panel.hits == []
    knowledge.release.set()
    qtbot.waitUntil(lambda: shown[-1:] == [["code-ket hon"]])
    runner.wait_for_done(3000)
    qtbot.wait(50)
    assert ["code-khai"] not in shown
    assert [hit.code for hit in panel.hits] == ["code-ket hon"]
    assert panel.results.topLevelItem(0).text(2) == "Cấp xã · Hộ tịch"


def test_results_and_cards_obey_the_generation(qtbot, runner):
    """Drives the generation logic directly: only the newest query's and the newest card's results show."""
    panel = KbPanel(SlowKnowledge(""), runner)
    qtbot.addWidget(panel)

    panel._generation = 7
    panel._on_results(6, "old", _Found([KbHit("old", "Old", 1.0)], {}))
    assert panel.hits == []
    panel._on_results(7, "new", _Found([KbHit("new", "New", 1.0)], {}))
    assert [hit.code for hit in panel.hits] == ["new"]
    panel._card_generation = 3
    panel._on_card_loaded(2, Procedure("old", "Old"))
    assert panel.current is None
    panel._on_card_loaded(3, Procedure("new", "New"))
    assert panel.current is not None and panel.current.code == "new"


def test_no_index_is_built_before_the_panel_is_used(qtbot, make_window, services: DeskServices, starter):
    window = make_window()
    assert services.knowledge_base is not None
    assert services.knowledge_base._index is None  # type: ignore[attr-defined]
    assert not window.kb_panel.is_loaded
    window.focus_kb()
    qtbot.waitUntil(lambda: window.kb_panel.is_loaded, timeout=5000)
    assert services.knowledge_base._index is not None  # type: ignore[attr-defined]


class SlowLoading(SlowKnowledge):
    """Its index takes until the test says so to build."""

    def __init__(self) -> None:
        super().__init__("")
        self.loaded = threading.Event()

    def warm_up(self) -> object:
        assert self.loaded.wait(5)
        return None


def test_loading_state_then_what_was_typed_meanwhile_is_searched(qtbot, type_text, runner, request):
    knowledge = SlowLoading()
    request.addfinalizer(knowledge.loaded.set)
    panel = KbPanel(knowledge, runner)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.is_loading
    assert panel.status_label.property("kind") == "busy"
    type_text(panel.search_edit, "ho chieu")
    qtbot.wait(200)
    assert panel.hits == []
    knowledge.loaded.set()
    qtbot.waitUntil(lambda: [hit.code for hit in panel.hits] == ["code-ho chieu"])
    assert not panel.is_loading


def test_the_shortcuts_dialog_lists_the_panel_keys(qtbot, make_window):
    from PySide6.QtGui import QKeySequence

    from desktop.ui.shell.dialogs import ShortcutsDialog

    window = make_window()
    dialog = ShortcutsDialog(window.shortcut_actions(), window)
    qtbot.addWidget(dialog)
    keys = {dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())}
    for wanted in ("Ctrl+K", "Ctrl+Shift+I", "Ctrl+Shift+L"):
        assert QKeySequence(wanted).toString(QKeySequence.SequenceFormat.NativeText) in keys


def test_a_search_that_no_longer_lists_the_card_clears_it_and_its_insert_and_link(
    qtbot, type_text, make_window, starter
):
    window = make_window()
    panel = open_kb(qtbot, window)
    type_text(panel.search_edit, "cap lai cccd")
    qtbot.waitUntil(lambda: bool(panel.hits))
    with qtbot.waitSignal(panel.card_shown, timeout=3000):
        qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    assert panel.insert_action.isEnabled() and panel.link_action.isEnabled()

    panel.search_edit.selectAll()
    type_text(panel.search_edit, "zzqxw")
    qtbot.waitUntil(lambda: "zzqxw" in panel.status_text and not panel.hits)
    assert panel.current is None
    assert LOST_CARD not in panel.card.toPlainText()
    assert not panel.insert_action.isEnabled()
    assert not panel.link_action.isEnabled()
    window.form.answer_edit.setFocus()
    qtbot.keyClick(window.form.answer_edit, Qt.Key.Key_I, CTRL_SHIFT)
    assert window.form.answer_edit.toPlainText() == ""
