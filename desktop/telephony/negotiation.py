"""Offer/answer during a call's life (RFC 3264): RTP start and changes, re-INVITEs both ways (hold, resume,
session refresh, no-SDP re-offer, glare). A part the call manager holds; its methods run under the agent
lock."""

from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING

from desktop.domain.codes import CallDirection
from desktop.telephony.dialog import AudioFactory, Call
from desktop.telephony.dialogs import Dialogs
from desktop.telephony.events import CallHoldChanged, CallNotFound, CallState, DtmfReceived, EndReason
from desktop.telephony.media_keys import MediaKeys, answer_keys, answered_keys, offer_keys
from desktop.telephony.message import (
    SipMessage,
    SipParseError,
    build_request,
    build_response,
    parse_name_addr,
)
from desktop.telephony.registration import ALLOW
from desktop.telephony.rtp import RtpSession
from desktop.telephony.sdp import (
    TELEPHONE_EVENT,
    MediaOffer,
    answer_direction,
    build_sdp,
    choose_codec,
    negotiated,
    offer_order,
    parse_offer,
    preferred_payload,
)
from desktop.telephony.transaction import Flag, ServerTransaction, ack_for_non_2xx
from desktop.telephony.transport import Address

if TYPE_CHECKING:
    from desktop.telephony.media_engine import MediaEngine
    from desktop.telephony.timers import Scheduler

log = logging.getLogger(__name__)


