"""SDP offer/answer for one audio stream (RFC 3264), parsing with pyVoIP's RFC 4566 parser, guarded."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop.telephony._pyvoip import SIPMessage

log = logging.getLogger(__name__)

STATIC_CODECS = {0: "PCMU", 8: "PCMA"}
TELEPHONE_EVENT = 101
OFFERED_CODECS = (8, 0)  # PCMA first: the usual codec of Vietnamese carriers


@dataclass(frozen=True)
class MediaOffer:
    """The remote side's audio: where to send RTP and which payload types it accepts, in its order."""

    address: str
    port: int
    payload_types: tuple[int, ...]
    telephone_event: int | None


class _PyVoipSdp(SIPMessage):
    """pyVoIP's SIPMessage used only for its SDP body parser (`parse_body`)."""

    def __init__(self, body: bytes) -> None:  # no super().__init__: it would parse a whole SIP message
        self.headers: dict[str, Any] = {"Content-Type": "application/sdp", "Via": []}
        self.body: dict[str, Any] = {}
        self.parse_raw_body(b"\r\n".join(_lines_pyvoip_can_parse(body)), self.parse_body)


def _lines_pyvoip_can_parse(body: bytes) -> list[bytes]:
    """Drop lines pyVoIP 1.6.8 raises on: non `x=` lines, and rtpmap/fmtp of a payload its m= line lacks."""
    kept: list[bytes] = []
    payloads: list[bytes] = []
    for line in body.replace(b"\r\n", b"\n").split(b"\n"):
        if len(line) < 3 or line[1:2] != b"=":
            continue
        if line.startswith(b"m="):
            payloads = line.split(b" ")[3:]
        elif line.startswith((b"a=rtpmap:", b"a=fmtp:")):
            payload = line.split(b":", 1)[1].split(b" ", 1)[0]
            if payload not in payloads:
                continue
        kept.append(line)
    return kept


def parse_offer(body: bytes) -> MediaOffer | None:
    """The first audio stream of an SDP body; None when absent or unparseable (pyVoIP raises on many)."""
    if not body.strip():
        return None
    try:
        parsed = _PyVoipSdp(body).body
        audio = next(m for m in parsed.get("m", []) if m["type"] == "audio")
        address = parsed["c"][0]["address"] if parsed.get("c") else ""
        payloads = tuple(int(p) for p in audio["methods"] if str(p).isdigit())
        event = None
        for pt, attributes in audio["attributes"].items():
            name = str(attributes.get("rtpmap", {}).get("name", ""))
            if name.lower() == "telephone-event" and str(pt).isdigit():
                event = int(pt)
        return MediaOffer(
            address=address, port=int(audio["port"]), payload_types=payloads, telephone_event=event
        )
    except Exception as error:  # pyVoIP's parser raises IndexError, KeyError, ValueError, UnboundLocalError
        log.warning("SDP not understood (%s: %s)", type(error).__name__, error)
        return None


def choose_codec(offer: MediaOffer | None) -> int | None:
    """The first G.711 payload type in the offer's order (PCMA first when there is no offer)."""
    if offer is None:
        return 8
    return next((pt for pt in offer.payload_types if pt in STATIC_CODECS), None)


def build_sdp(local_ip: str, rtp_port: int, codecs: Sequence[int], telephone_event: int | None) -> bytes:
    """Our SDP for one sendrecv audio stream: an answer (one codec) or an offer (several, preferred first)."""
    session = secrets.randbelow(1 << 31)
    payloads = [*codecs] + ([telephone_event] if telephone_event is not None else [])
    lines = [
        "v=0",
        f"o=tongdai1022 {session} {session} IN IP4 {local_ip}",
        "s=-",
        f"c=IN IP4 {local_ip}",
        "t=0 0",
        f"m=audio {rtp_port} RTP/AVP {' '.join(str(p) for p in payloads)}",
    ]
    lines += [f"a=rtpmap:{codec} {STATIC_CODECS[codec]}/8000" for codec in codecs]
    if telephone_event is not None:
        lines += [f"a=rtpmap:{telephone_event} telephone-event/8000", f"a=fmtp:{telephone_event} 0-16"]
    lines += ["a=ptime:20", "a=sendrecv"]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")
