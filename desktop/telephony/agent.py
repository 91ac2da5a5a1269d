"""The SIP user agent: lifecycle, the receive path, OPTIONS and malformed input; calls in `calls.py`."""

from __future__ import annotations

import logging
import socket
import threading

from desktop.telephony.calls import CallInfo, CallManager
from desktop.telephony.config import AgentPolicy, SipAccount
from desktop.telephony.dialog import AudioFactory, no_audio
from desktop.telephony.events import (
    CallNotFound,
    EventDispatcher,
    Listener,
    MalformedMessage,
    RegistrationState,
    StunResult,
    TelephonyEvent,
)
from desktop.telephony.media_engine import MediaEngine
from desktop.telephony.message import SipMessage, SipParseError, build_response, parse_message
from desktop.telephony.nat import PublicAddress
from desktop.telephony.registration import ALLOW, Registrar
from desktop.telephony.stun import StunError, StunServer
from desktop.telephony.stun import discover as stun_discover
from desktop.telephony.timers import Scheduler
from desktop.telephony.transaction import TransactionLayer
from desktop.telephony.transport import Address, TcpTransport, TlsTransport, UdpTransport, tls_context

__all__ = ["CallInfo", "CallNotFound", "SipAgent"]

log = logging.getLogger(__name__)

MAX_SIP_UDP = 16384  # a larger datagram is refused (RFC 3261 §18.1.1 wants TCP well before this)
_KNOWN_UNSUPPORTED = frozenset({"PRACK", "UPDATE", "SUBSCRIBE", "MESSAGE", "REFER", "PUBLISH"})


