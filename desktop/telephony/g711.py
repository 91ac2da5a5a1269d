"""G.711 u-law and A-law <-> 16-bit linear PCM (ITU-T G.711), without `audioop` (gone in Python 3.13)."""

from __future__ import annotations

import sys
from array import array
from functools import cache

_ULAW_SEGMENT_ENDS = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)
_ALAW_SEGMENT_ENDS = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)


def _segment(value: int, ends: tuple[int, ...]) -> int:
    for index, end in enumerate(ends):
        if value <= end:
            return index
    return len(ends)


def _ulaw_from_linear(sample: int) -> int:
    value = sample >> 2  # 16-bit to 14-bit
    mask = 0xFF
    if value < 0:
        value, mask = -value, 0x7F
    value = min(value, 8159) + 0x21
    segment = _segment(value, _ULAW_SEGMENT_ENDS)
    if segment >= 8:
        return 0x7F ^ mask
    return ((segment << 4) | ((value >> (segment + 1)) & 0x0F)) ^ mask


def _alaw_from_linear(sample: int) -> int:
    value = sample >> 3  # 16-bit to 13-bit
    mask = 0xD5
    if value < 0:
        value, mask = -value - 1, 0x55
    segment = _segment(value, _ALAW_SEGMENT_ENDS)
    if segment >= 8:
        return 0x7F ^ mask
    shift = 1 if segment < 2 else segment
    return ((segment << 4) | ((value >> shift) & 0x0F)) ^ mask


def _linear_from_ulaw(code: int) -> int:
    code = ~code & 0xFF
    value = (((code & 0x0F) << 3) + 0x84) << ((code & 0x70) >> 4)
    return 0x84 - value if code & 0x80 else value - 0x84


def _linear_from_alaw(code: int) -> int:
    code ^= 0x55
    value = (code & 0x0F) << 4
    segment = (code & 0x70) >> 4
    if segment == 0:
        value += 8
    else:
        value = (value + 0x108) << (segment - 1)
    return value if code & 0x80 else -value


@cache
def _encoder(law: str) -> bytes:
    """65,536-entry table: (sample & 0xFFFF) -> code. Built on first use, not at import."""
    encode = _ulaw_from_linear if law == "ulaw" else _alaw_from_linear
    return bytes(encode(index - 0x10000 if index & 0x8000 else index) for index in range(0x10000))


@cache
def _decoder(law: str) -> array[int]:
    decode = _linear_from_ulaw if law == "ulaw" else _linear_from_alaw
    return array("h", (decode(code) for code in range(256)))


def _samples(pcm: bytes) -> array[int]:
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    if sys.byteorder == "big":
        samples.byteswap()  # PCM here is always little-endian, as in WAV files
    return samples


def _pcm(samples: array[int]) -> bytes:
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def encode(pcm: bytes, law: str) -> bytes:
    """16-bit little-endian linear PCM -> G.711 codes; `law` is "ulaw" (PCMU) or "alaw" (PCMA)."""
    table = _encoder(law)
    return bytes(table[sample & 0xFFFF] for sample in _samples(pcm))


def decode(codes: bytes, law: str) -> bytes:
    """G.711 codes -> 16-bit little-endian linear PCM."""
    table = _decoder(law)
    return _pcm(array("h", (table[code] for code in codes)))


PAYLOAD_LAWS = {0: "ulaw", 8: "alaw"}  # RTP static payload types of G.711
