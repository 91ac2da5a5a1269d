"""SRTP pieces without the lab: a=crypto lines (RFC 4568), libsrtp both ways, and which keys an offer/answer
takes under each setting (off / when offered / required)."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from desktop.telephony.media_keys import PLAIN, MediaKeys, answer_keys, answered_keys, offer_keys
from desktop.telephony.rtp import build_rtp, parse_rtp
from desktop.telephony.sdp import MediaOffer, build_sdp, parse_offer
from desktop.telephony.srtp import Crypto, SrtpMode, SrtpStreams, parse_crypto

KEY = base64.b64encode(bytes(range(30))).decode()


def _offer(profile: str = "RTP/AVP", *crypto_lines: str) -> bytes:
    lines = [
        "v=0",
        "o=pbx 1 1 IN IP4 10.0.0.5",
        "s=-",
        "c=IN IP4 10.0.0.5",
        "t=0 0",
        f"m=audio 4000 {profile} 8 0 101",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:101 telephone-event/8000",
        *[f"a=crypto:{line}" for line in crypto_lines],
        "a=sendrecv",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_crypto_line_round_trips_with_its_key_out_of_repr() -> None:
    crypto = Crypto.new()
    assert parse_crypto(crypto.attribute.removeprefix("crypto:")) == crypto
    assert len(crypto.key) == 30 and base64.b64encode(crypto.key).decode() not in repr(crypto)


@pytest.mark.parametrize(
    "line",
    [
        f"1 AES_CM_128_HMAC_SHA1_80 inline:{KEY}",
        f"7 AES_CM_128_HMAC_SHA1_32 inline:{KEY}|2^20",
        f"2 AEAD_AES_128_GCM inline:{base64.b64encode(bytes(28)).decode()}",
    ],
)
def test_usable_crypto_lines_are_read(line: str) -> None:
    crypto = parse_crypto(line)
    assert crypto is not None and crypto.tag == int(line.split()[0])


@pytest.mark.parametrize(
    "line",
    [
        f"1 F8_128_HMAC_SHA1_80 inline:{KEY}",  # a suite we do not have
        f"1 AES_CM_128_HMAC_SHA1_80 inline:{KEY}|2^20|1:4",  # an MKI
        f"1 AES_CM_128_HMAC_SHA1_80 inline:{KEY};inline:{KEY}",  # several keys
        f"1 AES_CM_128_HMAC_SHA1_80 inline:{KEY} UNENCRYPTED_SRTP",  # session parameters
        "1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=",  # a key of the wrong length
        "1 AES_CM_128_HMAC_SHA1_80 inline:not*base64*at*all*not*base64*at*all*xx",
        f"x AES_CM_128_HMAC_SHA1_80 inline:{KEY}",
        f"1 AES_CM_128_HMAC_SHA1_80 uri:{KEY}",
    ],
)
def test_unusable_crypto_lines_are_never_taken(line: str) -> None:
    assert parse_crypto(line) is None


def test_what_one_side_protects_only_the_other_side_reads() -> None:
    ours, theirs = Crypto.new(), Crypto.new()
    desk, pbx = SrtpStreams(ours, theirs), SrtpStreams(theirs, ours)
    packet = build_rtp(8, False, 1, 160, 1234, b"\xd5" * 160)

    protected = desk.protect(packet)

    assert protected is not None and len(protected) == len(packet) + 10
    assert b"\xd5" * 16 not in protected  # no plaintext audio in it
    assert pbx.unprotect(protected) == packet
    assert pbx.unprotect(protected) is None  # replayed
    assert pbx.unprotect(packet) is None  # plain RTP injected into an encrypted call
    tampered = protected[:20] + bytes([protected[20] ^ 1]) + protected[21:]
    assert pbx.unprotect(tampered) is None
    assert desk.unprotect(protected) is None  # our own key does not read it back
    assert pbx.rejected == 3


def test_rekeying_keeps_an_unchanged_key_and_its_packet_index() -> None:
    ours, theirs = Crypto.new(), Crypto.new()
    desk, pbx = SrtpStreams(ours, theirs), SrtpStreams(theirs, ours)
    first = desk.protect(build_rtp(8, False, 1, 160, 1, b"\x00" * 160))
    new_theirs = Crypto.new()

    desk.rekey(ours, new_theirs)
    pbx.rekey(new_theirs, ours)

    second = desk.protect(build_rtp(8, False, 2, 320, 1, b"\x00" * 160))
    assert first is not None and second is not None
    assert pbx.unprotect(second) is not None
    reply = SrtpStreams(new_theirs, ours).protect(build_rtp(0, False, 9, 9, 2, b"\x01" * 160))
    assert reply is not None and parse_rtp(desk.unprotect(reply) or b"") is not None


def test_our_sdp_offers_rtp_savp_with_a_key_and_reads_back() -> None:
    crypto = Crypto.new()
    body = build_sdp("10.0.0.9", 20000, [8, 0], 101, profile="RTP/SAVP", crypto=crypto)

    assert b"m=audio 20000 RTP/SAVP 8 0 101\r\n" in body
    offer = parse_offer(body)
    assert offer is not None and offer.secure_only and offer.crypto == (crypto,)
    plain = parse_offer(build_sdp("10.0.0.9", 20000, [8], None))
    assert plain is not None and not plain.secure_only and plain.crypto == ()


def _media(profile: str = "RTP/AVP", *lines: str) -> MediaOffer:
    offer = parse_offer(_offer(profile, *lines))
    assert offer is not None
    return offer


SAVP_WITH_KEY = ("RTP/SAVP", f"3 AES_CM_128_HMAC_SHA1_80 inline:{KEY}")
AVP_WITH_KEY = ("RTP/AVP", f"3 AES_CM_128_HMAC_SHA1_80 inline:{KEY}")


@pytest.mark.parametrize("mode", [SrtpMode.OFFERED, SrtpMode.REQUIRED])
@pytest.mark.parametrize("offered", [SAVP_WITH_KEY, AVP_WITH_KEY])
def test_an_offered_key_is_answered_with_our_own_key_on_the_same_tag_and_profile(
    mode: SrtpMode, offered: tuple[str, str]
) -> None:
    offer = _media(*offered)

    keys = answer_keys(mode, offer, None)

    assert keys is not None and keys.encrypted and keys.profile == offered[0]
    assert keys.remote == offer.crypto[0]
    assert keys.local is not None and keys.local.tag == 3 and keys.local.key != offer.crypto[0].key
    assert keys.suite == "AES_CM_128_HMAC_SHA1_80"


@pytest.mark.parametrize(
    ("mode", "offered", "answer"),
    [
        (SrtpMode.OFFERED, ("RTP/AVP",), "plain"),
        (SrtpMode.OFF, ("RTP/AVP",), "plain"),
        (SrtpMode.OFF, AVP_WITH_KEY, "plain"),  # best effort offer: plain answer
        (SrtpMode.OFF, SAVP_WITH_KEY, "488"),  # SRTP only, and ours is off
        (SrtpMode.REQUIRED, ("RTP/AVP",), "488"),
        (SrtpMode.OFFERED, ("RTP/SAVP",), "488"),  # SAVP without any key
        (SrtpMode.OFFERED, ("RTP/SAVP", f"1 F8_128_HMAC_SHA1_80 inline:{KEY}"), "488"),
        (SrtpMode.OFFERED, ("RTP/AVP", f"1 F8_128_HMAC_SHA1_80 inline:{KEY}"), "plain"),
    ],
)
def test_what_each_setting_answers(mode: SrtpMode, offered: tuple[str, ...], answer: str) -> None:
    keys = answer_keys(mode, _media(*offered), None)

    assert (keys is None) == (answer == "488")
    if keys is not None:
        assert not keys.encrypted and keys.profile == offered[0]


def test_a_reinvite_keeps_our_key_and_a_plain_reoffer_of_an_encrypted_call_is_refused() -> None:
    first = answer_keys(SrtpMode.OFFERED, _media(*SAVP_WITH_KEY), None)
    assert first is not None

    again = answer_keys(SrtpMode.OFFERED, _media(*SAVP_WITH_KEY), first)
    other_tag = answer_keys(
        SrtpMode.OFFERED, _media("RTP/SAVP", f"4 AES_CM_128_HMAC_SHA1_32 inline:{KEY}"), first
    )

    assert again is not None and again.local == first.local  # a refresh: the same key
    assert other_tag is not None and other_tag.local != first.local and other_tag.local is not None
    assert other_tag.local.suite == "AES_CM_128_HMAC_SHA1_32"
    assert answer_keys(SrtpMode.OFFERED, _media("RTP/AVP"), first) is None  # no downgrade mid-call


def test_our_offer_carries_a_key_only_when_required_or_already_encrypted() -> None:
    assert offer_keys(SrtpMode.OFF, None) == PLAIN
    assert offer_keys(SrtpMode.OFFERED, None) == PLAIN
    required = offer_keys(SrtpMode.REQUIRED, None)
    assert required.profile == "RTP/SAVP" and required.local is not None and required.remote is None
    call = MediaKeys("RTP/AVP", Crypto.new(), Crypto.new())
    assert offer_keys(SrtpMode.OFFERED, call) == MediaKeys("RTP/AVP", call.local)


def test_an_answer_to_our_key_must_carry_a_key_on_the_same_tag_and_suite() -> None:
    offered = offer_keys(SrtpMode.REQUIRED, None)
    assert offered.local is not None
    theirs = Crypto.new()

    accepted = answered_keys(offered, _media("RTP/SAVP", theirs.attribute.removeprefix("crypto:")))
    other_tag = dataclasses.replace(theirs, tag=9).attribute.removeprefix("crypto:")

    assert accepted == MediaKeys("RTP/SAVP", offered.local, theirs)
    assert answered_keys(offered, _media("RTP/SAVP", other_tag)) is None
    assert answered_keys(offered, _media("RTP/AVP")) is None
    assert answered_keys(PLAIN, _media(*SAVP_WITH_KEY)) == PLAIN  # we offered plain: stays plain
