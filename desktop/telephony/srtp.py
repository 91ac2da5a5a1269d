"""SRTP keyed by SDES (RFC 3711, RFC 4568 a=crypto) through libsrtp (pylibsrtp): keys, lines, packets."""

from __future__ import annotations

import base64
import binascii
import logging
import secrets
from dataclasses import dataclass, field
from enum import StrEnum

from pylibsrtp import Error as LibSrtpError
from pylibsrtp import Policy, Session

log = logging.getLogger(__name__)

# suite -> (libsrtp profile, master key + salt length in bytes); RFC 4568 §6.2, RFC 7714 §14.2
SUITES: dict[str, tuple[int, int]] = {
    "AES_CM_128_HMAC_SHA1_80": (Policy.SRTP_PROFILE_AES128_CM_SHA1_80, 30),
    "AES_CM_128_HMAC_SHA1_32": (Policy.SRTP_PROFILE_AES128_CM_SHA1_32, 30),
    "AEAD_AES_128_GCM": (Policy.SRTP_PROFILE_AEAD_AES_128_GCM, 28),
    "AEAD_AES_256_GCM": (Policy.SRTP_PROFILE_AEAD_AES_256_GCM, 44),
}
OFFERED_SUITE = "AES_CM_128_HMAC_SHA1_80"  # the one every SDES endpoint has (RFC 4568 §6.2.1)
SECURE_PROFILE = "RTP/SAVP"
PLAIN_PROFILE = "RTP/AVP"


class SrtpMode(StrEnum):
    """The desk's choice: never encrypt, encrypt when the PBX offers keys, or refuse plain calls."""

    OFF = "off"
    OFFERED = "offered"
    REQUIRED = "required"


@dataclass(frozen=True)
class Crypto:
    """One a=crypto line: tag, suite and the master key with its salt (never in repr or logs)."""

    tag: int
    suite: str
    key: bytes = field(repr=False)

    @classmethod
    def new(cls, suite: str = OFFERED_SUITE, tag: int = 1) -> Crypto:
        return cls(tag, suite, secrets.token_bytes(SUITES[suite][1]))

    @property
    def attribute(self) -> str:
        """The SDP line without "a=" (no lifetime, no MKI: both sides then use libsrtp's defaults)."""
        return f"crypto:{self.tag} {self.suite} inline:{base64.b64encode(self.key).decode('ascii')}"


def parse_crypto(value: str) -> Crypto | None:
    """The text after "a=crypto:"; None for a suite we lack, several keys, an MKI or session parameters
    (UNENCRYPTED_SRTP and the like must never be accepted silently)."""
    parts = value.split()
    if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in SUITES:
        return None
    method, _colon, key_info = parts[2].partition(":")
    if method != "inline" or ";" in key_info:
        return None
    encoded, *options = key_info.split("|")
    if any(":" in option for option in options) or len(options) > 1:  # MKI:length, or more than a lifetime
        return None
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(key) != SUITES[parts[1]][1]:
        return None
    return Crypto(int(parts[0]), parts[1], key)


def _session(crypto: Crypto, direction: int) -> Session:
    profile, _length = SUITES[crypto.suite]
    return Session(Policy(key=crypto.key, ssrc_type=direction, srtp_profile=profile))


class SrtpStreams:
    """One call's SRTP: our key protects what we send, theirs authenticates and decrypts what arrives."""

    def __init__(self, local: Crypto, remote: Crypto) -> None:
        self.local = local
        self.remote = remote
        self._out = _session(local, Policy.SSRC_ANY_OUTBOUND)
        self._in = _session(remote, Policy.SSRC_ANY_INBOUND)
        self.rejected = 0  # packets that failed authentication or the replay check

    @property
    def suite(self) -> str:
        return self.local.suite

    def rekey(self, local: Crypto, remote: Crypto) -> None:
        """A new offer/answer: only a changed key gets a new context (ours keeps its packet index)."""
        if local != self.local:
            self.local, self._out = local, _session(local, Policy.SSRC_ANY_OUTBOUND)
        if remote != self.remote:
            self.remote, self._in = remote, _session(remote, Policy.SSRC_ANY_INBOUND)

    def protect(self, packet: bytes) -> bytes | None:
        """The SRTP packet, or None when libsrtp refuses (the key's packet limit: never reached by a call)."""
        try:
            return self._out.protect(packet)
        except LibSrtpError as error:
            log.warning("SRTP protect failed: %s", error)
            return None

    def protect_rtcp(self, packet: bytes) -> bytes | None:
        """The SRTCP packet (RFC 3711 §3.4: same master key, its own index), or None when libsrtp refuses."""
        try:
            return self._out.protect_rtcp(packet)
        except LibSrtpError as error:
            log.warning("SRTCP protect failed: %s", error)
            return None

    def unprotect_rtcp(self, data: bytes) -> bytes | None:
        """The RTCP compound packet, or None when it is not authentic (counted with the rejected RTP)."""
        try:
            return self._in.unprotect_rtcp(data)
        except LibSrtpError:
            self.rejected += 1
            return None

    def unprotect(self, data: bytes) -> bytes | None:
        """The RTP packet, or None when it is not authentic (forged, replayed, plain or another key)."""
        try:
            return self._in.unprotect(data)
        except LibSrtpError:
            self.rejected += 1
            return None
