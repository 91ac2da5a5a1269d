"""Which SRTP keys a call's offer/answer uses under the desk's `SrtpMode` (RFC 4568 §7), or a refusal."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.telephony.sdp import MediaOffer
from desktop.telephony.srtp import PLAIN_PROFILE, SECURE_PROFILE, Crypto, SrtpMode


@dataclass(frozen=True)
class MediaKeys:
    """The m= line's transport and the keys each way; no keys = plain RTP."""

    profile: str = PLAIN_PROFILE
    local: Crypto | None = None
    remote: Crypto | None = None

    @property
    def encrypted(self) -> bool:
        return self.local is not None and self.remote is not None

    @property
    def pair(self) -> tuple[Crypto, Crypto] | None:
        """(ours, theirs) when encrypted, for the RTP session."""
        return (self.local, self.remote) if self.local is not None and self.remote is not None else None

    @property
    def suite(self) -> str:
        """The crypto suite in use, "" for plain RTP."""
        return self.local.suite if self.local is not None and self.remote is not None else ""


PLAIN = MediaKeys()


def answer_keys(mode: SrtpMode, offer: MediaOffer, current: MediaKeys | None) -> MediaKeys | None:
    """Our answer's keys: the far end's first usable a=crypto with a key of ours for the same tag and suite
    (kept across re-INVITEs), or plain RTP. None = refuse the offer with 488: RTP/SAVP without a usable key,
    SRTP off and only RTP/SAVP offered, a plain offer while SRTP is required, or a plain re-offer on an
    encrypted call (a downgrade)."""
    usable = offer.crypto if mode is not SrtpMode.OFF else ()
    if usable:
        theirs = usable[0]
        ours = current.local if current is not None else None
        if ours is None or (ours.tag, ours.suite) != (theirs.tag, theirs.suite):
            ours = Crypto.new(theirs.suite, theirs.tag)
        return MediaKeys(offer.profile, ours, theirs)
    if offer.secure_only or mode is SrtpMode.REQUIRED or (current is not None and current.encrypted):
        return None
    return MediaKeys(offer.profile)


def offer_keys(mode: SrtpMode, current: MediaKeys | None) -> MediaKeys:
    """Our offer's keys: the call's own once encrypted; a new key on RTP/SAVP when SRTP is required;
    else plain RTP/AVP (a PBX that wants SRTP offers it: we then answer with a key)."""
    if current is not None and current.encrypted:
        return MediaKeys(current.profile, current.local)
    if mode is SrtpMode.REQUIRED:
        return MediaKeys(SECURE_PROFILE, Crypto.new())
    return PLAIN


def answered_keys(offered: MediaKeys, answer: MediaOffer) -> MediaKeys | None:
    """The call's keys once the far end answered our offer; None = it did not accept our SRTP (the call
    must end: RFC 3261 §13.3.1.4 for the initial offer, and no downgrade later)."""
    if offered.local is None:
        return offered  # plain offer: a key in the answer is meaningless
    ours = offered.local
    theirs = next((c for c in answer.crypto if (c.tag, c.suite) == (ours.tag, ours.suite)), None)
    if theirs is None:
        return None
    return MediaKeys(offered.profile, ours, theirs)
