"""The agent's plain event types (no Qt) and the daemon thread that delivers them in order."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from desktop.domain.codes import CallDirection, CallOutcome

log = logging.getLogger(__name__)


class RegistrationState(StrEnum):
    UNREGISTERED = "unregistered"
    REGISTERING = "registering"
    REGISTERED = "registered"
    UNREACHABLE = "unreachable"  # no answer or a server error: retrying with backoff
    AUTH_FAILED = "auth_failed"  # credentials refused: no retry until the user acts
    STOPPED = "stopped"


class CallState(StrEnum):
    DIALING = "dialing"  # outbound: INVITE sent, nothing heard yet
    RINGING = "ringing"  # inbound: ringing here; outbound: 180/183 from the far end
    ANSWERED = "answered"
    ENDED = "ended"


class EndReason(StrEnum):
    REMOTE_HANGUP = "remote_hangup"
    LOCAL_HANGUP = "local_hangup"
    ABANDONED = "abandoned"  # inbound: the caller cancelled while it was ringing (we sent 487)
    REJECTED = "rejected"  # inbound: the operator declined (486/603)
    CANCELLED = "cancelled"  # outbound: the operator gave up before an answer
    BUSY = "busy"  # outbound: 486/600
    NO_ANSWER = "no_answer"  # outbound: 408/480, or no final response in time
    DECLINED = "declined"  # outbound: 603
    NOT_FOUND = "not_found"  # outbound: 404/484/604
    AUTH_FAILED = "auth_failed"  # outbound: the proxy refused our credentials
    FAILED = "failed"  # any other SIP failure (the code says which)
    NO_ACK = "no_ack"  # inbound: our 2xx was never acknowledged
    TRANSFERRED = "transferred"  # the far end is now connected to a transfer target (REFER succeeded)
    SHUTDOWN = "shutdown"

    @property
    def outcome(self) -> CallOutcome:
        """The domain outcome for a call that ended this way without being answered."""
        return _OUTCOMES.get(self, CallOutcome.FAILED)


_OUTCOMES = {
    EndReason.ABANDONED: CallOutcome.ABANDONED,
    EndReason.REJECTED: CallOutcome.MISSED,
    EndReason.NO_ANSWER: CallOutcome.MISSED,
    EndReason.BUSY: CallOutcome.BUSY,
    EndReason.DECLINED: CallOutcome.BUSY,
}


@dataclass(frozen=True)
class RegistrationChanged:
    """The registration moved to `state`; `code`/`reason` are the server's when it answered."""

    state: RegistrationState
    code: int | None = None
    reason: str = ""
    expires: int | None = None
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class RegistrationRefreshed:
    """A refresh succeeded while already registered; `expires` is what the server granted."""

    expires: int
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class IncomingCall:
    """An INVITE arrived and is ringing. `received_at` is the datagram's arrival (time.monotonic)."""

    call_id: str
    number: str
    display_name: str
    remote_uri: str
    identity_source: str  # "P-Asserted-Identity" or "From"
    received_at: float
    # Asked on the event thread before costly work for the pop-up (the caller's history): False once the
    # call has ended (CANCEL, shutdown), so a flood or a desk that stops leaves no look-up behind.
    still_ringing: Callable[[], bool] = field(default=lambda: True, compare=False, repr=False)


@dataclass(frozen=True)
class CallStateChanged:
    call_id: str
    state: CallState
    direction: CallDirection
    srtp_suite: str = ""  # on ANSWERED: the SRTP suite encrypting the audio, "" = plain RTP


@dataclass(frozen=True)
class CallQuality:
    """A call's audio quality from RTCP (RFC 3550): what we received, and the far end's last report of
    what we sent (None when it sent no report about us)."""

    packets_expected: int = 0  # of the far end's audio, from its sequence numbers
    packets_lost: int = 0
    jitter_ms: float = 0.0  # interarrival jitter (A.8), averaged over the call
    reports_sent: int = 0
    reports_received: int = 0
    remote_packets_expected: int | None = None
    remote_packets_lost: int | None = None
    remote_jitter_ms: float | None = None
    round_trip_ms: float | None = None  # from its LSR/DLSR, when it echoed one of our SRs

    @property
    def loss_percent(self) -> float | None:
        """Packets lost of those expected, in per cent; None when nothing arrived."""
        if self.packets_expected <= 0:
            return None
        return round(100.0 * self.packets_lost / self.packets_expected, 2)

    @property
    def remote_loss_percent(self) -> float | None:
        if not self.remote_packets_expected or self.remote_packets_lost is None:
            return None
        return round(100.0 * self.remote_packets_lost / self.remote_packets_expected, 2)


