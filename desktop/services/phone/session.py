"""The phone desk's session logic without Qt: ring-time history, the call log's lifecycle, callbacks, media.

The SIP agent's event thread calls `on_incoming`/`on_state`/`on_ended`; the history read happens there (the
pop-up needs it at once) while every write goes to one writer thread, in order, so the ring path never
waits on a write.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy.exc import OperationalError

from desktop.domain.clock import now_vn
from desktop.domain.codes import CallDirection, CallOutcome
from desktop.domain.operator import Operator, operator_of
from desktop.domain.phone import caller_phone, display_phone, is_hidden
from desktop.domain.ticket import CallerHistory
from desktop.services.access_log import AccessLog
from desktop.services.phone.audio import TeeSink
from desktop.services.phone.callbacks import CallbackQueue
from desktop.services.phone.calls import CallLog
from desktop.services.phone.codes import AttemptOutcome, CallbackKind, Disposition
from desktop.services.phone.listening import RecordingListening
from desktop.services.phone.recording_vault import EXTENSION, EncryptedRecorder
from desktop.services.tickets.caller_history import CallerHistoryService
from desktop.store.errors import StoreError, explain
from desktop.store.local import LocalStore
from desktop.telephony.audio import AudioSink, AudioSource, CallAudio, NullSink
from desktop.telephony.events import (
    CallEnded,
    CallQuality,
    CallState,
    CallStateChanged,
    EndReason,
    IncomingCall,
    TransferChanged,
    TransferState,
)
from protocol.records import DEFAULT_RECORDING_RETENTION_DAYS

log = logging.getLogger(__name__)


class SipDialer(Protocol):
    """The part of SipAgent the session dials with (a fake in unit tests)."""

    def dial(self, number: str) -> str: ...


@dataclass(frozen=True)
class RingingCall:
    """What the pop-up shows: the caller and their history, read on the event thread."""

    sip_call_id: str
    log_id: str
    number: str  # the stored form (caller_phone): E.164, a short code, or HIDDEN_PHONE when withheld
    local_number: str  # the local form shown to the operator (0912 345 678, "Số ẩn")
    display_name: str
    history: CallerHistory | None
    history_error: str
    received_at: float  # time.monotonic() of the INVITE's arrival


@dataclass
class ActiveCall:
    """A call the session follows from ring (or dial) to its end."""

    sip_call_id: str
    log_id: str
    direction: CallDirection
    number: str
    callback_id: str | None = None
    ticket_id: str | None = None
    answered: bool = False
    muted: bool = False
    recording: Path | None = None


@dataclass(frozen=True)
class FinishedCall:
    """A call that ended, for the wrap-up step."""

    sip_call_id: str
    log_id: str
    direction: CallDirection
    number: str
    outcome: CallOutcome
    reason: EndReason
    answered: bool
    callback_id: str | None
    recording: Path | None


@dataclass
class RecordingPolicy:
    """Whether calls are recorded (sealed with `key`, see recording_vault.py), where, and for how many days
    the files are kept. Without a key nothing is recorded: a recording is never left on disk in the clear."""

    enabled: bool = False
    folder: Path | None = None
    retention_days: int = DEFAULT_RECORDING_RETENTION_DAYS  # until the centre's setting has been synced
    key: bytes | None = field(default=None, repr=False)


@dataclass
class _MutableSource:
    """Our audio towards the caller; silence while muted. `read` runs on the call's RTP thread."""

    inner: AudioSource | None = None
    muted: bool = False
    held: bool = False  # we hold the caller: they must not hear the operator's room
    _silence: bytes = field(default=b"", repr=False)

    def read(self, size: int) -> bytes:
        if self.muted or self.held or self.inner is None:
            return b""  # the agent pads a short read with silence
        return self.inner.read(size)


_CALLBACK_OUTCOMES = {
    EndReason.BUSY: AttemptOutcome.BUSY,
    EndReason.DECLINED: AttemptOutcome.BUSY,
    EndReason.NOT_FOUND: AttemptOutcome.WRONG_NUMBER,
}

