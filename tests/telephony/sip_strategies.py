"""Hypothesis strategies for SIP datagrams: raw bytes and near-SIP text with broken headers."""

from __future__ import annotations

from hypothesis import strategies as st

HEADER_NAMES = st.sampled_from(
    ["Via", "From", "To", "Call-ID", "CSeq", "Content-Length", "Contact", "v", "f", "X", "", " "]
)
HEADER_LINES = st.one_of(
    st.tuples(HEADER_NAMES, st.text(max_size=40)).map(lambda pair: f"{pair[0]}: {pair[1]}"),
    st.text(max_size=40).filter(lambda line: "\n" not in line and "\r" not in line),
)
START_LINES = st.sampled_from(
    [
        "INVITE sip:a@b SIP/2.0",
        "SIP/2.0 200 OK",
        "OPTIONS x SIP/2.0",
        "BYE",
        "SIP/2.0 99",
        "ACK sip:x SIP/2.0",
    ]
)


def _datagram(start: str, lines: list[str], body: bytes) -> bytes:
    head = start + "\r\n" + "\r\n".join(lines) + "\r\n\r\n"
    return head.encode("utf-8", "surrogatepass") + body


DATAGRAMS = st.one_of(
    st.binary(max_size=600),
    st.builds(_datagram, START_LINES, st.lists(HEADER_LINES, max_size=12), st.binary(max_size=80)),
)
