"""The sync screens (pytest-qt, offscreen): status bar text, login dialog, conflict view on a real store."""

from __future__ import annotations

import json
import socket
from dataclasses import replace

from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.domain.clock import now_vn
from desktop.domain.ticket import TicketDraft
from desktop.services.access_log import AccessLog
from desktop.services.tickets.service import TicketService
from desktop.store.local import LocalStore
from desktop.sync.acks import record_results
from desktop.sync.apply import apply_page
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncStatus
from desktop.sync.outbox_reader import number_new_mutations, read_batch
from desktop.sync.state import read_counts
from desktop.ui.common.tasks import TaskRunner
from desktop.ui.sync.conflicts import SyncConflictView
from desktop.ui.sync.login import SyncLoginDialog
from desktop.ui.sync.refusals import SyncRefusalsView
from desktop.ui.sync.status import SyncBridge, SyncStatusPresenter
from protocol import Change, FieldOutcome, MutationResult, MutationStatus

DRAFT = TicketDraft(content="Hỏi thủ tục cấp lại căn cước", phone="0912 345 678", citizen_name="Lan")


def a_conflict(store: LocalStore, service: TicketService) -> str:
    """A ticket whose content both we and another desk changed: the server kept the other text."""
    ticket = service.create(DRAFT)
    service.update(ticket.id, replace(ticket.draft, content="Nội dung của tôi"), ticket.version)
    with store.writes.begin() as session:
        number_new_mutations(session, 10)
        batch = read_batch(session, 1, 10)
        results = [
            MutationResult(
                seq=m.seq,
                mutation_id=m.mutation_id,
                entity="ticket",
                entity_id=m.entity_id,
                status=MutationStatus.APPLIED,
            )
            for m in batch
        ]
        results[1] = results[1].model_copy(
            update={
                "status": MutationStatus.CONFLICT,
                "field_outcomes": [
                    FieldOutcome(
                        field="content",
                        outcome="conflict_recorded",
                        server_value="Nội dung của người kia",
                        conflict_id="c-42",
                    )
                ],
            }
        )
        record_results(session, results, now_vn())
    return ticket.id


def test_status_bar_shows_state_and_links_to_the_conflicts(
    qtbot: QtBot, store: LocalStore, ticket_service: TicketService
) -> None:
    a_conflict(store, ticket_service)
    ticket_service.create(replace(DRAFT, phone="0987 000 111"))  # one change waiting to be sent
    label = QLabel()
    qtbot.addWidget(label)
    presenter = SyncStatusPresenter(label)
    bridge = SyncBridge()
    bridge.status_changed.connect(presenter.on_bridge_status_changed)

    bridge.on_engine_event(SyncStatus(online=False, counts=read_counts(store), message="Mất mạng"))

    assert presenter.last is not None and presenter.last.counts.pending == 1
    assert presenter.last.counts.conflicts == 1
    assert label.property("syncOnline") is False
    assert 'href="conflicts"' in label.text()
    assert "Mất mạng" in label.toolTip()
    with qtbot.waitSignal(presenter.conflicts_requested, timeout=1000):
        label.linkActivated.emit("conflicts")
    label.resize(900, 30)
    label.grab().save("/tmp/sync_status.png")


def test_login_dialog_without_a_keyring_says_so_and_reports_an_unreachable_server(
    qtbot: QtBot, store: LocalStore, runner: TaskRunner
) -> None:
    credentials = Credentials(NoKeyring())
    dialog = SyncLoginDialog(credentials, store.identity, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.keyring_note.isVisible()

    dialog.submit()  # nothing typed
    assert dialog.error_label.isVisible() and dialog.isVisible()

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dialog.url_edit.setText(f"http://127.0.0.1:{port}")
    dialog.user_edit.setText("dtv-lan")
    dialog.password_edit.setText("mat-khau-dung")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=10000)
    assert dialog.isVisible() and dialog.login is None
    assert "Không kết nối được máy chủ" in dialog.error_label.text()
    assert credentials.password(Login(f"http://127.0.0.1:{port}", "dtv-lan")) is None
    dialog.grab().save("/tmp/sync_login.png")


def test_credentials_use_the_keyring_when_there_is_one(memory_keyring: object) -> None:
    credentials = Credentials(memory_keyring)  # type: ignore[arg-type]
    login = Login("https://tongdai.example", "dtv-lan")
    credentials.remember(login, password="bí mật", token="t-1")
    assert credentials.persistent
    assert credentials.password(login) == "bí mật"  # this session only, to renew the token
    assert Credentials(memory_keyring).password(login) is None  # type: ignore[arg-type]
    assert Credentials(memory_keyring).token(login) == "t-1"  # type: ignore[arg-type]
    credentials.forget_token(login)
    assert Credentials(memory_keyring).token(login) is None  # type: ignore[arg-type]


