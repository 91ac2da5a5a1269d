"""Calls and their dialogs (RFC 3261 §12-§15): inbound INVITE/CANCEL/BYE, outbound dial/cancel, hang-up."""

from __future__ import annotations

import logging
import secrets
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from desktop.domain.codes import CallDirection
from desktop.telephony.auth import authorization, parse_challenge
from desktop.telephony.config import AgentPolicy, SipAccount
from desktop.telephony.dialog import AudioFactory, Call, no_audio
from desktop.telephony.dialogs import Dialogs, tag_of
from desktop.telephony.events import (
    CallNotFound,
    CallState,
    CallStateChanged,
    EndReason,
    IncomingCall,
    TelephonyEvent,
)
from desktop.telephony.media import NoFreeRtpPort, RtpEndpoint
from desktop.telephony.media_engine import MediaEngine
from desktop.telephony.media_keys import MediaKeys, answer_keys, answered_keys, offer_keys
from desktop.telephony.message import (
    NameAddr,
    SipMessage,
    SipParseError,
    build_request,
    build_response,
    parse_name_addr,
)
from desktop.telephony.nat import PublicAddress
from desktop.telephony.negotiation import Negotiation
from desktop.telephony.registration import ALLOW
from desktop.telephony.sdp import (
    TELEPHONE_EVENT,
    MediaOffer,
    answer_direction,
    choose_codec,
    negotiated,
    offer_order,
    parse_offer,
    preferred_payload,
)
from desktop.telephony.srtp import SrtpMode
from desktop.telephony.timers import Scheduler
from desktop.telephony.transaction import (
    ServerTransaction,
    TransactionLayer,
    ack_for_non_2xx,
    new_branch,
)
from desktop.telephony.transfer import Transfers
from desktop.telephony.transport import Address

log = logging.getLogger(__name__)

# Final responses to our INVITE and how the call ended (RFC 3261 §21).
_FAILURES = {
    486: EndReason.BUSY,
    600: EndReason.BUSY,
    408: EndReason.NO_ANSWER,
    480: EndReason.NO_ANSWER,
    603: EndReason.DECLINED,
    404: EndReason.NOT_FOUND,
    484: EndReason.NOT_FOUND,
    604: EndReason.NOT_FOUND,
    401: EndReason.AUTH_FAILED,
    403: EndReason.AUTH_FAILED,
    407: EndReason.AUTH_FAILED,
}


@dataclass(frozen=True)
class CallInfo:
    """A read-only snapshot of a call for the application."""

    call_id: str
    state: CallState
    direction: CallDirection
    rtp_port: int | None
    local_hold: bool = False
    remote_hold: bool = False
    srtp_suite: str = ""  # "" = plain RTP


def caller_identity(invite: SipMessage, *, trust_asserted: bool = True) -> tuple[NameAddr, str]:
    """Who is calling: P-Asserted-Identity when present, parseable and sent by a trusted proxy (RFC 3325:
    anyone can write the header), else From; and which one was used."""
    for value in invite.header_values("P-Asserted-Identity") if trust_asserted else ():
        try:
            return parse_name_addr(value), "P-Asserted-Identity"
        except SipParseError:
            continue
    return parse_name_addr(invite.header("From") or ""), "From"


def _with_tag(party: str, tag: str) -> str:
    return party if ";tag=" in party.replace(" ", "") else f"{party};tag={tag}"


