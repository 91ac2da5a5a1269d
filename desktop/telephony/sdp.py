"""SDP offer/answer for one audio stream (RFC 3264), parsing with pyVoIP's RFC 4566 parser, guarded."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.telephony._pyvoip import SIPMessage
from desktop.telephony.srtp import PLAIN_PROFILE, SECURE_PROFILE, Crypto, parse_crypto

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
    direction: str = "sendrecv"  # theirs (RFC 3264 §5.1); c=0.0.0.0 (RFC 2543 hold) reads as "sendonly"
    origin: str = ""  # the o= line: unchanged o= version = unchanged session (a refresh)
    profile: str = PLAIN_PROFILE  # the m= line's transport: "RTP/SAVP" = SRTP only
    crypto: tuple[Crypto, ...] = ()  # its a=crypto lines we can use (RFC 4568), in its order
    crypto_lines: int = 0  # every a=crypto line, usable or not
    rtcp_port: int | None = None  # a=rtcp (RFC 3605); None: the RTP port + 1
    rtcp_mux: bool = False  # a=rtcp-mux (RFC 5761): RTCP on the RTP port if the answer says so too

    @property
    def secure_only(self) -> bool:
        """RTP/SAVP: the far end takes SRTP or nothing."""
        return self.profile == SECURE_PROFILE

    @property
    def holds_us(self) -> bool:
        """The far end does not want our audio (it holds us, or everything is inactive)."""
        return self.direction in ("sendonly", "inactive")


DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")
_ANSWER_DIRECTION = {
    "sendrecv": "sendrecv",
    "sendonly": "recvonly",
    "recvonly": "sendonly",
    "inactive": "inactive",
}


def negotiated(offered: str, answered: str) -> str:
    """Our direction once the far end answered our offer of `offered` with its `answered` (RFC 3264 §6.1)."""
    send = offered in ("sendrecv", "sendonly") and answered in ("sendrecv", "recvonly")
    receive = offered in ("sendrecv", "recvonly") and answered in ("sendrecv", "sendonly")
    return {(True, True): "sendrecv", (True, False): "sendonly", (False, True): "recvonly"}.get(
        (send, receive), "inactive"
    )


def answer_direction(offered: str, *, holding: bool) -> str:
    """Our direction in an answer to `offered` (RFC 3264 §6.1), held down to sendonly/inactive if we hold."""
    ours = _ANSWER_DIRECTION.get(offered, "sendrecv")
    if holding:
        ours = {"sendrecv": "sendonly", "recvonly": "inactive"}.get(ours, ours)
    return ours


@dataclass
class _Reading:
    """What we read ourselves from an SDP body, beyond pyVoIP's parse."""

    direction: str = "sendrecv"
    origin: str = ""
    zero: bool = False  # c= is 0.0.0.0 (RFC 2543 hold)
    profile: str = PLAIN_PROFILE
    crypto: list[Crypto] = field(default_factory=list)
    crypto_lines: int = 0
    rtcp_port: int | None = None
    rtcp_mux: bool = False


def _read_lines(body: bytes) -> _Reading:
    """The audio stream's direction (media level wins over session level), the o= line, c= is 0.0.0.0,
    and the first audio stream's transport and a=crypto lines."""
    reading = _Reading()
    session_direction, media_direction, in_audio = "sendrecv", "", False
    for raw in body.replace(b"\r\n", b"\n").split(b"\n"):
        line = raw.decode("ascii", "replace").strip()
        if line.startswith("m="):
            if in_audio:
                break  # only the first audio stream
            in_audio = line.startswith("m=audio")
            fields = line.split()
            if in_audio and len(fields) > 2:
                reading.profile = fields[2]
        elif line.startswith("o=") and not reading.origin:
            reading.origin = line
        elif line.startswith("c=") and line.split()[-1:] == ["0.0.0.0"]:
            reading.zero = True
        elif line.startswith("a=crypto:") and in_audio:
            reading.crypto_lines += 1
            crypto = parse_crypto(line[len("a=crypto:") :])
            if crypto is not None:
                reading.crypto.append(crypto)
        elif line.startswith("a=rtcp:") and in_audio:
            port = line[len("a=rtcp:") :].split(" ", 1)[0]
            reading.rtcp_port = int(port) if port.isdigit() and 0 < int(port) < 65536 else None
        elif line == "a=rtcp-mux" and in_audio:
            reading.rtcp_mux = True
        elif line.startswith("a=") and line[2:] in DIRECTIONS:
            if in_audio:
                media_direction = line[2:]
            else:
                session_direction = line[2:]
    reading.direction = media_direction or session_direction
    return reading