class Negotiation:
    """The offer/answer part of a call manager: what it needs it is given, the calls' own offer/answer
    state is on each `Call` (`dialog.py`)."""

    def __init__(
        self, dialogs: Dialogs, scheduler: Scheduler, audio: AudioFactory, media: MediaEngine | None
    ) -> None:
        """`audio` makes each call's audio; `media` the one thread serving every call's RTP (None: a
        thread per call)."""
        self._dialogs = dialogs
        self._tx = dialogs.tx
        self._account = dialogs.account
        self._public = dialogs.public
        self._calls = dialogs.calls
        self._refused = dialogs.refused
        self._scheduler = scheduler
        self._audio = audio
        self._media = media

    def on_reinvite(self, invite: SipMessage, source: Address, transaction: ServerTransaction) -> None:
        """A re-INVITE (hold, resume, new address, session refresh, or no SDP: we offer in the 2xx)."""
        call = self._dialogs.dialog_of(invite)
        if call is None or call.rtp is None or not call.answered or call.state is CallState.ENDED:
            self._tx.respond(transaction, build_response(invite, 481), 481, invite=True)
            return
        if not self._dialogs.from_dialog_peer(call, source):  # someone else moving our caller's audio
            self._refused.note("re-INVITE from outside the dialog", source)
            self._tx.respond(transaction, build_response(invite, 403), 403, invite=True)
            return
        if call.update is not None:  # glare: our own re-INVITE is in progress (RFC 3261 §14.2)
            self._tx.respond(transaction, build_response(invite, 491), 491, invite=True)
            return
        if not call.acked.is_set() or invite.cseq[0] <= call.ack_cseq:
            retry = [("Retry-After", str(random.randint(0, 10)))]
            self._tx.respond(transaction, build_response(invite, 500, headers=retry), 500, invite=True)
            return
        offer = parse_offer(invite.body)
        if offer is None and invite.body.strip():
            self._tx.respond(transaction, build_response(invite, 488), 488, invite=True)
            return
        codec: int | None = None
        keys: MediaKeys | None = None
        if offer is None:
            direction = "sendonly" if call.local_hold else "sendrecv"
            call.offered_keys = offer_keys(self._account.srtp, call.keys)
            codecs, event = self._codecs_to_offer(call), self._event_to_offer(call)
            body = self.local_sdp(call, codecs, event, direction, call.offered_keys)
            call.offer_in_2xx = direction
        else:
            codec = (
                call.codec
                if call.codec in offer.payload_types
                else choose_codec(offer, preferred_payload(self._account.codec))
            )
            keys = answer_keys(self._account.srtp, offer, call.keys)
            if codec is None or keys is None:
                if keys is None:
                    log.warning("re-INVITE on %s refused: its offer drops or lacks SRTP", call.call_id)
                self._tx.respond(transaction, build_response(invite, 488), 488, invite=True)
                return
            direction = answer_direction(offer.direction, holding=call.local_hold)
            body = self.local_sdp(call, [codec], offer.telephone_event, direction, keys)
        self._refresh_target(call, invite)
        headers = [*self._dialogs.contact(), ("Content-Type", "application/sdp")]
        ok = build_response(invite, 200, headers=headers, body=body)
        self._tx.respond(transaction, ok, 200, invite=True)
        call.acked, call.ack_cseq = Flag(), invite.cseq[0]
        self._tx.retransmit_until_ack(ok, source, call.acked, lambda: self._dialogs.no_ack(call))
        if offer is not None and codec is not None and keys is not None:
            self.apply_media(call, offer, codec, direction, keys)

    def _start_media(self, call: Call) -> None:
        """RTP both ways once the offer/answer is done, to the far end's SDP address."""
        media = call.remote_media
        if call.rtp is None or media is None or call.codec is None or not media.port:
            log.info("call %s has no usable remote media; no RTP", call.call_id)
            return
        audio = self._audio(call.call_id, call.direction)
        call_id = call.call_id
        keys = call.keys
        call.session = RtpSession(
            call.rtp,
            (media.address, media.port),
            call.codec,
            call.telephone_event,
            audio.sink,
            audio.source,
            lambda digit: self._dialogs.emit(DtmfReceived(call_id, digit)),
            engine=self._media,
            direction=call.media_direction,
            srtp=keys.pair if keys is not None else None,
            rtcp_port=media.rtcp_port,
            rtcp_mux=_muxed(call, media),
        )
        call.session.start()

    def apply_media(self, call: Call, media: MediaOffer, codec: int, direction: str, keys: MediaKeys) -> None:
        """A completed offer/answer: start or update the RTP session; report a change of hold."""
        call.remote_media, call.codec, call.telephone_event = media, codec, media.telephone_event
        call.keys = keys
        call.remote_hold = media.holds_us
        call.hold_applied = call.local_hold
        if media.address in ("", "0.0.0.0"):  # RFC 2543 hold: nowhere to send
            direction = {"sendrecv": "recvonly", "sendonly": "inactive"}.get(direction, direction)
        call.media_direction = direction
        if call.session is None:
            self._start_media(call)
        else:
            remote = (media.address, media.port) if media.address not in ("", "0.0.0.0") else None
            call.session.update(
                remote,
                codec,
                media.telephone_event,
                direction,
                srtp=keys.pair,
                rtcp_port=media.rtcp_port,
                rtcp_mux=_muxed(call, media),
            )
        self._report_hold(call)

    def _report_hold(self, call: Call, *, always: bool = False) -> None:
        state = (call.hold_applied, call.remote_hold, call.media_direction)
        if always or state != call.hold_reported:
            call.hold_reported = state
            self._dialogs.emit(CallHoldChanged(call.call_id, *state))

    def answered_codec(self, call: Call, answer: MediaOffer | None) -> int | None:
        """The first payload type of an answer that we offered."""
        if answer is None:
            return None
        offered = [call.codec] if call.codec is not None else offer_order(self._account.codec)
        return next((pt for pt in answer.payload_types if pt in offered), None)

    def _codecs_to_offer(self, call: Call) -> list[int]:
        return [call.codec] if call.codec is not None else offer_order(self._account.codec)

    def _event_to_offer(self, call: Call) -> int:
        return call.telephone_event if call.telephone_event is not None else TELEPHONE_EVENT

    def local_sdp(
        self, call: Call, codecs: list[int], event: int | None, direction: str, keys: MediaKeys
    ) -> bytes:
        """Our SDP for this call: same o= session always; the version goes up only when it changes."""
        assert call.rtp is not None
        host, port = self._public.sdp_host, call.rtp.port

        def build(version: int) -> bytes:
            return build_sdp(
                host,
                port,
                codecs,
                event,
                direction=direction,
                session=call.sdp_session,
                version=version,
                profile=keys.profile,
                crypto=keys.local,
                rtcp_mux=call.remote_media is not None and call.remote_media.rtcp_mux,
            )

        body = build(call.sdp_version)
        if call.local_sdp and body != call.local_sdp:
            call.sdp_version += 1
            body = build(call.sdp_version)
        call.local_sdp = body
        return body

    def _refresh_target(self, call: Call, request: SipMessage) -> None:
        """A target refresh request updates the remote target (RFC 3261 §12.2.2)."""
        contacts = request.header_values("Contact")
        try:
            if contacts:
                call.remote_target = parse_name_addr(contacts[0]).uri
        except SipParseError:
            log.warning("unusable Contact in a re-INVITE on %s; keeping %s", call.call_id, call.remote_target)

    # hold / resume (our re-INVITE) ----------------------------------------------------------------
    def set_hold(self, call_id: str, hold: bool) -> None:
        """Hold (offer sendonly) or resume (offer sendrecv) an answered call with a re-INVITE."""
        call = self._calls.get(call_id)
        if call is None or not call.answered or call.state is CallState.ENDED or call.rtp is None:
            raise CallNotFound(call_id)
        call.local_hold = hold
        if call.update is not None or not call.acked.is_set() or call.offer_in_2xx:
            call.update_pending = True  # sent once the exchange in progress completes
            return
        if hold == call.hold_applied and not call.update_pending:
            self._report_hold(call, always=True)
            return
        self._send_update(call)

    def after_exchange(self, call: Call) -> None:
        if call.update_pending and call.update is None and call.state is CallState.ANSWERED:
            call.update_pending = False
            if call.local_hold != call.hold_applied:
                self._send_update(call)

    def _send_update(self, call: Call) -> None:
        direction = "sendonly" if call.local_hold else "sendrecv"
        offered = offer_keys(self._account.srtp, call.keys)
        codecs, event = self._codecs_to_offer(call), self._event_to_offer(call)
        body = self.local_sdp(call, codecs, event, direction, offered)
        call.local_cseq += 1
        cseq = call.local_cseq
        extra = [
            *self._dialogs.contact(),
            ("Allow", ALLOW),
            ("Content-Type", "application/sdp"),
        ]
        parts = self._dialogs.in_dialog_parts(call, "INVITE", cseq=cseq, extra=extra)
        if parts is None:
            return
        request_uri, headers, destination, branch = parts
        client = self._tx.send_request(
            "INVITE",
            branch,
            build_request("INVITE", request_uri, headers, body),
            destination,
            lambda response: self._on_update_response(call, response, cseq, direction, offered),
            lambda: self._on_update_failed(call, cseq, 408, "no response to re-INVITE"),
            ack_for_failure=ack_for_non_2xx(request_uri, headers),
        )
        call.update = client

        def no_final() -> None:  # after a provisional the transaction has no timer of its own
            with self._tx.lock:
                if call.update is client:
                    self._on_update_failed(call, cseq, 408, "no final response to re-INVITE")

        self._scheduler.call_later(self._tx.timers.timeout, no_final)

    def _on_update_response(
        self, call: Call, response: SipMessage, cseq: int, offered: str, keys: MediaKeys
    ) -> None:
        status = response.status or 0
        if status < 200:
            return
        if status < 300:
            if call.update_ack is not None and call.update_ack[0] == cseq:
                self._dialogs.send(
                    call.update_ack[1].data, call.update_ack[1].destination
                )  # our ACK was lost
                return
            ack = self._dialogs.in_dialog_request(call, "ACK", cseq=cseq)
            if ack is not None:
                call.update_ack = (cseq, ack)
                self._dialogs.send(ack.data, ack.destination)
            if call.state is not CallState.ANSWERED:
                return
            call.update = None
            self._refresh_target(call, response)
            answer = parse_offer(response.body)
            codec = self.answered_codec(call, answer)
            answered = answered_keys(keys, answer) if answer is not None else None
            if answer is not None and answered is None:  # it dropped our SRTP: no downgrade mid-call
                self._dialogs.send_in_dialog(call, "BYE")
                self._dialogs.end(
                    call, EndReason.FAILED, code=488, detail="the far end dropped SRTP in a re-INVITE"
                )
                return
            if answer is not None and codec is not None and answered is not None:
                self.apply_media(call, answer, codec, negotiated(offered, answer.direction), answered)
            else:
                log.warning("2xx to our re-INVITE on %s without a usable answer", call.call_id)
                self._report_hold(call, always=True)
            self.after_exchange(call)
            return
        self._on_update_failed(call, cseq, status, response.reason)

    def _on_update_failed(self, call: Call, cseq: int, status: int, reason: str) -> None:
        if call.update is None or call.state is not CallState.ANSWERED or call.local_cseq != cseq:
            return
        call.update = None
        if status == 491:  # glare: try again after a random wait (RFC 3261 §14.1)
            low, high = (2.1, 4.0) if call.direction is CallDirection.OUTBOUND else (0.0, 2.0)
            self._scheduler.call_later(random.uniform(low, high), lambda: self._retry_update(call))
            return
        if status in (408, 481):  # the dialog is gone (RFC 3261 §12.2.1.2)
            self._dialogs.send_in_dialog(call, "BYE")
            self._dialogs.end(call, EndReason.FAILED, code=status, detail=reason)
            return
        log.warning("re-INVITE on %s refused: %s %s; media unchanged", call.call_id, status, reason)
        call.local_hold = call.hold_applied
        self._report_hold(call, always=True)
        self.after_exchange(call)

    def _retry_update(self, call: Call) -> None:
        with self._tx.lock:
            if call.state is CallState.ANSWERED and call.update is None:
                if call.acked.is_set() and not call.offer_in_2xx:
                    self._send_update(call)
                else:
                    call.update_pending = True


def _muxed(call: Call, media: MediaOffer) -> bool:
    """RTCP shares the RTP port only when both SDPs say a=rtcp-mux (we say it only where the far end did)."""
    return media.rtcp_mux and b"a=rtcp-mux" in call.local_sdp