class SipAgent:
    """A Qt-free SIP UA over UDP, TCP or TLS. Events go to `listener` on the event thread, in order."""

    def __init__(
        self,
        account: SipAccount,
        listener: Listener,
        policy: AgentPolicy | None = None,
        audio: AudioFactory = no_audio,
    ) -> None:
        """`audio(call_id, direction)`: an answered call's sink and source (used on the media thread)."""
        self.account = account
        self.policy = policy or AgentPolicy()
        self._audio = audio
        self._lock = threading.RLock()
        self._events = EventDispatcher(listener)
        self._scheduler = Scheduler()
        self._media = MediaEngine()
        self._transport: UdpTransport | TcpTransport | None = None
        self._tx: TransactionLayer | None = None
        self._registrar: Registrar | None = None
        self._calls: CallManager | None = None
        self._public: PublicAddress | None = None
        self._started = False
        self._do_not_disturb: int | None = None

    # lifecycle -----------------------------------------------------------------------------------
    def start(self) -> None:
        """Bind the SIP port, start the threads and register. Raises OSError when the port is taken."""
        if self._started or self._transport is not None:
            raise RuntimeError("an agent starts once")
        hop_host, hop_port = self.account.next_hop
        server = (socket.gethostbyname(hop_host), hop_port)
        self._transport = self._make_transport()
        local = self._transport.address
        host, port, media_host = self.account.contact_host, self.account.contact_port, self.account.media_host
        mapped = self._stun()
        if mapped is not None:  # configured values still win
            host = host or mapped[0]
            port = port or (mapped[1] if self.account.transport == "udp" else 0)
            media_host = media_host or mapped[0]
        self._public = PublicAddress.for_socket(
            local, server, host=host, port=port, media_host=media_host, transport=self.account.transport
        )
        self._tx = TransactionLayer(
            self._transport.send,
            self._scheduler,
            self._lock,
            self.policy.timers,
            reliable=self.account.transport in ("tcp", "tls"),
            send_error=lambda: getattr(self._transport, "last_error", ""),
        )
        self._registrar = Registrar(
            self.account, self.policy, self._public, server, self._tx, self._scheduler, self._lock, self._emit
        )
        self._calls = CallManager(
            self.account,
            self.policy,
            local,
            server,
            self._tx,
            self._scheduler,
            self._transport.send,
            self._emit,
            self._audio,
            self._public,
            self._media,
        )
        self._calls.do_not_disturb = self._do_not_disturb
        self._started = True
        self._events.start()
        self._scheduler.start()
        self._media.start()
        self._transport.start()
        with self._lock:
            self._registrar.start()

    def _stun(self) -> Address | None:
        """Our public address from the STUN server, asked from the SIP socket itself on UDP (so the port
        is the SIP mapping) or from a fresh UDP socket otherwise (the address only). None on failure."""
        if not self.account.stun_server:
            return None
        server = StunServer.parse(self.account.stun_server)
        transport = self._transport
        try:
            if isinstance(transport, UdpTransport):
                mapped = stun_discover(transport.socket, server, self.policy.stun_timeout)
            else:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                    probe.bind((self.account.local_host, 0))
                    mapped = stun_discover(probe, server, self.policy.stun_timeout)
        except StunError as error:
            log.warning("STUN: %s; advertising the local address", error)
            self._emit(StunResult(self.account.stun_server, None, str(error)))
            return None
        log.info("STUN: public address %s:%s", *mapped)
        self._emit(StunResult(self.account.stun_server, mapped))
        return mapped

    def _make_transport(self) -> UdpTransport | TcpTransport:
        host, port = self.account.local_host, self.account.local_port
        if self.account.transport == "tls":
            context = tls_context(self.account.tls_ca_file)
            server_name = self.account.next_hop[0]
            return TlsTransport(host, port, self._on_datagram, context=context, server_name=server_name)
        if self.account.transport == "tcp":
            return TcpTransport(host, port, self._on_datagram)
        return UdpTransport(host, port, self._on_datagram)

    def stop(self) -> None:
        """End calls, unregister (bounded wait) and stop every thread; returns within ~2 s."""
        if not self._started:
            return
        assert self._registrar is not None and self._tx is not None and self._transport is not None
        assert self._calls is not None
        with self._lock:
            self._calls.shutdown()
            self._started = False
            done = self._registrar.unregister()
        done.wait(self.policy.unregister_timeout)
        with self._lock:
            self._registrar.stop()
            self._tx.clear()
        self._scheduler.stop()
        self._media.stop()
        self._transport.stop()
        self._events.stop()

    @property
    def local_address(self) -> Address:
        if self._transport is None:
            raise RuntimeError("agent not started")
        return self._transport.address

    @property
    def public_address(self) -> Address:
        """What Via/Contact advertise: configured, or learnt from the registrar (RFC 3581 received/rport)."""
        if self._public is None:
            raise RuntimeError("agent not started")
        with self._lock:
            return self._public.host, self._public.port

    @property
    def registration_state(self) -> RegistrationState:
        return self._registrar.state if self._registrar else RegistrationState.UNREGISTERED

    def calls(self) -> list[CallInfo]:
        with self._lock:
            return self._calls.snapshot() if self._calls else []

    def resource_counts(self) -> dict[str, int]:
        """Sizes of internal tables, for leak checks in tests and benchmarks (connections: TCP only;
        media_streams: calls the media thread serves)."""
        client, server = self._tx.counts() if self._tx else (0, 0)
        transport = self._transport
        connections = transport.connection_count() if isinstance(transport, TcpTransport) else 0
        with self._lock:
            return {
                "calls": len(self._calls or ()),
                "client_tx": client,
                "server_tx": server,
                "connections": connections,
                "media_streams": len(self._media),
            }

    # call control (any thread) -------------------------------------------------------------------
    def answer(self, call_id: str) -> None:
        """Answer a ringing inbound call: 200 OK with our SDP, retransmitted until the ACK."""
        with self._lock:
            self._manager().answer(call_id)

    def reject(self, call_id: str, code: int = 486) -> None:
        """Refuse a ringing inbound call: 486 Busy Here (default), 603 Decline or 480."""
        if code not in (486, 603, 480):
            raise ValueError("reject with 486, 603 or 480")
        with self._lock:
            self._manager().reject(call_id, code)

    def set_do_not_disturb(self, code: int | None) -> None:
        """From now on answer new calls with `code` (486 Busy Here or 480 Temporarily Unavailable)
        instead of ringing, or let them ring again (None). Calls already ringing or on are untouched."""
        if code not in (None, 486, 480):
            raise ValueError("do not disturb with 486 or 480")
        with self._lock:
            self._do_not_disturb = code
            if self._calls is not None:
                self._calls.do_not_disturb = code

    @property
    def do_not_disturb(self) -> int | None:
        return self._do_not_disturb

    def dial(self, number: str) -> str:
        """Call `number` (an extension, a phone number or a SIP URI); returns the call id at once."""
        with self._lock:
            return self._manager().dial(number)

    def cancel(self, call_id: str) -> None:
        """Give up an outbound call that is not answered yet."""
        with self._lock:
            self._manager().cancel(call_id)

    def hangup(self, call_id: str) -> None:
        """End a call whatever its state: BYE, CANCEL or 603 as fits."""
        with self._lock:
            self._manager().hangup(call_id)

    def hold(self, call_id: str) -> None:
        """Put an answered call on hold (re-INVITE offering sendonly); `CallHoldChanged` tells the result."""
        with self._lock:
            self._manager().set_hold(call_id, True)

    def resume(self, call_id: str) -> None:
        """Take a held call off hold (re-INVITE offering sendrecv); `CallHoldChanged` tells the result."""
        with self._lock:
            self._manager().set_hold(call_id, False)

    def send_dtmf(self, call_id: str, digits: str) -> None:
        """Send key presses to the far end as RFC 4733 events (answered calls only)."""
        with self._lock:
            self._manager().send_dtmf(call_id, digits)

    def transfer(self, call_id: str, number: str) -> None:
        """Blind transfer: REFER the far end of an answered call to `number`; `TransferChanged` reports
        the progress; on success the call ends as `TRANSFERRED`, on failure it stays ours."""
        with self._lock:
            self._manager().transfer(call_id, number)

    def attended_transfer(self, call_id: str, consultation_id: str) -> None:
        """Attended transfer: the far end of `call_id` replaces our consultation call (REFER + Replaces)."""
        with self._lock:
            self._manager().attended_transfer(call_id, consultation_id)

    def join(self, first: str, second: str) -> None:
        """A three-way call: both answered calls are resumed and mixed with the operator here."""
        with self._lock:
            self._manager().join(first, second)

    def split(self, call_id: str) -> None:
        """Undo `join`: each call hears only the operator again (holds are the caller's to set)."""
        with self._lock:
            self._manager().split(call_id)

    def joined(self, call_id: str) -> str | None:
        with self._lock:
            return self._calls.joined(call_id) if self._calls else None

    def _manager(self) -> CallManager:
        if self._calls is None or not self._started:
            raise RuntimeError("agent not started")
        return self._calls

    # receive path (receive thread) ---------------------------------------------------------------
    def _on_datagram(self, data: bytes, source: Address, arrived: float) -> None:
        """Receive thread: parse, answer 400 to what is broken, dispatch the rest."""
        if not data.strip(b"\r\n\x00 "):
            return  # CRLF / NUL keepalives
        if len(data) > MAX_SIP_UDP:
            self._refuse(data[:4096], source, f"{len(data)}-byte datagram", 513, "Message Too Large")
            return
        try:
            message = parse_message(data)
        except SipParseError as error:
            self._refuse_parsed(error.partial, source, str(error))
            return
        if message.defects:
            log.info("SIP message from %s:%s has defects (kept): %s", *source, "; ".join(message.defects))
        if not message.is_request:
            if not message.top_via or not message.call_id or message.cseq[0] == 0:
                self._malformed(source, "response without Via/Call-ID/CSeq", answered=False)
                return
            if self._tx is not None and not self._tx.handle_response(message):
                log.debug("stray response %s from %s:%s", message.status, *source)
            return
        missing = message.missing_headers()
        if missing:
            self._refuse_parsed(message, source, "missing " + ", ".join(missing))
            return
        with self._lock:
            if not self._started:
                return
            self._on_request(message, source, arrived)

    def _refuse(self, data: bytes, source: Address, problem: str, code: int, reason: str) -> None:
        try:
            partial: SipMessage | None = parse_message(data.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
        except SipParseError as error:
            partial = error.partial
        self._refuse_parsed(partial, source, problem, code, reason)

    def _refuse_parsed(
        self, partial: SipMessage | None, source: Address, problem: str, code: int = 400, reason: str = ""
    ) -> None:
        answered = False
        if (
            partial is not None
            and partial.is_request
            and partial.method != "ACK"
            and self._transport is not None
        ):
            phrase = reason or f"Bad Request ({problem})"[:120]
            answered = self._transport.send(build_response(partial, code, phrase), source)
        self._malformed(source, problem, answered=answered)

    def _malformed(self, source: Address, problem: str, *, answered: bool) -> None:
        log.warning("malformed SIP from %s:%s: %s%s", *source, problem, " (answered)" if answered else "")
        self._emit(MalformedMessage(source=source, problem=problem, answered_400=answered))

    def _on_request(self, request: SipMessage, source: Address, arrived: float) -> None:
        assert self._tx is not None
        method = request.method or ""
        calls = self._manager()
        if method == "ACK":
            if not self._tx.acknowledge(request, source):
                calls.on_ack(request)
            return
        existing = self._tx.find_server(request, source)
        if existing is not None:
            if existing.last_response is not None:
                self._tx.respond(existing, existing.last_response, 100)  # re-send, no new timers
            return
        transaction = self._tx.create_server(request, source)
        if method == "INVITE":
            calls.on_invite(request, source, transaction, arrived)
        elif method == "CANCEL":
            calls.on_cancel(request, source, transaction)
        elif method == "BYE":
            calls.on_bye(request, transaction, source)
        elif method == "NOTIFY":
            calls.on_notify(request, transaction, source)
        elif method == "OPTIONS":
            headers = [("Allow", ALLOW), ("Accept", "application/sdp"), *self._contact_headers()]
            self._tx.respond(transaction, build_response(request, 200, headers=headers), 200)
        elif method == "INFO":
            calls.on_info(request, transaction, source)
        elif method in _KNOWN_UNSUPPORTED:
            self._tx.respond(transaction, build_response(request, 405, headers=[("Allow", ALLOW)]), 405)
        else:
            self._tx.respond(transaction, build_response(request, 501), 501)

    def _contact_headers(self) -> list[tuple[str, str]]:
        assert self._public is not None
        return [("Contact", f"<{self._public.contact_uri(self.account.user)}>")]

    def _emit(self, event: TelephonyEvent) -> None:
        self._events.emit(event)
