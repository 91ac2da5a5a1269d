"""The calls of one agent and what every part of a call uses: who may speak in a dialog, the requests sent
inside one (RFC 3261 §12.2), a call's state changes and its end. Held by the call manager (`calls.py`),
which gives it to its offer/answer part (`negotiation.py`) and its transfer part (`transfer.py`); its
methods run under the agent lock."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

from desktop.telephony.conference import Bridges
from desktop.telephony.config import AgentPolicy, SipAccount
from desktop.telephony.dialog import Call, Outgoing
from desktop.telephony.events import CallEnded, CallState, CallStateChanged, EndReason, TelephonyEvent
from desktop.telephony.message import SipMessage, SipParseError, build_request, parse_name_addr, parse_uri
from desktop.telephony.nat import PublicAddress
from desktop.telephony.refusals import RefusalLog
from desktop.telephony.sdp import STATIC_CODECS
from desktop.telephony.transaction import TransactionLayer, new_branch
from desktop.telephony.transport import Address

log = logging.getLogger(__name__)


def tag_of(value: str | None) -> str:
    try:
        return parse_name_addr(value or "").tag
    except SipParseError:
        return ""


class Dialogs:
    """Every call of one agent by Call-ID, and the dialog primitives its parts share."""

    def __init__(
        self,
        account: SipAccount,
        policy: AgentPolicy,
        public: PublicAddress,
        server: Address,
        transactions: TransactionLayer,
        send: Callable[[bytes, Address], bool],
        emit: Callable[[TelephonyEvent], None],
    ) -> None:
        self.account = account
        self.policy = policy
        self.public = public
        self.server = server
        self.tx = transactions
        self.send = send
        self.emit = emit
        self.calls: dict[str, Call] = {}
        self.bridges = Bridges()  # three-way calls: a call's audio mixed with another's
        self.refused = RefusalLog()

    # who may speak in a dialog -------------------------------------------------------------------
    def from_trusted(self, source: Address) -> bool:
        """The registrar / outbound proxy, or a host the administrator lists."""
        return source == self.server or source[0] in self.policy.trusted_hosts

    def from_dialog_peer(self, call: Call, source: Address) -> bool:
        """Where this dialog's requests may come from: the PBX, the address its INVITE came from, or the
        peer's Contact (a caller's BYE goes straight there when the proxy does not record-route)."""
        if self.from_trusted(source) or source == call.source:
            return True
        try:
            target = parse_uri(call.remote_target)
        except SipParseError:
            return False
        return (target.host, target.port or 5060) == source

    def dialog_of(self, request: SipMessage) -> Call | None:
        """The call whose dialog this in-dialog request belongs to (Call-ID and both tags)."""
        call = self.calls.get(request.call_id)
        if call is None:
            return None
        tags = (tag_of(request.header("From")), tag_of(request.header("To")))
        return call if tags == (call.remote_tag, call.local_tag) else None

    # requests ------------------------------------------------------------------------------------
    def target_uri(self, number: str) -> str:
        """The SIP URI of an extension, a phone number or a SIP URI, in our PBX's domain."""
        domain = self.account.realm_domain
        target = number if number.startswith(("sip:", "sips:")) else f"sip:{number}@{domain}"
        parse_uri(target)  # SipParseError for nonsense
        return target

    def contact(self) -> list[tuple[str, str]]:
        return [("Contact", f"<{self.public.contact_uri(self.account.user)}>")]

    def request_headers(self, call: Call, branch: str, cseq: int, method: str) -> list[tuple[str, str]]:
        """The headers every request of this call starts with (§8.1.1)."""
        return [
            ("Via", self.public.via(branch)),
            ("Max-Forwards", "70"),
            ("From", call.local_party),
            ("To", call.remote_party),
            ("Call-ID", call.call_id),
            ("CSeq", f"{cseq} {method}"),
        ]

    def send_in_dialog(self, call: Call, method: str) -> None:
        call.local_cseq += 1
        call.acked.set()
        request = self.in_dialog_request(call, method, cseq=call.local_cseq)
        if request is not None:  # retransmitted on Timers E/F over UDP (RFC 3261 §17.1.2)
            self.tx.send_request(
                method,
                request.branch,
                request.data,
                request.destination,
                lambda _: None,
                lambda: log.warning("%s of call %s got no answer (Timer F)", method, call.call_id),
            )

    def in_dialog_request(self, call: Call, method: str, *, cseq: int) -> Outgoing | None:
        """A request inside the dialog (§12.2.1.1): Request-URI = remote target, Route = the route set."""
        parts = self.in_dialog_parts(call, method, cseq=cseq, extra=[("User-Agent", self.policy.user_agent)])
        if parts is None:
            return None
        request_uri, headers, destination, branch = parts
        return Outgoing(build_request(method, request_uri, headers), destination, branch)

    def in_dialog_parts(
        self, call: Call, method: str, *, cseq: int, extra: list[tuple[str, str]]
    ) -> tuple[str, list[tuple[str, str]], Address, str] | None:
        """Request-URI, headers, next hop and branch of an in-dialog request; None without a next hop."""
        routes = list(call.route_set)
        request_uri = call.remote_target
        if routes and ";lr" not in routes[0]:  # a strict router: its URI becomes the Request-URI
            request_uri = parse_name_addr(routes[0]).uri
            routes = [*routes[1:], f"<{call.remote_target}>"]
        try:
            next_hop = parse_uri(parse_name_addr(routes[0]).uri if routes else request_uri)
            destination = (socket.gethostbyname(next_hop.host), next_hop.port or 5060)
        except (SipParseError, OSError) as error:
            log.warning("%s for %s not sent: no next hop (%s)", method, call.call_id, error)
            return None
        branch = new_branch()
        headers = [
            *self.request_headers(call, branch, cseq, method),
            *[("Route", route) for route in routes],
            *extra,
        ]
        return request_uri, headers, destination, branch

    # a call's life -------------------------------------------------------------------------------
    def set_state(self, call: Call, state: CallState) -> None:
        call.state = state
        if state is CallState.ANSWERED:
            call.answered = True
        self.emit(CallStateChanged(call.call_id, state, call.direction, srtp_suite=call.srtp_suite))

    def no_ack(self, call: Call) -> None:
        """Our 2xx was never acknowledged: the dialog is not there (RFC 3261 §13.3.1.4)."""
        if call.state is CallState.ANSWERED:
            self.send_in_dialog(call, "BYE")
            self.end(call, EndReason.NO_ACK, detail="no ACK for our 200 OK")

    def end(self, call: Call, reason: EndReason, *, code: int | None = None, detail: str = "") -> None:
        if call.state is CallState.ENDED:
            return
        call.state = CallState.ENDED
        sent = received = 0
        quality = None
        if call.session is not None:
            call.session.stop()
            sent, received = call.session.packets_out, call.session.packets_in
            quality = call.session.quality()
            call.session = None  # the sink and source go now, not when the last timer lets go of the call
        if call.rtp is not None:
            call.rtp.close()
        self.bridges.forget(call.call_id)
        self.calls.pop(call.call_id, None)
        self.emit(
            CallEnded(
                call.call_id,
                reason,
                call.direction,
                answered=call.answered,
                code=code,
                detail=detail,
                packets_sent=sent,
                packets_received=received,
                srtp_suite=call.srtp_suite if call.answered else "",
                quality=quality,
                codec=STATIC_CODECS.get(call.codec, "") if call.codec is not None else "",
            )
        )
