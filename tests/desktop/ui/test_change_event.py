"""One typed change event per operation: a save, a pulled page or a settled conflict publishes one
OpChanges on the main window, and the list, the open form and the side panels refresh from it."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtCore import Qt

from desktop.changes import ChangeHub, OpChanges, Origin
from desktop.desk import Desk
from desktop.domain.ticket import TicketDraft
from desktop.services.tickets.service import TicketService
from desktop.settings import Settings
from desktop.sync.credentials import Credentials
from desktop.sync.events import AppliedPage, RemoteChanges
from desktop.ui.sync.desk import SyncDesk

CTRL = Qt.KeyboardModifier.ControlModifier


def recorded(hub: ChangeHub) -> list[OpChanges]:
    seen: list[OpChanges] = []
    hub.subscribe(seen.append)
    return seen


def test_a_save_publishes_one_local_change_naming_the_ticket_and_the_list_shows_it(
    qtbot, type_text, make_window
):
    window = make_window()
    seen = recorded(window.changes)
    form = window.form
    form.new_ticket()
    type_text(form.phone_edit, "0912 345 678")
    type_text(form.content_edit, "Hỏi thủ tục cấp lại căn cước công dân")
    qtbot.keyClick(form.content_edit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: form.ticket is not None and not form.is_saving)
    assert form.ticket is not None
    assert seen == [OpChanges(Origin.LOCAL, tickets=frozenset({form.ticket.id}), outbox=True)]
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.row_at(0).id == form.ticket.id


def test_the_list_and_the_open_form_refresh_from_a_remote_change_alone(qtbot, make_window, store):
    window = make_window()
    writer = TicketService(store, "dtv-khac")  # the way a pulled page writes: behind the window's back
    ticket = writer.create(TicketDraft(content="Phản ánh đèn đường hỏng", phone="0912 345 678"))
    window.open_ticket(ticket.id)
    qtbot.waitUntil(lambda: window.form.ticket is not None and window.form.ticket.id == ticket.id)
    qtbot.wait(1500)
    assert window.model.rowCount() == 0  # nothing polls: without the event the list stays as it was

    writer.update(ticket.id, replace(ticket.draft, content="Đèn đường hỏng đã báo điện lực"), ticket.version)
    window.publish_changes(OpChanges(Origin.REMOTE, tickets=frozenset({ticket.id})))
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: window.form.content_edit.toPlainText() == "Đèn đường hỏng đã báo điện lực")


def test_a_pulled_page_is_one_remote_change_and_a_settled_conflict_one_local_change(
    qtbot, make_window, store, data_dir: Path, runner
):
    window = make_window(Desk.open(store, "kiem.thu"))
    desk = SyncDesk(
        window, window.desk, Settings.load(data_dir), Credentials(NoKeyring()), runner, pull_interval=60
    )
    seen = recorded(window.changes)
    page = AppliedPage(applied=3, tickets=["t-1", "t-2"], catalogs_changed=True, kb_changed=True)
    engine = threading.Thread(target=desk.on_engine_event, args=(RemoteChanges(page),), name="sync")
    engine.start()  # the engine reports a pulled page on its own thread
    engine.join()
    qtbot.waitUntil(lambda: len(seen) == 1)
    assert seen == [
        OpChanges(Origin.REMOTE, tickets=frozenset({"t-1", "t-2"}), catalogs=True, kb=True, conflicts=False)
    ]
    desk.on_conflict_view_conflict_settled("conflict-1")
    assert seen[1:] == [OpChanges(Origin.LOCAL, other_tickets=True, conflicts=True, outbox=True)]
    assert seen[1].touches_tickets and not OpChanges(Origin.REMOTE, kb=True).touches_tickets


def test_a_listener_that_unsubscribes_hears_nothing_more():
    hub = ChangeHub()
    seen: list[OpChanges] = []
    unsubscribe = hub.subscribe(seen.append)
    hub.publish(OpChanges.ticket_saved("a"))
    unsubscribe()
    hub.publish(OpChanges.ticket_saved("b"))
    assert seen == [OpChanges.ticket_saved("a")]


def test_an_attempt_on_a_callback_publishes_one_change_and_the_queue_reloads_from_it(
    qtbot, make_window, store, runner
):
    from desktop.services.phone.callbacks import CallbackQueue
    from desktop.services.phone.codes import AttemptOutcome, CallbackKind
    from desktop.ui.phone.callbacks_panel import CallbacksPanel

    window = make_window()
    queue = CallbackQueue(store, "kiem.thu")
    queue.enqueue(CallbackKind.MISSED, "0912 345 678")
    queue.enqueue(CallbackKind.MISSED, "0987 654 321")
    panel = CallbacksPanel(queue, runner, window)
    panel.follow(window.changes)
    window.add_side_panel(panel, "Gọi lại")
    panel.reload()
    qtbot.waitUntil(lambda: len(panel.items) == 2)
    seen = recorded(window.changes)

    panel.view.setCurrentItem(panel.view.topLevelItem(0))
    panel.record_outcome(AttemptOutcome.REACHED)  # reached: this callback is done
    qtbot.waitUntil(lambda: len(panel.items) == 1, timeout=5000)
    assert seen == [OpChanges(Origin.LOCAL, callbacks=True)]


def test_a_logged_call_of_the_caller_on_screen_refreshes_their_history_where_the_operator_left_it(
    qtbot, type_text, make_window, store
):
    from desktop.domain.codes import CallDirection, CallOutcome
    from desktop.services.phone.calls import CallLog

    window = make_window()
    type_text(window.form.phone_edit, "0912 345 678")
    history = window.history
    qtbot.waitUntil(lambda: history.current is not None, timeout=5000)
    assert history.calls_view.topLevelItemCount() == 0
    window.focus_kb()  # the operator reads a procedure meanwhile

    calls = CallLog(store, "kiem.thu")  # the phone desk's writer thread, behind the window's back
    calls.finished(calls.started("0912 345 678", CallDirection.INBOUND), CallOutcome.ABANDONED)
    qtbot.wait(1500)
    assert history.calls_view.topLevelItemCount() == 0  # nothing polls: without the event it stays

    window.publish_changes(OpChanges.call_logged("+84912345678"))
    qtbot.waitUntil(lambda: history.calls_view.topLevelItemCount() == 1, timeout=5000)
    assert window.side_tabs.currentWidget() is window.kb_panel  # refreshed, not brought forward


def test_a_change_published_on_the_desk_from_a_worker_reaches_the_screens_on_the_gui_thread(
    qtbot, make_window, store
):
    window = make_window()
    heard_on: list[bool] = []
    window.changes.subscribe(
        lambda _changes: heard_on.append(threading.current_thread() is threading.main_thread())
    )
    ticket = TicketService(store, "dtv-khac").create(
        TicketDraft(content="Hỏi lịch tiếp dân", phone="0912 345 678")
    )

    worker = threading.Thread(target=window.desk.publish, args=(OpChanges.ticket_saved(ticket.id),))
    worker.start()
    worker.join()

    qtbot.waitUntil(lambda: heard_on == [True], timeout=5000)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
