"""Screens that do not lie by omission: what a list counts, a capped list, a stale list, a repeat caller."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from uitest_support import KNOWN_NAME, KNOWN_PHONE, draft

from desktop.changes import OpChanges, Origin
from desktop.domain.codes import TicketStatus
from desktop.services.kb import ensure_starter_kb
from desktop.services.supervisor.surveys import SurveyAnswer, SurveyService
from desktop.store.local import LocalStore
from desktop.ui.kb.panel import RESULT_LIMIT
from desktop.ui.supervisor.surveys_view import SurveysView


def test_a_repeat_callers_history_comes_forward_and_their_name_is_filled(
    qtbot, type_text, make_window, seeded
):
    window = make_window()
    other_tab = QWidget()
    window.side_tabs.addTab(other_tab, "Gọi lại")  # the phone desk's callbacks tab
    window.side_tabs.setCurrentWidget(other_tab)
    type_text(window.form.phone_edit, KNOWN_PHONE.replace(" ", ""))
    qtbot.waitUntil(lambda: window.history.tickets_view.topLevelItemCount() == 2)
    assert window.side_tabs.currentWidget() is window.history
    assert window.form.name_edit.text() == KNOWN_NAME


def test_a_typed_name_is_never_replaced_by_the_known_one(qtbot, type_text, make_window, seeded):
    window = make_window()
    type_text(window.form.name_edit, "Chị Hoa")
    type_text(window.form.phone_edit, KNOWN_PHONE.replace(" ", ""))
    qtbot.waitUntil(lambda: window.history.tickets_view.topLevelItemCount() == 2)
    assert window.form.name_edit.text() == "Chị Hoa"


def test_a_capped_procedure_list_says_there_may_be_more(qtbot, type_text, make_window, store: LocalStore):
    ensure_starter_kb(store)
    window = make_window()
    panel = window.kb_panel
    window.focus_kb()
    qtbot.waitUntil(lambda: panel.is_loaded, timeout=5000)
    type_text(panel.search_edit, "cap")
    qtbot.waitUntil(lambda: len(panel.hits) == RESULT_LIMIT)
    capped = panel.status_text
    plain_count = panel.tr("%1 results for “%2”").replace("%1", str(RESULT_LIMIT)).replace("%2", "cap")
    assert capped != plain_count  # not a plain count: the list is cut at the limit and says so
    assert str(RESULT_LIMIT) in capped and "“cap”" in capped


@pytest.fixture
def resolved_ids(ticket_service) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        ticket_service.create(draft(status=TicketStatus.RESOLVED, answer="Đã trả lời.")).id for _ in range(2)
    ]


def test_the_survey_list_is_read_again_when_reopened_and_says_what_it_counts(
    qtbot, runner, store: LocalStore, resolved_ids: list[str]
):
    view = SurveysView(SurveyService(store, "kiem.thu"), runner)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.list_loaded, timeout=10000):
        view.show()
    assert view.total == 2
    assert "30" in view.count_label.text()  # only tickets resolved in the last 30 days are listed
    view.hide()
    SurveyService(store, "dtv-khac").record(resolved_ids[0], SurveyAnswer.satisfied())  # another desk
    with qtbot.waitSignal(view.list_loaded, timeout=10000):
        view.show()
    assert view.total == 1


def test_the_open_survey_list_follows_changes_here_and_on_other_desks_without_f5(
    qtbot, make_window, store: LocalStore, ticket_service, resolved_ids: list[str]
):
    window = make_window()
    heard: list[OpChanges] = []
    window.changes.subscribe(heard.append)
    view = window.supervisor.open_surveys()
    assert view is not None
    qtbot.waitUntil(lambda: view.total == 2, timeout=10000)

    # A pulled page: another desk rated one ticket; the open list drops it by itself.
    SurveyService(store, "dtv-khac").record(resolved_ids[0], SurveyAnswer.satisfied())
    window.publish_changes(OpChanges(Origin.REMOTE, tickets=frozenset({resolved_ids[0]})))
    qtbot.waitUntil(lambda: view.total == 1, timeout=5000)

    # A ticket resolved here joins the open list.
    new = ticket_service.create(
        draft(status=TicketStatus.RESOLVED, answer="Đã trả lời.", unit_code="tong-dai-1022")
    )
    window.publish_changes(OpChanges.ticket_saved(new.id))
    qtbot.waitUntil(lambda: view.total == 2, timeout=5000)

    # A rating keyed in the list tells the other screens (list, open form, sync) that the ticket changed.
    heard.clear()
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(0, 0))
    rated = view.model.items[0].ticket_id
    qtbot.keyClick(view.table, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: view.total == 1, timeout=5000)
    assert [change.tickets for change in heard] == [frozenset({rated})]
    assert heard[0].outbox and heard[0].origin is Origin.LOCAL


def test_a_hidden_survey_list_does_not_read_on_every_change(
    qtbot, make_window, store: LocalStore, resolved_ids: list[str]
):
    window = make_window()
    view = window.supervisor.open_surveys()
    assert view is not None
    qtbot.waitUntil(lambda: view.total == 2, timeout=10000)
    view.hide()
    loads: list[int] = []
    view.list_loaded.connect(loads.append)
    window.publish_changes(OpChanges(Origin.REMOTE, tickets=frozenset({resolved_ids[0]})))
    qtbot.wait(600)
    assert loads == []  # it is read again when shown: see the reopened-list test above
