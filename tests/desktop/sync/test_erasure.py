"""A citizen erased on request: on the server at once, on a desk that is online at its next sync and on a
desk that was offline during the erasure when it comes back; afterwards the number and the name are in no
byte of either desk's store file, WAL or pre-upgrade copy (decrypted page by page, free pages included), and
the province's report counts the same."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from memory_keyring import MemoryKeyring
from server_lab import PASSWORD, Desk, ServerProcess
from sqlalchemy import select
from sqlcipher_pages import data_dir_bytes
from store_keys import open_test_store, store_key_for

from desktop.domain.clock import VN_TZ, now_vn
from desktop.domain.codes import CallDirection, CallOutcome
from desktop.domain.ticket import TicketDraft
from desktop.services.access_log import AccessLog
from desktop.services.erasure import erase_here
from desktop.services.phone.calls import CallLog
from desktop.services.phone.recording_vault import EncryptedRecorder, RecordingKey
from desktop.services.phone.recordings import register_recording
from desktop.services.tickets.caller_history import CallerHistoryService
from desktop.services.tickets.query import TicketFilter, TicketQuery
from desktop.services.tickets.service import TicketService
from desktop.store.engine import backup_copy, writer
from desktop.store.local import LocalStore
from desktop.store.phone_models import CallRecording
from desktop.store.sync_models import SyncConflict
from desktop.sync.client import SyncClient
from desktop.sync.credentials import Credentials, Login
from desktop.sync.engine import SyncEngine
from protocol.erasure import REDACTED_TEXT, phone_digest

PHONE, NAME, ADDRESS = "0912 345 678", "Nguyễn Thị Lan", "Số 12 ngõ 34 phố Hàng Bạc"
TRACES = [
    "+84912345678",
    "0912345678",
    "0912 345 678",
    NAME,
    ADDRESS,
    "nguyen thi lan",
    "0912 345",
    "hang bac",
]


def engine(store: LocalStore, server: ServerProcess) -> SyncEngine:
    credentials = Credentials(None)
    login = Login(server.base, "dtv1")
    credentials.remember(login, password=PASSWORD)
    return SyncEngine(store, SyncClient(server.base), credentials, login)


def store_bytes(data_dir: Path) -> bytes:
    return data_dir_bytes(data_dir, store_key_for(data_dir))


def report(server: ServerProcess) -> dict[str, object]:
    answer = Desk(server, "admin").http.get(
        "/api/v1/reports", params={"from": "2020-01-01", "to": "2030-12-31"}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_an_erased_citizen_leaves_no_trace_on_online_and_offline_desks(
    tmp_path: Path, server: ServerProcess
) -> None:
    online_dir, offline_dir = tmp_path / "online", tmp_path / "offline"
    online, offline = open_test_store(online_dir), open_test_store(offline_dir)
    tickets = TicketService(online, "dtv1")
    for content in ("Hỏi cấp đổi căn cước cho con", "Phản ánh chậm trả kết quả hồ sơ"):
        tickets.create(TicketDraft(content=content, phone=PHONE, citizen_name=NAME, citizen_address=ADDRESS))
    tickets.create(
        TicketDraft(content="Hỏi đăng ký khai sinh", phone="0987 000 111", citizen_name="Trần Văn Bình")
    )
    searched = TicketQuery(online, AccessLog(online, "dtv1"))
    for typed in ("nguyen thi lan", "0912 345", "hang bac"):  # searches that name her, kept as typed
        searched.page(TicketFilter(text=typed))
    assert AccessLog(online, "dtv1").flush()
    engine(online, server).run_cycle()
    engine(offline, server).run_cycle()
    backup_copy(offline.path, offline.key, "0007")  # an old copy, as an upgrade leaves it
    assert all(trace.encode() in store_bytes(offline_dir) for trace in (NAME, "+84912345678"))
    before = report(server)

    erased = Desk(server, "admin").http.post("/api/v1/erasures", json={"phone": "0912345678"})
    assert erased.status_code == 200 and erased.json() == {"tickets": 2, "calls": 0}
    engine(online, server).run_cycle()
    online.close()
    for trace in TRACES:
        assert trace.encode() not in store_bytes(online_dir), trace
    assert "Trần Văn Bình".encode() in store_bytes(online_dir)  # the other citizen stays

    engine(offline, server).run_cycle()  # back online after the erasure
    history = CallerHistoryService(offline).lookup("0912345678")
    assert history.citizen is None and history.tickets == []
    offline.close()
    for trace in TRACES:
        assert trace.encode() not in store_bytes(offline_dir), trace
    assert not list(offline_dir.glob("*.truoc-nang-cap-*"))

    after = report(server)
    assert after == before  # counts of tickets and calls: the erasure removes who, not how many
    shutil.rmtree(tmp_path / "unused", ignore_errors=True)


def test_retention_makes_old_tickets_anonymous_and_erases_a_citizen_with_nothing_newer(
    tmp_path: Path, server: ServerProcess
) -> None:
    data = tmp_path / "desk"
    store = open_test_store(data)
    tickets = TicketService(store, "dtv1")
    long_ago = datetime(2016, 3, 1, 9, 0, tzinfo=VN_TZ)
    tickets.create(
        TicketDraft(
            content="Hỏi năm 2016", phone="0903 111 222", citizen_name="Lê Văn Cũ", received_at=long_ago
        )
    )
    tickets.create(
        TicketDraft(
            content="Hỏi năm 2016", phone="0987 000 111", citizen_name="Trần Thị Mới", received_at=long_ago
        )
    )
    recent = tickets.create(
        TicketDraft(content="Hỏi năm nay", phone="0987 000 111", citizen_name="Trần Thị Mới")
    )
    sync = engine(store, server)
    sync.run_cycle()
    before = report(server)

    done = server.admin_command("retention", "--years", "5")
    assert done.returncode == 0, done.stderr
    assert "Đã ẩn danh 2 phiếu" in done.stdout
    sync.run_cycle()
    kept = tickets.get(recent.id)
    store.close()
    everything = store_bytes(data)
    assert b"+84903111222" not in everything and "Lê Văn Cũ".encode() not in everything  # erased outright
    assert kept.draft.phone == "+84987000111"  # the citizen who still calls keeps their new ticket
    assert report(server) == before


def test_the_desk_s_own_conflicts_on_an_erased_citizen_s_ticket_are_redacted(tmp_path: Path) -> None:
    store = open_test_store(tmp_path / "desk")
    made = TicketService(store, "dtv1").create(TicketDraft(content="Hỏi", phone=PHONE, citizen_name=NAME))
    with store.writes.begin() as session:
        session.add(
            SyncConflict(
                conflict_id="xung-dot-1",
                entity="ticket",
                entity_id=made.id,
                field="content",
                base_value=json.dumps(f"{NAME} hỏi"),
                local_value=json.dumps(f"{NAME} hỏi, ở {ADDRESS}"),
                server_value=json.dumps(f"{NAME} hỏi thủ tục"),
                detected_at=now_vn(),
            )
        )
    with writer(store.engine).connect() as connection, connection.begin():
        erase_here(connection.connection.driver_connection.cursor(), phone_digest("+84912345678"))
    with store.sessions() as session:
        [conflict] = session.scalars(select(SyncConflict)).all()
    store.close()
    kept = (conflict.base_value, conflict.local_value, conflict.server_value)
    assert NAME not in repr(kept) and ADDRESS not in repr(kept)
    assert json.loads(conflict.local_value) == REDACTED_TEXT


def test_the_desk_scrubs_an_erased_citizens_name_and_number_out_of_the_tickets_answer_itself(
    tmp_path: Path,
) -> None:
    """Before the server's scrubbed version arrives (a later page, or an answer not pushed yet), the desk's
    own copy of the answer keeps its words but not the citizen."""
    store = open_test_store(tmp_path / "desk")
    answer = (
        f"Đã hướng dẫn bà {NAME} (0912345678), {ADDRESS}, nộp hồ sơ tại bộ phận một cửa; gọi 0912.345.678."
    )
    draft = TicketDraft(content="Hỏi", phone=PHONE, citizen_name=NAME, citizen_address=ADDRESS, answer=answer)
    made = TicketService(store, "dtv1").create(draft)
    with writer(store.engine).connect() as connection, connection.begin():
        erase_here(connection.connection.driver_connection.cursor(), phone_digest("+84912345678"))
    kept = TicketService(store, "dtv1").get(made.id).draft.answer
    found = TicketQuery(store).count(TicketFilter(text="Lan"))
    store.close()
    assert (
        kept == "Đã hướng dẫn bà (đã xóa) ((đã xóa)), (đã xóa), nộp hồ sơ tại bộ phận một cửa; gọi (đã xóa)."
    )
    assert found == 0  # nor in the search index


def test_an_erased_citizens_call_recordings_are_deleted_on_the_desk_and_anothers_kept(
    tmp_path: Path, server: ServerProcess
) -> None:
    data = tmp_path / "desk"
    store = open_test_store(data)
    key = RecordingKey(MemoryKeyring()).get_or_create()
    folder = tmp_path / "recordings"
    folder.mkdir()
    calls = CallLog(store, "dtv1")

    def recorded(phone: str) -> Path:
        log_id = calls.started(phone, CallDirection.INBOUND)
        calls.finished(log_id, CallOutcome.ANSWERED)
        sealed = folder / f"{log_id}.rec"
        recorder = EncryptedRecorder(sealed, key)
        recorder.write(b"\x10\x00" * 8000)
        recorder.close()
        register_recording(store, log_id, sealed, now_vn())
        return sealed

    hers, his = recorded("0912345678"), recorded("0987000111")
    TicketService(store, "dtv1").create(TicketDraft(content="Hỏi căn cước", phone=PHONE, citizen_name=NAME))
    sync = engine(store, server)
    sync.run_cycle()

    erased = Desk(server, "admin").http.post("/api/v1/erasures", json={"phone": "0912345678"})
    assert erased.status_code == 200 and erased.json() == {"tickets": 1, "calls": 1}
    sync.run_cycle()
    assert not hers.exists() and his.exists()
    with store.engine.connect() as connection:
        kept = connection.execute(select(CallRecording.path)).scalars().all()
    assert kept == [str(his)]
    store.close()
