"""SDP offer/answer rules of RFC 3264: directions, RFC 2543 hold, our session version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import desktop.telephony
from desktop.telephony.sdp import (
    answer_direction,
    build_sdp,
    choose_codec,
    negotiated,
    offer_order,
    parse_offer,
    preferred_payload,
)

OFFER = (
    "v=0\r\no=pbx 7 9 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 {address}\r\nt=0 0\r\n{session_attr}"
    "m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n{media_attr}"
)
OFFER_PCMA_PCMU = (
    b"v=0\r\no=pbx 7 9 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
    b"m=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
    b"a=rtpmap:101 telephone-event/8000\r\n"
)


@pytest.mark.parametrize(
    ("session_attr", "media_attr", "address", "direction"),
    [
        ("", "", "10.0.0.1", "sendrecv"),
        ("", "a=sendonly\r\n", "10.0.0.1", "sendonly"),
        ("a=inactive\r\n", "", "10.0.0.1", "inactive"),  # session level
        ("a=inactive\r\n", "a=recvonly\r\n", "10.0.0.1", "recvonly"),  # media level wins
        ("", "", "0.0.0.0", "sendonly"),  # RFC 2543 hold
    ],
)
def test_the_direction_of_an_offer(session_attr, media_attr, address, direction):
    body = OFFER.format(session_attr=session_attr, media_attr=media_attr, address=address).encode()
    offer = parse_offer(body)

    assert offer is not None
    assert offer.direction == direction
    assert offer.holds_us is (direction in ("sendonly", "inactive"))
    assert offer.origin == "o=pbx 7 9 IN IP4 10.0.0.1"


def test_answers_mirror_the_offer_and_our_hold_takes_the_sending_side_away():
    mirrored = {
        d: answer_direction(d, holding=False) for d in ("sendrecv", "sendonly", "recvonly", "inactive")
    }
    assert mirrored == {
        "sendrecv": "sendrecv",
        "sendonly": "recvonly",
        "recvonly": "sendonly",
        "inactive": "inactive",
    }
    assert answer_direction("sendrecv", holding=True) == "sendonly"
    assert answer_direction("sendonly", holding=True) == "inactive"


def test_what_an_answer_leaves_of_our_offer():
    assert negotiated("sendonly", "recvonly") == "sendonly"
    assert negotiated("sendonly", "inactive") == "inactive"
    assert negotiated("sendrecv", "sendonly") == "recvonly"
    assert negotiated("sendrecv", "sendrecv") == "sendrecv"


def test_our_sdp_keeps_its_session_and_states_its_direction():
    body = build_sdp("192.0.2.7", 20000, [8], 101, direction="sendonly", session=42, version=43).decode()

    assert "o=tongdai1022 42 43 IN IP4 192.0.2.7\r\n" in body
    assert body.endswith("a=sendonly\r\n")
    reparsed = parse_offer(body.encode())
    assert reparsed is not None and reparsed.direction == "sendonly" and reparsed.payload_types == (8, 101)


def test_pyvoip_is_used_through_its_public_api_only():
    """No subclass of a pyVoIP class and no call of its internal parsing methods anywhere in the agent."""
    telephony = Path(desktop.telephony.__file__).parent
    internal = re.compile(
        r"class \w+\((SIPMessage|SIPClient|SIPStatus)\)"
        r"|\.(parse_raw_body|parse_body|parse_header|parse_sip_\w+)\b"
    )
    leaning = [
        path.name for path in telephony.rglob("*.py") if internal.search(path.read_text(encoding="utf-8"))
    ]
    assert leaning == []


def test_an_offer_read_through_pyvoip_keeps_its_codecs_address_and_dtmf_event():
    body = OFFER.format(session_attr="", media_attr="a=ptime:20\r\n", address="10.0.0.9").encode()
    offer = parse_offer(body)

    assert offer is not None
    assert (offer.address, offer.port, offer.payload_types, offer.telephone_event) == (
        "10.0.0.9",
        4000,
        (0, 101),
        101,
    )


def test_a_chosen_codec_is_offered_first_and_taken_when_the_offer_has_it():
    both = parse_offer(OFFER_PCMA_PCMU)
    assert offer_order("") == [8, 0] and offer_order("PCMU") == [0, 8] and offer_order("PCMA") == [8, 0]
    assert choose_codec(both) == 8  # the offer's order by default
    assert choose_codec(both, preferred_payload("PCMU")) == 0
    only_pcma = parse_offer(OFFER_PCMA_PCMU.replace(b" 8 0 101", b" 8 101"))
    assert choose_codec(only_pcma, preferred_payload("PCMU")) == 8  # what the far end can do still wins


def test_rtcp_port_and_mux_are_read_from_the_audio_stream():
    offer = parse_offer(OFFER_PCMA_PCMU + b"a=rtcp:40123 IN IP4 127.0.0.1\r\na=rtcp-mux\r\n")
    assert offer is not None and (offer.rtcp_port, offer.rtcp_mux) == (40123, True)
    plain = parse_offer(OFFER_PCMA_PCMU)
    assert plain is not None and (plain.rtcp_port, plain.rtcp_mux) == (None, False)
    assert b"a=rtcp-mux" in build_sdp("127.0.0.1", 20000, [8], 101, rtcp_mux=True)