ErrorReporter = Callable[[str], None]


def _discard(_result: object) -> None:
    pass


class PhoneSession:
    """Follows every call of one desk and keeps the call log, wrap-ups and callbacks right."""

    def __init__(
        self,
        store: LocalStore,
        operator: str | Operator,
        *,
        recordings: RecordingPolicy | None = None,
        on_error: ErrorReporter | None = None,
        clock: Callable[[], datetime] = now_vn,
        source_factory: Callable[[], AudioSource | None] = lambda: None,
        sink_factory: Callable[[], AudioSink | None] = lambda: None,
        retry_seconds: float = 2.0,
    ) -> None:
        self._store = store
        self._who = operator_of(operator)
        operator = self._who  # one shared name: the log, calls and callbacks follow a rename
        self.access = AccessLog(store, operator)
        self.history = CallerHistoryService(store, self.access)
        self.call_log = CallLog(store, operator, clock)
        self.callbacks = CallbackQueue(store, operator, clock)
        self.recordings = recordings or RecordingPolicy()
        self.listening = RecordingListening(store, lambda: self.recordings.key, self.access)
        self._clock = clock
        self._on_error = on_error or (lambda message: log.error("%s", message))
        self._source_factory = source_factory
        self._sink_factory = sink_factory
        self._calls: dict[str, ActiveCall] = {}
        self._sources: dict[str, _MutableSource] = {}
        self._lock = threading.Lock()  # never held while calling the agent (its media factory takes it)
        self._dial_lock = threading.Lock()  # held across agent.dial: the end event waits for the mapping
        self._writes: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._retry_seconds = retry_seconds
        self._write_outage = False
        self._closed = False
        self._writer = threading.Thread(target=self._write_loop, name="phone-writer", daemon=True)
        self._writer.start()

    # the agent's event thread -------------------------------------------------------------------
    def on_incoming(self, event: IncomingCall) -> RingingCall:
        """Event thread: the caller's history now, the ring-time call-log row on the writer thread.

        A call that ended before its turn here (cancelled, or the desk stopped) is still logged, but its
        history is not read: nobody will see its pop-up, and a flood must not keep the store busy."""
        stored = caller_phone(event.number)
        history: CallerHistory | None = None
        error = ""
        if not is_hidden(stored) and event.still_ringing() and not self._closed:
            try:
                history = self.history.read(stored)  # the look is recorded on the writer thread below
            except Exception as caught:  # the pop-up still rings, with the reason
                error = f"Không đọc được lịch sử người gọi: {caught}"
        log_id = str(uuid.uuid4())
        ringing = RingingCall(
            sip_call_id=event.call_id,
            log_id=log_id,
            number=stored,
            local_number=display_phone(stored),
            display_name=event.display_name,
            history=history,
            history_error=error,
            received_at=event.received_at,
        )
        started = self._clock()
        with self._lock:
            self._calls[event.call_id] = ActiveCall(event.call_id, log_id, CallDirection.INBOUND, stored)
        if history is not None and (history.citizen or history.tickets or history.calls):
            self._write(lambda: self.access.record("phone", stored, "ringing_popup", "call"))
        self._write(
            lambda: self.call_log.started(
                stored,
                CallDirection.INBOUND,
                at=started,
                sip_call_id=event.call_id,
                call_id=log_id,
            )
        )
        return ringing

    def on_transfer(self, event: TransferChanged) -> None:
        """Event thread: a call handed over to its target is logged with where it went."""
        if event.state is not TransferState.SUCCEEDED:
            return
        with self._lock:
            call = self._calls.get(event.call_id)
        if call is None:
            return
        log_id, target = call.log_id, transfer_target(event.target)
        self._write(lambda: self.call_log.transferred(log_id, target))

    def on_state(self, event: CallStateChanged) -> ActiveCall | None:
        """Event thread: an answer completes the row's answered_at."""
        with self._dial_lock, self._lock:
            call = self._calls.get(event.call_id)
            if call is None or event.state is not CallState.ANSWERED or call.answered:
                return call
            call.answered = True
        at = self._clock()
        log_id = call.log_id
        if event.srtp_suite:
            log.info("call %s connected: audio encrypted (SRTP %s)", log_id, event.srtp_suite)
        else:
            log.warning("call %s connected: audio NOT encrypted (plain RTP)", log_id)
        self._write(lambda: self.call_log.answered(log_id, at=at))
        if call.direction is CallDirection.INBOUND:
            number = call.number
            self._write(lambda: self._settle(number))
        return call

    def on_ended(self, event: CallEnded) -> FinishedCall | None:
        """Event thread: the row gets its end and outcome; a missed or abandoned call joins the queue."""
        with self._dial_lock, self._lock:
            call = self._calls.pop(event.call_id, None)
            self._sources.pop(event.call_id, None)
        if call is None:
            return None
        outcome = event.outcome
        ended = self._clock()
        log_id = call.log_id
        quality, encrypted = event.quality, (bool(event.srtp_suite) if event.answered else None)
        if quality is not None:
            log.info("call %s ended: %s", log_id, _quality_line(quality))
        self._write(
            lambda: self.call_log.finished(
                log_id, outcome, ended_at=ended, quality=quality, encrypted=encrypted
            )
        )
        if call.direction is CallDirection.INBOUND and outcome in (CallOutcome.MISSED, CallOutcome.ABANDONED):
            kind = CallbackKind.ABANDONED if outcome is CallOutcome.ABANDONED else CallbackKind.MISSED
            number = call.number
            self._write(lambda: self._enqueue_missed(kind, number, log_id))
        if call.callback_id is not None:
            attempt = AttemptOutcome.REACHED if event.answered else self._callback_outcome(event.reason)
            callback_id = call.callback_id
            self._write(lambda: self.callbacks.record_attempt(callback_id, attempt, call_id=log_id))
        if call.recording is not None:
            path = call.recording
            self._write(lambda: self._register_recording(log_id, path, ended))
        return FinishedCall(
            sip_call_id=call.sip_call_id,
            log_id=log_id,
            direction=call.direction,
            number=call.number,
            outcome=outcome,
            reason=event.reason,
            answered=event.answered,
            callback_id=call.callback_id,
            recording=call.recording,
        )

    # any thread (the UI calls these through its task runner) ------------------------------------
    def dial(
        self,
        agent: SipDialer,
        number: str,
        *,
        callback_id: str | None = None,
        ticket_id: str | None = None,
    ) -> ActiveCall:
        """Dials and logs the outbound call, linked to its callback and ticket (a callback's number used is on
        the access record, reason `callback`). Not on the GUI thread."""
        stored = caller_phone(number)
        log_id = str(uuid.uuid4())
        started = self._clock()
        with self._dial_lock:
            sip_call_id = agent.dial(number)
            call = ActiveCall(
                sip_call_id,
                log_id,
                CallDirection.OUTBOUND,
                number,
                callback_id=callback_id,
                ticket_id=ticket_id,
            )
            with self._lock:
                self._calls[sip_call_id] = call
        self._write(
            lambda: self.call_log.started(
                stored, CallDirection.OUTBOUND, at=started, sip_call_id=sip_call_id, call_id=log_id
            )
        )
        if ticket_id is not None:
            self._write(lambda: self.call_log.link_ticket(log_id, ticket_id))
        if callback_id is not None and not is_hidden(stored):  # the queue's number used: why is on record
            self._write(lambda: self.access.record("phone", stored, "callbacks_panel", "callback"))
        return call

    def wrap_up(self, finished: FinishedCall, disposition: Disposition) -> None:
        """The operator's disposition; a callback found to be a wrong number is closed as such."""
        self._write(lambda: self._save_wrap_up(finished.log_id, disposition))
        if finished.callback_id and finished.answered and disposition is Disposition.WRONG_NUMBER:
            callback_id = finished.callback_id
            self._write(lambda: self._correct_attempt(callback_id, finished.log_id))

    def link_ticket(self, log_id: str, ticket_id: str) -> None:
        self._write(lambda: self.call_log.link_ticket(log_id, ticket_id))

    def set_muted(self, sip_call_id: str, muted: bool) -> bool:
        with self._lock:
            source = self._sources.get(sip_call_id)
            call = self._calls.get(sip_call_id)
            if call is not None:
                call.muted = muted
        if source is None:
            return False
        source.muted = muted
        return True

    def set_held(self, sip_call_id: str, held: bool) -> bool:
        """Event thread: while we hold the caller our audio is silence, whatever the mute button says."""
        with self._lock:
            source = self._sources.get(sip_call_id)
        if source is None:
            return False
        source.held = held
        return True

    def active(self, sip_call_id: str) -> ActiveCall | None:
        with self._lock:
            return self._calls.get(sip_call_id)

    def use_sound_device(
        self,
        sink_factory: Callable[[], AudioSink | None],
        source_factory: Callable[[], AudioSource | None],
    ) -> None:
        """The headset the next calls play to and capture from (the desk sets it once it has built it)."""
        self._sink_factory = sink_factory
        self._source_factory = source_factory

    def audio_for(self, sip_call_id: str, _direction: CallDirection) -> CallAudio:
        """The agent's media factory (called as the call is answered): recorder and headset, our source."""
        sink: AudioSink = NullSink()
        policy = self.recordings
        with self._lock:
            call = self._calls.get(sip_call_id)
        if policy.enabled and policy.folder is not None and call is not None and policy.key is None:
            self._on_error("Không ghi âm cuộc gọi này: chưa có khóa mã hoá bản ghi âm trong kho khóa.")
        elif policy.enabled and policy.folder is not None and call is not None and policy.key is not None:
            month = self._clock().strftime("%Y-%m")
            folder = policy.folder / month
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"{call.log_id}{EXTENSION}"
                sink = EncryptedRecorder(path, policy.key)
                call.recording = path
            except OSError as error:
                self._on_error(f"Không ghi âm được cuộc gọi (thư mục {folder}): {error}")
        headset = self._sink_factory()
        if headset is not None:
            sink = headset if isinstance(sink, NullSink) else TeeSink([sink, headset])
        source = _MutableSource(self._source_factory(), muted=call.muted if call else False)
        with self._lock:
            self._sources[sip_call_id] = source
        return CallAudio(sink, source)

    def purge_recordings(self) -> int:
        """Deletes recordings older than the retention period; returns how many. Not on the GUI thread."""
        from desktop.services.phone.recordings import (
            central_retention_days,
            purge_recordings,
            seal_plain_recordings,
        )

        if self.recordings.key is not None:
            seal_plain_recordings(self._store, self.recordings.key)

        days = central_retention_days(self._store) or self.recordings.retention_days
        cutoff = self._clock() - timedelta(days=max(1, days))
        return purge_recordings(self._store, cutoff, self.recordings.folder)

    def flush(self, timeout: float = 5.0) -> bool:
        """Waits until every queued write is done (tests, shutdown). Once closed it returns at once (a late
        caller, such as a call ended by the stopping agent, must not wait on a writer that has left)."""
        if self._closed:
            return not self._writer.is_alive()
        done = threading.Event()
        self._writes.put(done.set)
        return done.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        self.flush(timeout)
        self._closed = True
        self._writes.put(None)
        self._writer.join(timeout)

    # the writer thread --------------------------------------------------------------------------
    def _write(self, job: Callable[[], object]) -> None:
        self._writes.put(lambda: _discard(job()))

    def _write_loop(self) -> None:
        """Writer thread: runs the writes in order.

        A write the store refuses for now (busy, disk full, read-only folder) is kept and retried, and the
        writes after it wait behind it, so a call is never dropped from the log nor its end written before
        its start; the operator is told once per outage and again when it is written. Any other failure
        is reported and the next write runs.
        """
        backlog: deque[Callable[[], None]] = deque()
        while True:
            try:
                job = self._writes.get(timeout=self._retry_seconds if backlog else None)
            except queue.Empty:
                job = _RETRY_NOW
            if job is None:
                self._run_backlog(backlog)
                return
            if job is not _RETRY_NOW:
                backlog.append(job)
            self._run_backlog(backlog)

    def _run_backlog(self, backlog: deque[Callable[[], None]]) -> None:
        while backlog:
            try:
                backlog[0]()
            except (StoreError, OperationalError) as error:
                if not self._write_outage:
                    self._write_outage = True
                    log.warning("call log write deferred: %s", type(error).__name__)
                    reason = error if isinstance(error, StoreError) else explain(error)
                    self._on_error(
                        f"Chưa ghi được nhật ký cuộc gọi: {reason} "
                        "Cuộc gọi được giữ lại và sẽ tự ghi khi kho dữ liệu ghi được."
                    )
                return
            except Exception as error:
                backlog.popleft()
                log.exception("phone desk write failed")
                self._on_error(f"Không ghi được nhật ký cuộc gọi: {error}")
            else:
                backlog.popleft()
                if self._write_outage and not backlog:
                    self._write_outage = False
                    self._on_error("Đã ghi bù nhật ký cuộc gọi bị chậm; không mất cuộc gọi nào.")

    def _settle(self, number: str) -> None:
        if not is_hidden(number):
            self.callbacks.settle_for_caller(number)

    def _enqueue_missed(self, kind: CallbackKind, number: str, log_id: str) -> None:
        if is_hidden(number):
            return  # a withheld caller cannot be called back
        self.callbacks.enqueue(kind, number, call_id=log_id)

    def _save_wrap_up(self, log_id: str, disposition: Disposition) -> None:
        from desktop.services.phone.recordings import save_wrap_up

        save_wrap_up(self._store, log_id, disposition, self._who.name, self._clock())

    def _correct_attempt(self, callback_id: str, log_id: str) -> None:
        self.callbacks.correct_last_attempt(callback_id, AttemptOutcome.WRONG_NUMBER, call_id=log_id)

    def _register_recording(self, log_id: str, path: Path, at: datetime) -> None:
        from desktop.services.phone.recordings import register_recording

        register_recording(self._store, log_id, path, at)

    @staticmethod
    def _callback_outcome(reason: EndReason) -> AttemptOutcome:
        return _CALLBACK_OUTCOMES.get(reason, AttemptOutcome.NO_ANSWER)


def _quality_line(quality: CallQuality) -> str:
    """A call's RTCP figures for the log (a technician's first question: was the line bad, which way)."""
    line = (
        f"audio received lost {quality.packets_lost} of {quality.packets_expected} packets "
        f"({quality.loss_percent or 0.0:.1f} %), jitter {quality.jitter_ms:.1f} ms"
    )
    if quality.remote_packets_lost is not None:
        line += f"; far end lost {quality.remote_packets_lost} of {quality.remote_packets_expected} of ours"
        line += f", jitter {quality.remote_jitter_ms:.1f} ms"
    if quality.round_trip_ms is not None:
        line += f"; round trip {quality.round_trip_ms:.0f} ms"
    return f"{line}; RTCP reports sent {quality.reports_sent}, received {quality.reports_received}"


def _retry_now() -> None:
    """Wakes the writer to retry its backlog (never run itself)."""


_RETRY_NOW = _retry_now


def transfer_target(uri: str) -> str:
    """What the log keeps of a transfer's target: the number dialled (the user part of sip:1004@pbx)."""
    rest = uri.split(":", 1)[1] if uri.startswith(("sip:", "sips:", "tel:")) else uri
    return rest.split("@", 1)[0].split(";", 1)[0] or uri
