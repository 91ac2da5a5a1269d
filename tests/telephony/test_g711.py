"""G.711 both laws against the reference implementation (audioop, still shipped with Python 3.11)."""

from __future__ import annotations

import math
import struct
import warnings

import pytest

from desktop.telephony.g711 import decode, encode

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # the standard library's up to 3.12, audioop-lts (a dependency) from 3.13

EVERY_SAMPLE = struct.pack("<65536h", *range(-32768, 32768))
EVERY_CODE = bytes(range(256))


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_every_16_bit_sample_encodes_like_the_reference(law):
    reference = audioop.lin2ulaw if law == "ulaw" else audioop.lin2alaw

    assert encode(EVERY_SAMPLE, law) == reference(EVERY_SAMPLE, 2)


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_every_code_decodes_like_the_reference(law):
    reference = audioop.ulaw2lin if law == "ulaw" else audioop.alaw2lin

    assert decode(EVERY_CODE, law) == reference(EVERY_CODE, 2)


@pytest.mark.parametrize("law", ["ulaw", "alaw"])
def test_a_tone_survives_the_round_trip_with_g711_precision(law):
    tone = struct.pack("<160h", *(int(12000 * math.sin(2 * math.pi * 1000 * n / 8000)) for n in range(160)))

    back = struct.unpack("<160h", decode(encode(tone, law), law))

    worst = max(abs(a - b) for a, b in zip(struct.unpack("<160h", tone), back, strict=True))
    assert worst <= 12000 // 16  # logarithmic: the error grows with the amplitude, ~3 % at most


def test_pcma_and_pcmu_are_different_codes():
    """pyVoIP 1.6.8 sends PCMA encoded as u-law (defect 10): the two laws must not agree."""
    tone = struct.pack("<8h", 100, 1000, 5000, 20000, -100, -1000, -5000, -20000)

    assert encode(tone, "alaw") != encode(tone, "ulaw")


@pytest.mark.xfail(strict=True, reason="defect 10: pyVoIP 1.6.8 encodes PCMA with the u-law table")
def test_stock_pyvoip_sends_pcma_as_a_law():
    from pyVoIP.RTP import PayloadType, RTPClient, TransmitType

    from desktop.telephony import _pyvoip  # noqa: F401  (import order workaround)

    unsigned_8_bit = bytes(range(0, 256, 8))  # what pyVoIP 1.6.8 takes as audio
    as_16_bit = struct.pack(f"<{len(unsigned_8_bit)}h", *((b - 128) << 8 for b in unsigned_8_bit))
    client = RTPClient({8: PayloadType.PCMA}, "127.0.0.1", 0, "127.0.0.1", 0, TransmitType.SENDRECV)

    assert client.encode_packet(unsigned_8_bit) == encode(as_16_bit, "alaw")