# A bare response around the body: pyVoIP's public constructor parses a whole message, and these
# headers are ours, so its header parser (wrong on repeated headers, see message.py) meets nothing else.
_SDP_CARRIER = b"SIP/2.0 200 OK\r\nContent-Type: application/sdp\r\n\r\n"


def _pyvoip_sdp(body: bytes) -> dict[str, Any]:
    """pyVoIP's RFC 4566 reading of an SDP body, through its public API (`SIPMessage(data).body`)."""
    return dict(SIPMessage(_SDP_CARRIER + b"\r\n".join(_lines_pyvoip_can_parse(body))).body)


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
        parsed = _pyvoip_sdp(body)
        audio = next(m for m in parsed.get("m", []) if m["type"] == "audio")
        address = parsed["c"][0]["address"] if parsed.get("c") else ""
        payloads = tuple(int(p) for p in audio["methods"] if str(p).isdigit())
        event = None
        for pt, attributes in audio["attributes"].items():
            name = str(attributes.get("rtpmap", {}).get("name", ""))
            if name.lower() == "telephone-event" and str(pt).isdigit():
                event = int(pt)
        reading = _read_lines(body)
        direction = reading.direction
        if reading.zero and direction == "sendrecv":
            direction = "sendonly"
        return MediaOffer(
            address=address,
            port=int(audio["port"]),
            payload_types=payloads,
            telephone_event=event,
            direction=direction,
            origin=reading.origin,
            profile=reading.profile,
            crypto=tuple(reading.crypto),
            crypto_lines=reading.crypto_lines,
            rtcp_port=reading.rtcp_port,
            rtcp_mux=reading.rtcp_mux,
        )
    except Exception as error:  # pyVoIP's parser raises IndexError, KeyError, ValueError, UnboundLocalError
        log.warning("SDP not understood (%s: %s)", type(error).__name__, error)
        return None


def choose_codec(offer: MediaOffer | None, preferred: int | None = None) -> int | None:
    """`preferred` when the offer has it, else the first G.711 payload type in the offer's order (PCMA
    first when there is no offer)."""
    if offer is None:
        return 8 if preferred is None else preferred
    if preferred is not None and preferred in offer.payload_types:
        return preferred
    return next((pt for pt in offer.payload_types if pt in STATIC_CODECS), None)


def offer_order(codec: str) -> list[int]:
    """The payload types we offer, preferred first: the named codec ("PCMU"/"PCMA"), else PCMA, PCMU."""
    preferred = [pt for pt, name in STATIC_CODECS.items() if name == codec]
    return preferred + [pt for pt in OFFERED_CODECS if pt not in preferred]


def preferred_payload(codec: str) -> int | None:
    """The payload type of a named G.711 codec, None for "" (follow the offer's order)."""
    return next((pt for pt, name in STATIC_CODECS.items() if name == codec), None)


def new_session_id() -> int:
    return secrets.randbelow(1 << 31)


def build_sdp(
    local_ip: str,
    rtp_port: int,
    codecs: Sequence[int],
    telephone_event: int | None,
    *,
    direction: str = "sendrecv",
    session: int | None = None,
    version: int | None = None,
    profile: str = PLAIN_PROFILE,
    crypto: Crypto | None = None,
    rtcp_mux: bool = False,
) -> bytes:
    """Our SDP for one audio stream: an answer (one codec) or an offer (several, preferred first).

    A call keeps its `session` id and raises `version` each time its SDP changes (RFC 3264 §8).
    """
    session = new_session_id() if session is None else session
    version = session if version is None else version
    payloads = [*codecs] + ([telephone_event] if telephone_event is not None else [])
    lines = [
        "v=0",
        f"o=tongdai1022 {session} {version} IN IP4 {local_ip}",
        "s=-",
        f"c=IN IP4 {local_ip}",
        "t=0 0",
        f"m=audio {rtp_port} {profile} {' '.join(str(p) for p in payloads)}",
    ]
    lines += [f"a=rtpmap:{codec} {STATIC_CODECS[codec]}/8000" for codec in codecs]
    if telephone_event is not None:
        lines += [f"a=rtpmap:{telephone_event} telephone-event/8000", f"a=fmtp:{telephone_event} 0-16"]
    if crypto is not None:
        lines.append(f"a={crypto.attribute}")
    if rtcp_mux:
        lines.append("a=rtcp-mux")
    lines += ["a=ptime:20", f"a={direction}"]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")