@dataclass(frozen=True)
class CallEnded:
    """The call is over; `answered` says whether it was ever connected."""

    call_id: str
    reason: EndReason
    direction: CallDirection
    answered: bool
    code: int | None = None
    detail: str = ""
    packets_sent: int = 0  # RTP packets of the call each way: audio evidence for a technician
    packets_received: int = 0
    srtp_suite: str = ""  # the SRTP suite of the answered call's audio, "" = plain RTP
    quality: CallQuality | None = None  # None when no RTP ran (not answered, or no usable media)
    codec: str = ""  # the audio codec the call used ("PCMA", "PCMU"), "" when no media was agreed

    @property
    def outcome(self) -> CallOutcome:
        return CallOutcome.ANSWERED if self.answered else self.reason.outcome


@dataclass(frozen=True)
class DtmfReceived:
    """The far end pressed a key (RFC 4733 telephone-event), reported once per key press."""

    call_id: str
    digit: str


@dataclass(frozen=True)
class CallHoldChanged:
    """An offer/answer changed who holds whom (RFC 3264 §8.4). `media` is our direction as in SDP:
    "sendrecv" (talking), "sendonly" (we hold the far end), "recvonly" (it holds us), "inactive" (both)."""

    call_id: str
    local_hold: bool
    remote_hold: bool
    media: str


class TransferState(StrEnum):
    REQUESTED = "requested"  # REFER sent
    TRYING = "trying"  # the far end accepted the REFER (202) or reports a provisional (NOTIFY 1xx)
    SUCCEEDED = "succeeded"  # the far end reached the target (NOTIFY 2xx): our leg ends as TRANSFERRED
    FAILED = "failed"  # REFER refused, the target refused (NOTIFY >= 300), or no result in time


@dataclass(frozen=True)
class TransferChanged:
    """Progress of a transfer of `call_id` (RFC 3515): `code` is the REFER's status or the sipfrag's; the
    call stays ours unless SUCCEEDED. `consultation`: the call an attended transfer replaces ("" = blind)."""

    call_id: str
    state: TransferState
    code: int | None = None
    detail: str = ""
    consultation: str = ""
    target: str = ""  # the Refer-To URI without its headers (sip:1004@pbx)


@dataclass(frozen=True)
class StunResult:
    """What the STUN server (RFC 5389) said at start: our public address, or why there is none."""

    server: str
    mapped: tuple[str, int] | None
    error: str = ""


@dataclass(frozen=True)
class MalformedMessage:
    """A datagram was refused (answered 400 when a response was possible)."""

    source: tuple[str, int]
    problem: str
    answered_400: bool


TelephonyEvent = (
    RegistrationChanged
    | RegistrationRefreshed
    | IncomingCall
    | CallStateChanged
    | CallEnded
    | DtmfReceived
    | CallHoldChanged
    | TransferChanged
    | StunResult
    | MalformedMessage
)
Listener = Callable[[TelephonyEvent], None]


class EventDispatcher:
    """Delivers events to the listener on one daemon thread, in emission order, never under a SIP lock."""

    _STOP = object()

    def __init__(self, listener: Listener) -> None:
        self._listener = listener
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="sip-events", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def emit(self, event: TelephonyEvent) -> None:
        self._queue.put(event)

    def stop(self, timeout: float = 0.5) -> None:
        """Deliver what is queued (bounded by `timeout`) and end the thread."""
        self._queue.put(self._STOP)
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        """Event thread: calls the listener; a listener exception is logged, never fatal."""
        while True:
            item = self._queue.get()
            if item is self._STOP:
                return
            try:
                self._listener(item)  # type: ignore[arg-type]
            except Exception:
                log.exception("telephony event listener failed on %r", item)


class CallNotFound(KeyError):
    """No call with this id, or not in a state that allows the action."""
