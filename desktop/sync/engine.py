"""The sync engine: pushes the outbox in numbered batches and pulls the change feed, on a worker thread.

Qt-free: it reports through `on_event` (called on the worker thread) with plain events the UI
bridges into signals. A save calls `wake()`; a timer pulls; a failure retries with exponential
backoff on its own, without waiting for another save.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update

from desktop.domain.clock import now_vn
from desktop.services.erasure import compact
from desktop.services.tickets.pending_forwards import PendingForward, PendingForwards
from desktop.store import models
from desktop.store.local import LocalStore
from desktop.store.sync_models import SyncPush, SyncState, SyncVersion
from desktop.sync import catch_up
from desktop.sync.acks import record_results
from desktop.sync.apply import apply_page
from desktop.sync.client import (
    LoginRefused,
    ProtocolRefused,
    SeqGap,
    ServerUnreachable,
    SyncClient,
    SyncError,
)
from desktop.sync.credentials import Credentials, Login
from desktop.sync.events import RemoteChanges, SyncEvent, SyncStatus
from desktop.sync.outbox_reader import number_new_mutations, read_batch
from desktop.sync.state import load_state, read_counts
from protocol import MAX_BATCH, PROTOCOL_VERSION, Mutation, PushRequest, ServerInfo

log = logging.getLogger(__name__)

PULL_PAGE = 1000


def refused_forward_text(pending: PendingForward) -> str:
    """What the operator reads of a queued forward the server refused, and what to do."""
    return (
        f"Máy chủ không nhận chuyển phiếu {pending.ticket_code} đến đơn vị: {pending.refused} "
        "Hãy mở phiếu và chuyển lại (Ctrl+Shift+U)."
    )


@dataclass
class Backoff:
    """Delays between retries: doubling from `first` up to `cap`, with jitter so desks do not align."""

    first: float = 1.0
    cap: float = 300.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        self.failures += 1
        delay: float = min(self.cap, self.first * 2.0 ** (self.failures - 1))
        return delay * (0.8 + 0.4 * self.rng.random())

    def reset(self) -> None:
        self.failures = 0


@dataclass(frozen=True)
class CycleReport:
    pushed: int
    pulled: int
    restored: bool


class SyncEngine:
    """One store, one server, one user. `run_cycle` is the whole job; `start` runs it on a thread."""

    def __init__(
        self,
        store: LocalStore,
        client: SyncClient,
        credentials: Credentials,
        login: Login,
        *,
        on_event: Callable[[SyncEvent], None] = lambda _event: None,
        pull_interval: float = 30.0,
        batch_size: int = MAX_BATCH,
        pull_page: int = PULL_PAGE,
        backoff: Backoff | None = None,
        clock: Callable[[], datetime] = now_vn,
        protocol_version: int = PROTOCOL_VERSION,  # another only to play an older desktop in tests
    ) -> None:
        self._store = store
        self._client = client
        self._credentials = credentials
        self._login = login
        self._on_event = on_event
        self._pull_interval = pull_interval
        self._batch_size = min(batch_size, MAX_BATCH)
        self._pull_page = pull_page
        self._backoff = backoff or Backoff()
        self._clock = clock
        self._protocol_version = protocol_version
        self._forwards = PendingForwards(store)
        self._wakeup = threading.Event()
        self._written_meanwhile = threading.Event()  # a local commit during the cycle just run
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._stop_listening: Callable[[], None] = lambda: None
        self._failing = False
        self._restore_seen = False
        self.online = False

    # -- control, from any thread ---------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._stop_listening = self._store.on_outbox_written(self._on_outbox_written)
            self._thread = threading.Thread(target=self._run, name="sync", daemon=True)
            self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_listening()
        self._stopping.set()
        self._wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """A save happened (or the operator asked to sync now): push and pull soon."""
        self._wakeup.set()

    # -- the worker -----------------------------------------------------------------------------
    def _run(self) -> None:
        """Runs on the sync thread."""
        delay = 0.0
        while not self._stopping.is_set():
            self._wait(delay)
            self._wakeup.clear()
            if self._stopping.is_set():
                break
            self._failing = True  # until the cycle succeeds: no early retry on a local save
            self._written_meanwhile.clear()
            try:
                self.run_cycle()
                self._backoff.reset()
                self._failing = False
                delay = 0.0 if self._written_meanwhile.is_set() else self._pull_interval
            except LoginRefused as error:
                self._report(False, str(error), login_needed=True)
                delay = self._pull_interval
            except SyncError as error:
                delay = self._backoff.next_delay() if error.retry else self._pull_interval
                self._report(False, str(error), upgrade_required=isinstance(error, ProtocolRefused))
            except Exception as error:  # a bug must not kill the worker: log, say so, retry later
                log.exception("Lỗi đồng bộ")
                delay = self._backoff.next_delay()
                self._report(False, f"Lỗi đồng bộ ngoài dự kiến: {error}. Sẽ thử lại.")

    def _wait(self, delay: float) -> None:
        """Sleeps up to `delay`; returns early on `wake()`, or when a commit in this process left rows
        in the outbox (calls, surveys, imports push soon too, without knowing about the engine)."""
        self._wakeup.wait(delay)

    def _on_outbox_written(self) -> None:
        """Any thread, right after a commit: push soon, unless a failing cycle is backing off."""
        self._written_meanwhile.set()
        if not self._failing:
            self._wakeup.set()

    def _report(
        self, online: bool, message: str = "", *, login_needed: bool = False, upgrade_required: bool = False
    ) -> None:
        self.online = online
        try:
            counts = read_counts(self._store)
        except Exception:
            log.exception("Không đọc được trạng thái đồng bộ")
            return
        self._on_event(SyncStatus(online, counts, message, login_needed, upgrade_required))

    def run_cycle(self) -> CycleReport:
        """Push everything pending, then pull everything new. Runs on the sync thread (or a test's)."""
        self._restore_seen = False
        token = self._token()
        try:
            try:
                pushed, restored = self._push_all(token)
            except (LoginRefused, ServerUnreachable, ProtocolRefused):
                raise
            except SyncError:
                # The server failed on a push (a 500): what others sent still comes down, so this desk's
                # screens stay current while its own queue waits for the next cycle.
                self._pull_all(token)
                raise
            self._send_forwards(token)
            pulled, restored_late = self._pull_all(token)
            if restored_late:  # the feed showed a restored server: the outbox goes again now
                pushed += self._push_all(token)[0]
        except LoginRefused:
            # an expired or revoked token: log in again once with the kept password
            self._credentials.forget_token(self._login)
            token = self._token()
            pushed, restored = self._push_all(token)
            self._send_forwards(token)
            pulled, restored_late = self._pull_all(token)
        restored = restored or restored_late or self._restore_seen  # also seen at login
        with self._store.writes.begin() as session:
            state = load_state(session)
            state.last_sync_at = self._clock()
            state.server_url = self._login.server_url
        messages = []
        if restored:
            messages.append(
                "Máy chủ đã được khôi phục từ bản sao lưu: đã gửi lại các thay đổi máy chủ chưa có "
                "và tải lại dữ liệu."
            )
        messages.extend(refused_forward_text(pending) for pending in self._forwards.refused())
        self._report(True, "\n".join(messages))
        return CycleReport(pushed, pulled, restored)

    def push_pending(self) -> int:
        """Only the push half of a cycle (logs in when needed); returns how many were acknowledged."""
        try:
            return self._push_all(self._token())[0]
        except LoginRefused:
            self._credentials.forget_token(self._login)
            return self._push_all(self._token())[0]

    def _token(self) -> str:
        token = self._credentials.token(self._login)
        if token:
            return token
        password = self._credentials.password(self._login)
        if not password:
            raise LoginRefused("Cần đăng nhập máy chủ để đồng bộ.")
        response = self._client.login(self._login.username, password, self._store.identity)
        self._credentials.remember(self._login, token=response.token)
        self._check_server(response.server, response.last_seq, response.feed_head)
        return response.token

    # -- push -----------------------------------------------------------------------------------
    def _push_all(self, token: str) -> tuple[int, bool]:
        pushed = 0
        restored = False
        while not self._stopping.is_set():
            with self._store.writes.begin() as session:
                state = load_state(session)
                numbered_ahead = state.next_seq - 1 - state.acked_seq
                if numbered_ahead < self._batch_size:
                    number_new_mutations(session, self._batch_size - numbered_ahead)
                batch = read_batch(session, state.acked_seq + 1, self._batch_size)
            if not batch:
                break
            request = PushRequest(
                client_id=str(self._store.client_id),
                protocol_version=self._protocol_version,
                mutations=[
                    Mutation(
                        seq=m.seq,
                        mutation_id=m.mutation_id,
                        entity=m.entity,
                        op=m.op,
                        entity_id=m.entity_id,
                        base_version=m.base_version,
                        payload=m.payload,
                        made_at=m.created_at,
                    )
                    for m in batch
                ],
            )
            try:
                response = self._client.push(token, request)
            except SeqGap as gap:
                if gap.gap.code != "gap" or gap.gap.expected_seq > batch[0].seq:
                    raise SyncError(
                        f"Máy chủ từ chối số thứ tự thay đổi #{batch[0].seq} ({gap.gap.detail}). "
                        "Hãy báo bộ phận kỹ thuật; phiếu vẫn được lưu trên máy này."
                    ) from gap
                # The server has fewer of ours than we thought (restored): send again from its next.
                self._rewind_push(gap.gap.expected_seq - 1, "409")
                restored = True
                continue
            restored = self._check_server(response.server, response.last_seq, response.feed_head) or restored
            with self._store.writes.begin() as session:
                before = load_state(session).acked_seq
                after = record_results(session, response.results, self._clock())
            pushed += after - before
            if after == before:
                raise SyncError(
                    "Máy chủ không xác nhận các thay đổi đã gửi. Phiếu vẫn được lưu trên máy này; sẽ thử lại."
                )
        return pushed, restored

    # -- forwards asked offline ------------------------------------------------------------------
    def _send_forwards(self, token: str) -> None:
        """After the push (the server has the tickets as the desk saved them): the forwards the operator
        asked while the server was out of reach. The pull that follows brings each one's unit and deadline."""
        for pending in self._forwards.to_send():
            if self._stopping.is_set():
                return
            try:
                self._client.forward(token, pending.ticket_id, pending.unit_code)
            except (LoginRefused, ServerUnreachable, ProtocolRefused):
                raise  # the cycle fails and retries; the forward stays queued
            except SyncError as error:
                if not 400 <= error.status < 500:  # the server (or its proxy) failed, refused nothing
                    log.warning(
                        "a queued forward failed on the server (HTTP %s): kept, tried again", error.status
                    )
                    continue
                reason = error.detail or str(error)
                log.info("a queued forward was refused by the server")  # the reason may quote the ticket
                self._forwards.refuse(pending, reason)
            else:
                self._forwards.sent(pending.ticket_id, pending)

    # -- pull -----------------------------------------------------------------------------------
    def _pull_all(self, token: str) -> tuple[int, bool]:
        pulled = self._catch_up(token)
        restored = False
        while not self._stopping.is_set():
            with self._store.sessions() as session:
                state = session.get(SyncState, 1)
                cursor = int(state.cursor or 0) if state else 0
            response = self._client.pull(token, cursor, self._pull_page)
            if self._check_server(response.server, response.last_seq, response.feed_head):
                restored = True
                continue  # the cursor went back to 0
            if not response.changes and response.next_cursor == cursor and not response.has_more:
                break  # nothing new: nothing to write
            page = apply_page(
                self._store, response.changes, response.next_cursor, response.server.server_epoch
            )
            pulled += len(response.changes)
            if page.erased:
                compact(self._store, page.erased_recordings)
            if page.applied:
                self._on_event(RemoteChanges(page))
            if not response.has_more:
                break
        return pulled, restored

    def _catch_up(self, token: str) -> int:
        """The kinds of record an older release of this desk skipped (desktop.sync.catch_up), each pulled
        alone up to the desk's cursor; what comes after it, the usual pull brings."""
        pulled = 0
        for entity, position in catch_up.waiting(self._store).items():
            while not self._stopping.is_set():
                with self._store.sessions() as session:
                    state = session.get(SyncState, 1)
                    cursor = int(state.cursor or 0) if state else 0
                    epoch = state.server_id if state else ""
                if position >= cursor:
                    catch_up.done(self._store, entity)
                    break
                response = self._client.pull(token, position, self._pull_page, entity)
                if response.server.server_epoch != epoch:
                    return pulled  # another server, or one restored: the usual pull sees to it first
                # a server before the catch-up sends every entity: only the one caught up is applied
                changes = [c for c in response.changes if c.entity == entity and c.cursor <= cursor]
                position = min(response.next_cursor, cursor) if response.has_more else cursor
                page = apply_page(self._store, changes, position, catch_up_key=catch_up.key(entity))
                pulled += len(changes)
                if page.applied:
                    self._on_event(RemoteChanges(page))
        return pulled

    # -- a server restored from a backup ----------------------------------------------------------
    def _check_server(self, server: ServerInfo, last_seq: int, feed_head: int) -> bool:
        """True when the server lost what it had acknowledged: the outbox goes again, the feed restarts."""
        with self._store.sessions() as session:  # the usual answer changes nothing: no write lock for it
            known = session.get(SyncState, 1)
            if (
                known is not None
                and known.server_id == server.server_epoch
                and last_seq >= known.acked_seq
                and feed_head >= int(known.cursor or 0)
            ):
                return False
        with self._store.writes.begin() as session:
            state = load_state(session)
            new_epoch = bool(state.server_id) and server.server_epoch != state.server_id
            lost_pushes = last_seq < state.acked_seq
            lost_feed = feed_head < int(state.cursor or 0)
            if not state.server_id:
                state.server_id = server.server_epoch
            if not (new_epoch or lost_pushes or lost_feed):
                return False
            detail = (
                f"Máy chủ đã khôi phục dữ liệu cũ (đã xác nhận đến #{state.acked_seq}, nay chỉ có "
                f"#{last_seq}; bảng tin {state.cursor} → {feed_head})."
            )
            log.warning(detail)
            self._restore_seen = True
            state.server_id = server.server_epoch
            state.restore_detected_at = self._clock()
            state.restore_detail = detail
            state.cursor = "0"
            session.execute(update(SyncVersion).values(server_version=-1))
        self._rewind_push(min(last_seq, self._acked()), "restore")
        return True

    def _acked(self) -> int:
        with self._store.sessions() as session:
            state = session.get(SyncState, 1)
            return state.acked_seq if state else 0

    def _rewind_push(self, last_seq: int, why: str) -> None:
        """Pushes after `last_seq` count as not sent: they go again, in order, with the same numbers."""
        with self._store.writes.begin() as session:
            state = load_state(session)
            state.acked_seq = max(0, last_seq)
            outbox_seqs = select(SyncPush.outbox_seq).where(SyncPush.client_seq > state.acked_seq)
            session.execute(
                update(models.OutboxMutation)
                .where(models.OutboxMutation.seq.in_(outbox_seqs))
                .values(pushed_at=None)
            )
            session.execute(
                update(SyncPush)
                .where(SyncPush.client_seq > state.acked_seq)
                .values(outcome=None, acked_at=None, reason="")
            )
        log.info("Gửi lại từ #%d (%s)", last_seq + 1, why)