def test_settling_a_conflict_changes_the_ticket_and_queues_a_settle_mutation(
    qtbot: QtBot, store: LocalStore, ticket_service: TicketService, runner: TaskRunner
) -> None:
    ticket_id = a_conflict(store, ticket_service)
    view = SyncConflictView(store, "dtv-lan", runner)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.reload()
    assert len(view.conflicts) == 1
    assert view.server_text.toPlainText() == "Nội dung của người kia"
    assert view.other_text.toPlainText() == "Nội dung của tôi"
    view.grab().save("/tmp/sync_conflicts.png")

    view.edited_text.setPlainText("Nội dung gộp của cả hai")
    with qtbot.waitSignal(view.conflict_settled, timeout=5000), qtbot.waitSignal(view.loaded, timeout=5000):
        view.keep_edited.click()

    assert view.conflicts == []
    assert ticket_service.get(ticket_id).draft.content == "Nội dung gộp của cả hai"
    with store.engine.connect() as connection:
        op, entity_id, payload = connection.execute(
            text(
                "SELECT op, entity_id, payload FROM outbox WHERE entity != 'access' ORDER BY seq DESC LIMIT 1"
            )
        ).one()
    assert (op, entity_id, json.loads(payload)) == ("settle", "c-42", {"value": "Nội dung gộp của cả hai"})
    assert read_counts(store).conflicts == 0


def test_a_conflict_on_a_publication_text_is_listed_by_its_vietnamese_name_and_settles_on_the_ticket(
    qtbot: QtBot, store: LocalStore, ticket_service: TicketService, runner: TaskRunner
) -> None:
    ticket = ticket_service.create(DRAFT)
    conflict = Change(
        cursor=1,
        entity="conflict",
        entity_id="c-77",
        version=1,
        fields={
            "ticket_id": ticket.id,
            "field": "public_question",
            "server_value": "Hỏi thủ tục cấp lại căn cước",
            "client_value": "Cấp lại căn cước cần gì?",
        },
    )
    apply_page(store, [conflict], cursor=1)
    view = SyncConflictView(store, "dtv-lan", runner)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.reload()

    assert [view.list.item(row).text() for row in range(view.list.count())] == [
        f"{ticket.code} · Nội dung công khai"
    ]
    view.edited_text.setPlainText("Cấp lại căn cước cần giấy tờ gì?")
    with qtbot.waitSignal(view.conflict_settled, timeout=5000), qtbot.waitSignal(view.loaded, timeout=5000):
        view.keep_edited.click()
    assert ticket_service.get(ticket.id).draft.public_question == "Cấp lại căn cước cần giấy tờ gì?"


def test_refused_changes_are_linked_from_the_status_bar_listed_with_their_reason_then_read(
    qtbot: QtBot, store: LocalStore, ticket_service: TicketService, runner: TaskRunner
) -> None:
    ticket = ticket_service.create(DRAFT)
    ticket_service.update(ticket.id, replace(ticket.draft, answer="Đã hướng dẫn"), ticket.version)
    reason = "Phiếu này chưa có trên máy chủ (lần tạo phiếu chưa được gửi lên hoặc đã bị từ chối)."
    with store.writes.begin() as session:
        number_new_mutations(session, 10)
        batch = read_batch(session, 1, 10)
        statuses = [MutationStatus.APPLIED, MutationStatus.REJECTED]
        record_results(
            session,
            [
                MutationResult(
                    seq=m.seq,
                    mutation_id=m.mutation_id,
                    entity="ticket",
                    entity_id=m.entity_id,
                    status=status,
                    reason=reason if status is MutationStatus.REJECTED else None,
                )
                for m, status in zip(batch, statuses, strict=True)
            ],
            now_vn(),
        )
    label = QLabel()
    qtbot.addWidget(label)
    presenter = SyncStatusPresenter(label)
    presenter.on_bridge_status_changed(SyncStatus(online=True, counts=read_counts(store)))
    assert 'href="refused"' in label.text()
    with qtbot.waitSignal(presenter.refusals_requested, timeout=1000):
        label.linkActivated.emit("refused")

    view = SyncRefusalsView(store, runner)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=5000), qtbot.waitSignal(view.marked_read, timeout=5000):
        view.reload()
    assert view.table.rowCount() == 1
    assert view.table.item(0, 0).text() == ticket.code
    assert view.table.item(0, 1).text() == "edit"
    assert view.table.item(0, 2).text() == reason
    view.grab().save("/tmp/sync_refusals.png")
    assert read_counts(store).rejected_unseen == 0  # read: the status bar stops counting it
    assert read_counts(store).pending == 0  # the refused edit is answered, and still on this desk
    assert ticket_service.get(ticket.id).draft.answer == "Đã hướng dẫn"


def test_a_conflict_shown_is_a_look_at_the_ticket_on_the_access_record_once(
    qtbot: QtBot, store: LocalStore, ticket_service: TicketService, runner: TaskRunner
) -> None:
    ticket_id = a_conflict(store, ticket_service)
    view = SyncConflictView(store, "dtv-lan", runner)
    qtbot.addWidget(view)
    view.show()
    for _ in range(2):  # reloaded after a pull: the same conflict on screen is not a new look
        with qtbot.waitSignal(view.loaded, timeout=5000):
            view.reload()
    assert view.server_text.toPlainText() == "Nội dung của người kia"
    assert AccessLog(store, "dtv-lan").flush()
    with store.engine.connect() as connection:
        looks = connection.execute(
            text(
                "SELECT actor, subject_kind, subject, screen, reason FROM access_log"
                " WHERE screen = 'conflict_view'"
            )
        ).all()
        pushed = connection.execute(text("SELECT count(*) FROM outbox WHERE entity = 'access'")).scalar()
    assert [tuple(look) for look in looks] == [("dtv-lan", "ticket", ticket_id, "conflict_view", "open")]
    assert pushed == 1  # on its way to the server's trail