class CallManager:
    """Every call of one agent. Methods run with the agent lock held (receive, timer or caller thread).

    Composed of parts it holds, each with its own state and no view of the others: `Dialogs` (the calls
    by Call-ID, requests inside a dialog, a call's end), `Negotiation` (offer/answer, hold, re-INVITEs)
    and `Transfers` (REFER and its NOTIFYs)."""

    def __init__(
        self,
        account: SipAccount,
        policy: AgentPolicy,
        local: Address,
        server: Address,
        transactions: TransactionLayer,
        scheduler: Scheduler,
        send: Callable[[bytes, Address], bool],
        emit: Callable[[TelephonyEvent], None],
        audio: AudioFactory = no_audio,
        public: PublicAddress | None = None,
        media: MediaEngine | None = None,
    ) -> None:
        """`local` is the bound socket (RTP binds its host); `public` what Via/Contact/SDP advertise;
        `media` the one thread serving every call's RTP (None: a thread per call)."""
        self._account = account
        self._policy = policy
        self._local = local
        self._public = public or PublicAddress(local[0], local[1])
        self._server = server
        self._tx = transactions
        self._send = send
        self._dialogs = dialogs = Dialogs(account, policy, self._public, server, transactions, send, emit)
        self._calls = dialogs.calls
        self._refused = dialogs.refused
        self._bridges = dialogs.bridges
        self._emit = emit
        # every call's audio can join a three-way call
        self._negotiation = Negotiation(dialogs, scheduler, dialogs.bridges.wrap(audio), media)
        self._transfers = Transfers(dialogs, scheduler)
        # The operator is not ready (a break, a meeting, after-call work): new calls get this final
        # response instead of ringing (the PBX offers them to another desk). None: calls ring.
        self.do_not_disturb: int | None = None

    def __len__(self) -> int:
        return len(self._calls)

    def snapshot(self) -> list[CallInfo]:
        return [
            CallInfo(
                c.call_id,
                c.state,
                c.direction,
                c.rtp.port if c.rtp else None,
                c.hold_applied,
                c.remote_hold,
                c.srtp_suite,
            )
            for c in self._calls.values()
        ]

    # inbound ------------------------------------------------------------------------------------
    def on_invite(
        self, invite: SipMessage, source: Address, transaction: ServerTransaction, arrived: float
    ) -> None:
        if tag_of(invite.header("To")):
            self._negotiation.on_reinvite(invite, source, transaction)
            return
        if self._policy.calls_from_pbx_only and not self.from_pbx_host(source):
            self._refused.note("a new call from outside the PBX", source)
            self._tx.respond(transaction, build_response(invite, 403), 403, invite=True)
            return
        if self.do_not_disturb is not None:
            self._refused.note("the operator is not ready (do not disturb)", source)
            code = self.do_not_disturb
            self._tx.respond(transaction, build_response(invite, code), code, invite=True)
            return
        already_ringing = sum(
            1
            for c in self._calls.values()
            if c.direction is CallDirection.INBOUND and c.state is CallState.RINGING
        )
        if already_ringing >= self._policy.max_ringing:
            self._refused.note("more ringing calls than allowed", source)
            self._tx.respond(transaction, build_response(invite, 486), 486, invite=True)
            return
        try:
            identity, identity_header = caller_identity(
                invite, trust_asserted=self._dialogs.from_trusted(source)
            )
            remote = parse_name_addr(invite.header("From") or "")
            contacts = invite.header_values("Contact")
            remote_target = parse_name_addr(contacts[0]).uri if contacts else remote.uri
        except SipParseError as error:
            self._tx.respond(
                transaction, build_response(invite, 400, f"Bad Request ({error})"), 400, invite=True
            )
            return
        if invite.call_id in self._calls:
            self._tx.respond(transaction, build_response(invite, 482), 482, invite=True)
            return
        offer = parse_offer(invite.body)
        if offer is not None and answer_keys(self._account.srtp, offer, None) is None:
            # refused before it rings: the operator would pick up a call that cannot be connected
            self._refused.note(_srtp_refusal(self._account.srtp, offer), source)
            self._tx.respond(transaction, build_response(invite, 488), 488, invite=True)
            return
        local_tag = secrets.token_hex(6)
        call = Call(
            call_id=invite.call_id,
            direction=CallDirection.INBOUND,
            local_tag=local_tag,
            local_party=_with_tag(invite.header("To") or "", local_tag),
            remote_party=invite.header("From") or "",
            remote_tag=remote.tag,
            remote_target=remote_target,
            route_set=invite.header_values("Record-Route"),
            invite=invite,
            source=source,
            transaction=transaction,
            remote_media=offer,
        )
        self._calls[call.call_id] = call
        # The event first (defect 1: pyVoIP waits 1 s), then the provisional responses.
        self._emit(
            IncomingCall(
                call_id=call.call_id,
                number=identity.user,
                display_name=identity.display_name,
                remote_uri=identity.uri,
                identity_source=identity_header,
                received_at=arrived,
                still_ringing=_ringing_while_alive(call),
            )
        )
        self._tx.respond(transaction, build_response(invite, 100), 100)
        ringing = build_response(invite, 180, to_tag=local_tag, headers=self._dialogs.contact())
        self._tx.respond(transaction, ringing, 180)

    def answer(self, call_id: str) -> None:
        """Answer a ringing inbound call: 200 OK with our SDP (an answer, or an offer when the INVITE had
        none: the answer then comes in the ACK), retransmitted until the ACK."""
        call = self._inbound_ringing(call_id)
        assert call.invite is not None and call.transaction is not None and call.source is not None
        offer = call.remote_media
        codec = choose_codec(offer, preferred_payload(self._account.codec)) if offer is not None else None
        keys = answer_keys(self._account.srtp, offer, None) if offer is not None else None
        if (offer is not None and codec is None) or (offer is None and call.invite.body.strip()):
            self._final_to_invite(call, 488)
            detail = "no common codec" if offer is not None else "SDP offer not understood"
            self._dialogs.end(call, EndReason.FAILED, code=488, detail=detail)
            return
        if offer is not None and keys is None:
            self._final_to_invite(call, 488)
            self._dialogs.end(
                call, EndReason.FAILED, code=488, detail=_srtp_refusal(self._account.srtp, offer)
            )
            return
        try:
            call.rtp = self._rtp()
        except NoFreeRtpPort as error:
            self._final_to_invite(call, 503)
            self._dialogs.end(call, EndReason.FAILED, code=503, detail=str(error))
            return
        if offer is None or codec is None or keys is None:  # late offer (§13.2.1): we offer, the ACK answers
            call.offered_keys = offer_keys(self._account.srtp, None)
            body = self._negotiation.local_sdp(
                call, offer_order(self._account.codec), TELEPHONE_EVENT, "sendrecv", call.offered_keys
            )
            call.offer_in_2xx = "sendrecv"
        else:
            direction = answer_direction(offer.direction, holding=False)
            body = self._negotiation.local_sdp(call, [codec], offer.telephone_event, direction, keys)
            call.keys = keys
        headers = [*self._dialogs.contact(), ("Content-Type", "application/sdp")]
        data = build_response(call.invite, 200, to_tag=call.local_tag, headers=headers, body=body)
        self._tx.respond(call.transaction, data, 200, invite=True)
        call.ack_cseq = call.invite.cseq[0]
        self._tx.retransmit_until_ack(data, call.source, call.acked, lambda: self._dialogs.no_ack(call))
        self._dialogs.set_state(call, CallState.ANSWERED)
        if offer is not None and codec is not None and keys is not None:
            self._negotiation.apply_media(call, offer, codec, direction, keys)

    def reject(self, call_id: str, code: int) -> None:
        call = self._inbound_ringing(call_id)
        self._final_to_invite(call, code)
        self._dialogs.end(call, EndReason.REJECTED, code=code)

    def on_cancel(self, cancel: SipMessage, source: Address, transaction: ServerTransaction) -> None:
        invite_tx = self._tx.find_server(cancel, source, method="INVITE")
        call = self._calls.get(cancel.call_id)
        if invite_tx is None or call is None or call.transaction is not invite_tx:
            self._tx.respond(transaction, build_response(cancel, 481), 481)
            return
        if source != call.source and not self._dialogs.from_trusted(source):
            # RFC 3261 §9.1: the CANCEL takes the INVITE's path; a third address that copied its ids
            # (a sniffer on the LAN) must not hang up the citizen's ringing call
            self._refused.note("CANCEL from outside the call's path", source)
            self._tx.respond(transaction, build_response(cancel, 481), 481)
            self._tx.forget_server(transaction)  # the caller's own CANCEL, same branch, still counts
            return
        self._tx.respond(transaction, build_response(cancel, 200, to_tag=call.local_tag), 200)
        if call.state is CallState.RINGING:
            self._final_to_invite(call, 487)
            self._dialogs.end(call, EndReason.ABANDONED, code=487, detail="caller hung up while ringing")

    def on_ack(self, ack: SipMessage) -> None:
        call = self._dialogs.dialog_of(ack)
        if call is None or ack.cseq[0] != call.ack_cseq or call.acked.is_set():
            return  # not ours, or a retransmitted ACK
        call.acked.set()
        if call.offer_in_2xx and call.state is CallState.ANSWERED:
            offered, call.offer_in_2xx = call.offer_in_2xx, ""
            answer = parse_offer(ack.body)
            codec = self._negotiation.answered_codec(call, answer)
            keys = self._keys_of_answer(call, answer)
            if answer is None or codec is None or keys is None:
                self._dialogs.send_in_dialog(
                    call, "BYE"
                )  # RFC 3261 §13.3.1.4: no usable answer, end the session
                detail = "no usable SDP answer in the ACK" if keys is not None else "SRTP refused in the ACK"
                self._dialogs.end(call, EndReason.FAILED, detail=detail)
                return
            self._negotiation.apply_media(call, answer, codec, negotiated(offered, answer.direction), keys)
        self._negotiation.after_exchange(call)

    def on_bye(self, bye: SipMessage, transaction: ServerTransaction, source: Address) -> None:
        call = self._dialogs.dialog_of(bye)
        if call is None:
            self._tx.respond(transaction, build_response(bye, 481), 481)
            return
        if not self._dialogs.from_dialog_peer(call, source):
            self._refused.note("BYE from outside the dialog", source)
            self._tx.respond(transaction, build_response(bye, 403), 403)
            return
        self._tx.respond(transaction, build_response(bye, 200), 200)
        call.acked.set()
        self._dialogs.end(call, EndReason.TRANSFERRED if call.replaced else EndReason.REMOTE_HANGUP)

    def on_info(self, info: SipMessage, transaction: ServerTransaction, source: Address) -> None:
        """INFO (RFC 6086) is only acknowledged, and only from the dialog's route: nothing is done with it."""
        call = self._dialogs.dialog_of(info)
        code = 481 if call is None else 200 if self._dialogs.from_dialog_peer(call, source) else 403
        if code == 403:
            self._refused.note("INFO from outside the dialog", source)
        self._tx.respond(transaction, build_response(info, code), code)

    def from_pbx_host(self, source: Address) -> bool:
        """The registrar's / outbound proxy's host on any port (a PBX may send from other sockets, over
        TCP from any port), or a listed host: where new calls may come from."""
        return source[0] == self._server[0] or source[0] in self._policy.trusted_hosts

    def dialog_of(self, request: SipMessage) -> Call | None:
        return self._dialogs.dialog_of(request)

    def set_hold(self, call_id: str, hold: bool) -> None:
        """Hold (offer sendonly) or resume (offer sendrecv) an answered call with a re-INVITE."""
        self._negotiation.set_hold(call_id, hold)

    def transfer(self, call_id: str, number: str) -> None:
        """Blind transfer of an answered call to `number` (REFER)."""
        self._transfers.transfer(call_id, number)

    def attended_transfer(self, call_id: str, consultation_id: str) -> None:
        """The far end of `call_id` takes over `consultation_id` (REFER with Replaces)."""
        self._transfers.attended_transfer(call_id, consultation_id)

    def on_notify(self, notify: SipMessage, transaction: ServerTransaction, source: Address) -> None:
        self._transfers.on_notify(notify, transaction, source)

    def _inbound_ringing(self, call_id: str) -> Call:
        call = self._calls.get(call_id)
        if call is None or call.direction is not CallDirection.INBOUND or call.state is not CallState.RINGING:
            raise CallNotFound(call_id)
        return call

    def _final_to_invite(self, call: Call, code: int, reason: str | None = None) -> None:
        assert call.invite is not None and call.transaction is not None
        data = build_response(call.invite, code, reason, to_tag=call.local_tag)
        self._tx.respond(call.transaction, data, code, invite=True)

    # outbound -----------------------------------------------------------------------------------
    def dial(self, number: str) -> str:
        """Start an outbound call to `number` through the server; returns the call id at once."""
        target = self._dialogs.target_uri(number)
        local_tag = secrets.token_hex(6)
        identity = f"<{self._account.aor}>"
        if self._account.display_name:
            escaped = self._account.display_name.replace('"', '\\"')
            identity = f'"{escaped}" {identity}'
        call = Call(
            call_id=f"{secrets.token_hex(12)}@{self._local[0]}",
            direction=CallDirection.OUTBOUND,
            local_tag=local_tag,
            local_party=f"{identity};tag={local_tag}",
            remote_party=f"<{target}>",
            remote_target=target,
            request_uri=target,
            state=CallState.DIALING,
            rtp=self._rtp(),
        )
        self._calls[call.call_id] = call
        self._emit(CallStateChanged(call.call_id, CallState.DIALING, CallDirection.OUTBOUND))
        self._send_invite(call, None)
        return call.call_id

    def _send_invite(self, call: Call, credentials: tuple[str, str] | None) -> None:
        assert call.rtp is not None
        call.local_cseq += 1
        branch = new_branch()
        headers = [
            *self._dialogs.request_headers(call, branch, call.local_cseq, "INVITE"),
            *self._dialogs.contact(),
            ("Allow", ALLOW),
            ("User-Agent", self._policy.user_agent),
            ("Content-Type", "application/sdp"),
        ]
        if credentials is not None:
            headers.append(credentials)
        if call.offered_keys is None:  # an authenticated retry offers the same key
            call.offered_keys = offer_keys(self._account.srtp, None)
        body = self._negotiation.local_sdp(
            call, offer_order(self._account.codec), TELEPHONE_EVENT, "sendrecv", call.offered_keys
        )
        call.invite_branch, call.invite_headers, call.provisional_seen = branch, headers, False
        call.client = self._tx.send_request(
            "INVITE",
            branch,
            build_request("INVITE", call.request_uri, headers, body),
            self._server,
            lambda response: self._on_invite_response(call, response),
            lambda: self._invite_timed_out(call),
            ack_for_failure=ack_for_non_2xx(call.request_uri, headers),
        )

    def _on_invite_response(self, call: Call, response: SipMessage) -> None:
        status = response.status or 0
        if status < 200:
            call.provisional_seen = True
            if call.cancel_pending:
                self._send_cancel(call)
            elif status > 100 and call.state is CallState.DIALING:
                self._dialogs.set_state(call, CallState.RINGING)
            return
        if status < 300:
            self._on_invite_accepted(call, response)
            return
        if call.state is CallState.ENDED:
            return  # the 487 after our CANCEL: the transaction has ACKed it
        if status in (401, 407) and not call.auth_tried:
            credentials = self._credentials(response, call)
            if credentials is not None:
                call.auth_tried = True
                self._send_invite(call, credentials)
                return
        reason = _FAILURES.get(status, EndReason.FAILED)
        self._dialogs.end(call, reason, code=status, detail=response.reason)

    def _on_invite_accepted(self, call: Call, response: SipMessage) -> None:
        if call.ack is not None:  # a retransmitted 2xx: our ACK was lost
            self._send(call.ack.data, call.ack.destination)
            return
        call.acked.set()  # we are the UAC: no 2xx of ours awaits an ACK
        call.remote_tag = tag_of(response.header("To"))
        call.remote_party = response.header("To") or call.remote_party
        contacts = response.header_values("Contact")
        try:
            if contacts:
                call.remote_target = parse_name_addr(contacts[0]).uri
        except SipParseError:
            log.warning("2xx with an unusable Contact on %s; keeping %s", call.call_id, call.remote_target)
        call.route_set = list(reversed(response.header_values("Record-Route")))
        call.remote_media = parse_offer(response.body)
        call.ack = self._dialogs.in_dialog_request(call, "ACK", cseq=call.local_cseq)
        if call.ack is not None:
            self._send(call.ack.data, call.ack.destination)
        if call.state is CallState.ENDED:  # answered after we cancelled: end it properly
            self._dialogs.send_in_dialog(call, "BYE")
            return
        answer = call.remote_media
        codec = self._negotiation.answered_codec(call, answer)
        keys = self._keys_of_answer(call, answer)
        if answer is not None and keys is None:  # it answered our SRTP offer without a key
            self._dialogs.send_in_dialog(call, "BYE")
            self._dialogs.end(call, EndReason.FAILED, code=488, detail="the far end answered without SRTP")
            return
        call.keys = keys
        self._dialogs.set_state(call, CallState.ANSWERED)
        if codec is not None and answer is not None and keys is not None:
            self._negotiation.apply_media(call, answer, codec, negotiated("sendrecv", answer.direction), keys)

    def _invite_timed_out(self, call: Call) -> None:
        if call.state is not CallState.ENDED:
            self._dialogs.end(call, EndReason.NO_ANSWER, code=408, detail="no response to INVITE (Timer B)")

    def cancel(self, call_id: str) -> None:
        """Give up an outbound call before it is answered (CANCEL once a provisional arrived, §9.1)."""
        call = self._calls.get(call_id)
        if call is None or call.direction is not CallDirection.OUTBOUND or call.answered:
            raise CallNotFound(call_id)
        if call.provisional_seen:
            self._send_cancel(call)
        else:
            call.cancel_pending = True
        self._dialogs.end(call, EndReason.CANCELLED)

    def _send_cancel(self, call: Call) -> None:
        call.cancel_pending = False
        headers: list[tuple[str, str]] = []
        for name, value in call.invite_headers:
            if name == "CSeq":
                headers.append((name, f"{call.local_cseq} CANCEL"))
            elif name in ("Via", "From", "To", "Call-ID", "Max-Forwards", "Route"):
                headers.append((name, value))
        data = build_request("CANCEL", call.request_uri, headers)
        self._tx.send_request("CANCEL", call.invite_branch, data, self._server, lambda _: None, lambda: None)

    def _credentials(self, response: SipMessage, call: Call) -> tuple[str, str] | None:
        proxy = response.status == 407
        for value in response.header_values("Proxy-Authenticate" if proxy else "WWW-Authenticate"):
            challenge = parse_challenge(value, proxy=proxy)
            if challenge is not None:
                return challenge.response_header, authorization(
                    challenge,
                    method="INVITE",
                    uri=call.request_uri,
                    username=self._account.user,
                    password=self._account.password,
                )
        return None

    # both ---------------------------------------------------------------------------------------
    def hangup(self, call_id: str) -> None:
        """End a call: BYE when answered; 603 while an inbound call rings; CANCEL while dialing."""
        call = self._calls.get(call_id)
        if call is None:
            raise CallNotFound(call_id)
        if call.answered:
            self._dialogs.send_in_dialog(call, "BYE")
            self._dialogs.end(call, EndReason.LOCAL_HANGUP)
        elif call.direction is CallDirection.OUTBOUND:
            self.cancel(call_id)
        else:
            self.reject(call_id, 603)

    def shutdown(self) -> None:
        for call in list(self._calls.values()):
            if call.answered:
                self._dialogs.send_in_dialog(call, "BYE")
            elif call.direction is CallDirection.INBOUND:
                self._final_to_invite(call, 480, "Temporarily Unavailable")
            elif call.provisional_seen:
                self._send_cancel(call)
            self._dialogs.end(call, EndReason.SHUTDOWN)

    def join(self, first: str, second: str) -> None:
        """A three-way call: two answered calls hear each other and us (mixed here); both are resumed."""
        calls = [self._calls.get(first), self._calls.get(second)]
        for call_id, call in zip((first, second), calls, strict=True):
            if call is None or not call.answered or call.state is not CallState.ANSWERED:
                raise CallNotFound(call_id)
        if first == second:
            raise ValueError("a call cannot join itself")
        self._bridges.join(first, second)
        for call_id in (first, second):
            self._negotiation.set_hold(call_id, False)

    def split(self, call_id: str) -> None:
        """End the three-way mix of `call_id`: each call hears only us again."""
        self._bridges.split(call_id)

    def joined(self, call_id: str) -> str | None:
        """The call `call_id` is mixed with, if any."""
        return self._bridges.peer_of(call_id)

    def send_dtmf(self, call_id: str, digits: str) -> None:
        call = self._calls.get(call_id)
        if call is None or call.session is None:
            raise CallNotFound(call_id)
        call.session.send_dtmf(digits)

    def _keys_of_answer(self, call: Call, answer: MediaOffer | None) -> MediaKeys | None:
        """The keys once `answer` answered our pending offer (plain when we offered no key)."""
        offered, call.offered_keys = call.offered_keys or MediaKeys(), None
        return answered_keys(offered, answer) if answer is not None else offered

    def _rtp(self) -> RtpEndpoint:
        return RtpEndpoint(self._local[0], self._account.rtp_port_low, self._account.rtp_port_high)


def _srtp_refusal(mode: SrtpMode, offer: MediaOffer) -> str:
    """Why an offer's media security was refused (488), for the log and the call's end."""
    if mode is SrtpMode.REQUIRED and not offer.crypto:
        return "SRTP required: the offer has no usable key"
    if offer.secure_only and mode is SrtpMode.OFF:
        return "SRTP offered (RTP/SAVP) but turned off on this desk"
    return "RTP/SAVP offered without a usable key (a=crypto)"


def _ringing_while_alive(call: Call) -> Callable[[], bool]:
    """A call's "still ringing?" for its IncomingCall event, holding the call only weakly: listeners keep
    events (logs, a pop-up's queue), and a strong reference kept every finished call's dialog alive."""
    ref = weakref.ref(call)

    def still_ringing() -> bool:
        alive = ref()
        return alive is not None and alive.state is CallState.RINGING

    return still_ringing
