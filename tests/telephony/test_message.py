"""The SIP message layer on its own: tokenizer, identities, digest, SDP, and a hypothesis fuzz."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from sip_strategies import DATAGRAMS

from desktop.telephony.auth import authorization, parse_challenge
from desktop.telephony.calls import caller_identity
from desktop.telephony.message import (
    SipParseError,
    build_response,
    parse_message,
    parse_name_addr,
    parse_uri,
)
from desktop.telephony.sdp import build_sdp, choose_codec, parse_offer

INVITE = (
    "INVITE sip:1001@127.0.0.1:5080 SIP/2.0\r\n"
    "v: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKproxy;rport\r\n"
    "Via: SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bKcaller, SIP/2.0/UDP 10.0.0.8;branch=z9hG4bKx\r\n"
    "Record-Route: <sip:127.0.0.1:5060;lr>\r\n"
    "Record-Route: <sip:10.1.1.1;lr>, <sip:10.2.2.2;lr>\r\n"
    'f: "Nguyễn Văn Ánh" <sip:0912345678@10.0.0.9>;tag=abc\r\n'
    "t: <sip:1022@127.0.0.1>\r\n"
    "i: call-1@10.0.0.9\r\n"
    "CSeq: 7 INVITE\r\n"
    "Subject: hỏi về\r\n"
    "  thủ tục\r\n"
    "Supported:\r\n"
    "P-Asserted-Identity: <tel:+84987654321>\r\n"
    "c: application/sdp\r\n"
    "Content-Length: 4\r\n\r\nv=0\r\nIGNORED"
)


def test_tokenizer_keeps_repeats_expands_compact_forms_and_unfolds():
    message = parse_message(INVITE.encode())

    assert (message.method, message.uri) == ("INVITE", "sip:1001@127.0.0.1:5080")
    assert len(message.header_values("Via")) == 3
    assert message.top_via is not None and message.top_via.branch == "z9hG4bKproxy"
    assert message.header_values("Record-Route") == [
        "<sip:127.0.0.1:5060;lr>",
        "<sip:10.1.1.1;lr>",
        "<sip:10.2.2.2;lr>",
    ]
    assert message.call_id == "call-1@10.0.0.9"
    assert message.cseq == (7, "INVITE")
    assert message.header("Subject") == "hỏi về thủ tục"
    assert message.header("Supported") == ""  # an empty header is a header, not an error
    assert message.body == b"v=0\r"  # Content-Length frames the body
    assert message.missing_headers() == []


@pytest.mark.parametrize("length", ["²", "-1", "abc", "99"])
def test_a_bad_or_too_large_content_length_is_a_parse_error_with_the_partial_message(length):
    with pytest.raises(SipParseError) as error:
        parse_message(INVITE.replace("Content-Length: 4", f"Content-Length: {length}").encode())

    assert error.value.partial is not None and error.value.partial.method == "INVITE"


def test_identity_prefers_p_asserted_identity_and_reads_tel_uris():
    identity, source = caller_identity(parse_message(INVITE.encode()))

    assert (identity.user, source) == ("+84987654321", "P-Asserted-Identity")


@pytest.mark.parametrize(
    ("value", "display", "user", "tag"),
    [
        ('"Nguyễn Văn Ánh" <sip:0912345678@127.0.0.1>;tag=1', "Nguyễn Văn Ánh", "0912345678", "1"),
        ('"Trần, Thị \\"Bé\\"" <sip:0912@h>;tag=x', 'Trần, Thị "Bé"', "0912", "x"),
        ("Nguyen Van A <sip:0912345678@h;user=phone>;tag=2", "Nguyen Van A", "0912345678", "2"),
        ("sip:0243@h;tag=3", "", "0243", "3"),
        ("<sip:%2B84912@h:5070>", "", "+84912", ""),
        ('"" <sip:1001@h>', "", "1001", ""),
    ],
)
def test_name_addr_display_names_survive(value, display, user, tag):
    parsed = parse_name_addr(value)

    assert (parsed.display_name, parsed.user, parsed.tag) == (display, user, tag)


@pytest.mark.xfail(strict=True, reason="defect 11: pyVoIP 1.6.8 keeps the closing quote in the display name")
def test_stock_pyvoip_reads_a_quoted_vietnamese_display_name():
    from desktop.telephony._pyvoip import SIPMessage

    stock = SIPMessage(
        (
            "INVITE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
            'From: "Nguyễn Văn Ánh" <sip:0912345678@127.0.0.1>;tag=1\r\nTo: <sip:1001@127.0.0.1>\r\n'
            "Call-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
        ).encode()
    )

    assert stock.headers["From"]["caller"] == "Nguyễn Văn Ánh"


@pytest.mark.xfail(strict=True, reason='defect 9: pyVoIP 1.6.8 raises on a header line without ": "')
def test_stock_pyvoip_parses_a_message_with_an_empty_header():
    from desktop.telephony._pyvoip import SIPMessage

    SIPMessage(INVITE.replace("f: ", "From: ").replace("t: ", "To: ").encode())


def test_uri_parts():
    uri = parse_uri("sip:1001@127.0.0.1:5080;transport=udp;lr")

    assert (uri.user, uri.host, uri.port, uri.params) == (
        "1001",
        "127.0.0.1",
        5080,
        {"transport": "udp", "lr": ""},
    )
    with pytest.raises(SipParseError):
        parse_uri("http://example.com")


def test_response_copies_the_dialog_headers_and_adds_our_tag():
    request = parse_message(INVITE.encode())

    response = parse_message(build_response(request, 180, to_tag="ours"))

    assert (response.status, response.reason) == (180, "Ringing")
    assert len(response.header_values("Via")) == 3
    assert len(response.header_values("Record-Route")) == 3
    assert parse_name_addr(response.header("To") or "").tag == "ours"
    assert parse_name_addr(response.header("From") or "").display_name == "Nguyễn Văn Ánh"


def test_digest_with_qop_matches_rfc_2617_example():
    challenge = parse_challenge(
        'Digest realm="testrealm@host.com", qop="auth,auth-int", '
        'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
        proxy=False,
    )
    assert challenge is not None

    value = authorization(
        challenge,
        method="GET",
        uri="/dir/index.html",
        username="Mufasa",
        password="Circle Of Life",
        nonce_count=1,
        cnonce="0a4f113b",
    )

    assert 'response="6629fae49393a05397450978507c4ef1"' in value
    assert "qop=auth" in value and "nc=00000001" in value


def test_digest_without_qop_and_proxy_challenges():
    challenge = parse_challenge('Digest realm="127.0.0.1", nonce="abc"', proxy=True)
    assert challenge is not None and challenge.response_header == "Proxy-Authorization"

    value = authorization(
        challenge, method="INVITE", uri="sip:0901234567@127.0.0.1", username="1001", password="p"
    )

    assert "qop" not in value and value.startswith('Digest username="1001"')
    assert parse_challenge('Basic realm="x"', proxy=False) is None


def test_sdp_offer_through_pyvoip_and_our_answer():
    offer = parse_offer(
        b"v=0\r\no=x 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\n"
        b"m=audio 30000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
        b"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n"
    )

    assert offer is not None
    assert (offer.address, offer.port, offer.payload_types, offer.telephone_event) == (
        "10.0.0.9",
        30000,
        (0, 8, 101),
        101,
    )
    assert choose_codec(offer) == 0  # the offerer's order wins
    assert b"m=audio 21000 RTP/AVP 0 101" in build_sdp("127.0.0.1", 21000, [0], 101)
    assert parse_offer(b"m=audio x RTP/AVP 0\r\n") is None  # pyVoIP raises; we report no offer


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DATAGRAMS)
def test_fuzz_the_parser_only_ever_raises_sip_parse_error(data):
    try:
        message = parse_message(data)
    except SipParseError:
        return
    message.missing_headers()
    message.header_values("Via")
    _ = (message.cseq, message.top_via)
    for value in message.header_values("From") + message.header_values("Contact"):
        with contextlib.suppress(SipParseError):
            parse_name_addr(value)
    if message.is_request and not message.missing_headers():
        parse_message(build_response(message, 400))


def test_sdp_with_an_rtpmap_for_a_payload_not_offered_is_still_understood():
    """pyVoIP's parser raises UnboundLocalError on it; sipp's callers send exactly this."""
    offer = parse_offer(
        b"v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 6000 RTP/AVP 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
        b"a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
    )

    assert offer is not None and (offer.port, offer.payload_types, offer.telephone_event) == (
        6000,
        (8, 101),
        101,
    )
