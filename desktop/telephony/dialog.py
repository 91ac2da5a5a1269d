"""A call's dialog state (RFC 3261 §12) and its offer/answer state, either direction; a request ready to
send; the audio a call gets. Read and written by every part of a call (`calls.py`, `dialogs.py`,
`negotiation.py`, `transfer.py`), which import it and not each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.domain.codes import CallDirection
from desktop.telephony.audio import CallAudio, NullSink
from desktop.telephony.events import CallState
from desktop.telephony.media import RtpEndpoint
from desktop.telephony.media_keys import MediaKeys
from desktop.telephony.message import SipMessage
from desktop.telephony.rtp import RtpSession
from desktop.telephony.sdp import MediaOffer, new_session_id
from desktop.telephony.transaction import ClientTransaction, Flag, ServerTransaction
from desktop.telephony.transport import Address

AudioFactory = Callable[[str, CallDirection], CallAudio]


def no_audio(call_id: str, direction: CallDirection) -> CallAudio:
    """The default audio of a call: the far end is discarded, we send silence."""
    return CallAudio(NullSink())


@dataclass
class Call:
    """One call and its dialog state, either direction."""

    call_id: str
    direction: CallDirection
    local_tag: str
    local_party: str  # our From (outbound) / To (inbound) with our tag: the From of our requests
    remote_party: str  # the To of our requests, with the remote tag once known
    remote_target: str  # where in-dialog requests go (the peer's Contact)
    route_set: list[str] = field(default_factory=list)
    remote_tag: str = ""
    state: CallState = CallState.RINGING
    answered: bool = False
    local_cseq: int = 0
    rtp: RtpEndpoint | None = None
    remote_media: MediaOffer | None = None
    session: RtpSession | None = None
    # inbound
    invite: SipMessage | None = None
    source: Address | None = None
    transaction: ServerTransaction | None = None
    acked: Flag = field(default_factory=Flag)  # the ACK for our 2xx to the INVITE with CSeq `ack_cseq`
    ack_cseq: int = 0
    # outbound
    request_uri: str = ""
    invite_branch: str = ""
    invite_headers: list[tuple[str, str]] = field(default_factory=list)
    client: ClientTransaction | None = None
    provisional_seen: bool = False
    cancel_pending: bool = False
    auth_tried: bool = False
    ack: Outgoing | None = None
    # offer/answer (RFC 3264), both directions, initial and re-INVITE
    codec: int | None = None
    telephone_event: int | None = None
    media_direction: str = "sendrecv"  # ours, as in SDP
    sdp_session: int = field(default_factory=new_session_id)
    sdp_version: int = 1
    local_sdp: bytes = b""
    offer_in_2xx: str = ""  # late offer: the direction our 2xx offered; the answer comes in the ACK
    local_hold: bool = False  # what the operator asked for
    hold_applied: bool = False  # what the last completed offer/answer put in place
    remote_hold: bool = False
    hold_reported: tuple[bool, bool, str] = (False, False, "sendrecv")
    update: ClientTransaction | None = None  # our re-INVITE in progress
    update_pending: bool = False  # another re-INVITE is wanted once the current exchange completes
    update_ack: tuple[int, Outgoing] | None = None  # (CSeq, ACK) of our last re-INVITE's 2xx
    keys: MediaKeys | None = None  # SRTP keys of the completed offer/answer (None: none completed yet)
    offered_keys: MediaKeys | None = None  # the keys of our offer awaiting its answer
    # transfer (RFC 3515 / 3891)
    transfer: Transfer | None = None  # our REFER of this call in progress
    replaced: bool = False  # an attended transfer hands this (consultation) call to the far end of another

    @property
    def srtp_suite(self) -> str:
        """The SRTP crypto suite of the call's audio, "" while it is plain RTP."""
        return self.keys.suite if self.keys is not None else ""


@dataclass
class Transfer:
    """A REFER of a call in progress: where to, and how far it got (RFC 3515 §2.4.5 sipfrag codes)."""

    refer_to: str
    consultation: str = ""  # the call id an attended transfer replaces
    last_code: int = 0  # the last status reported (202 to the REFER, then the NOTIFYs' sipfrags)
    done: bool = False


@dataclass(frozen=True)
class Outgoing:
    """A request ready to send: bytes, next hop and the branch of its Via."""

    data: bytes
    destination: Address
    branch: str
