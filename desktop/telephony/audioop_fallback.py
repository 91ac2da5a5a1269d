"""The part of `audioop` pyVoIP 1.6.8 imports, for a Python that has neither it nor audioop-lts.

pyVoIP's SDP parser (which the desk uses) lives in modules that `import audioop` at load time; the
desk's own media path is `g711`. Python 3.13 removed `audioop`; the desk depends on audioop-lts
there, and this module stands in only when that is missing too, so the phone still starts. It
implements, on `g711`'s tables, the functions pyVoIP calls (G.711 both laws, bias, add) for 8- and
16-bit samples in the machine's byte order, as `audioop` does.
"""

from __future__ import annotations

from array import array

from desktop.telephony import g711


class error(Exception):  # audioop's own name for it
    pass


_TYPECODES = {1: "b", 2: "h"}
_LIMITS = {1: (-0x80, 0x7F), 2: (-0x8000, 0x7FFF)}


def _check(fragment: bytes, width: int) -> str:
    if width not in _TYPECODES:
        raise error("Size should be 1 or 2 (the widths pyVoIP uses)")
    if len(fragment) % width:
        raise error("not a whole number of frames")
    return _TYPECODES[width]


def _read(fragment: bytes, width: int) -> array[int]:
    samples = array(_check(fragment, width))
    samples.frombytes(bytes(fragment))
    return samples


def _to16(samples: array[int], width: int) -> array[int]:
    return samples if width == 2 else array("h", (s << 8 for s in samples))


def _from16(samples: array[int], width: int) -> bytes:
    return samples.tobytes() if width == 2 else array("b", (s >> 8 for s in samples)).tobytes()


def _decode(fragment: bytes, width: int, law: str) -> bytes:
    _check(b"", width)
    table = g711._decoder(law)
    return _from16(array("h", (table[code] for code in bytes(fragment))), width)


def _encode(fragment: bytes, width: int, law: str) -> bytes:
    table = g711._encoder(law)
    return bytes(table[s & 0xFFFF] for s in _to16(_read(fragment, width), width))


def ulaw2lin(fragment: bytes, width: int) -> bytes:
    return _decode(fragment, width, "ulaw")


def alaw2lin(fragment: bytes, width: int) -> bytes:
    return _decode(fragment, width, "alaw")


def lin2ulaw(fragment: bytes, width: int) -> bytes:
    return _encode(fragment, width, "ulaw")


def lin2alaw(fragment: bytes, width: int) -> bytes:
    return _encode(fragment, width, "alaw")


def bias(fragment: bytes, width: int, bias: int) -> bytes:
    """Adds `bias` to every sample, wrapping around as the unsigned samples of C do."""
    samples = _read(fragment, width)
    bits = 8 * width
    low, _ = _LIMITS[width]
    wrapped = (((s + bias) & ((1 << bits) - 1)) for s in samples)
    return array(samples.typecode, (v + 2 * low if v > _LIMITS[width][1] else v for v in wrapped)).tobytes()


def add(fragment1: bytes, fragment2: bytes, width: int) -> bytes:
    """Sample-wise sum, clipped to the width's range."""
    first, second = _read(fragment1, width), _read(fragment2, width)
    if len(first) != len(second):
        raise error("Lengths should be the same")
    low, high = _LIMITS[width]
    return array(
        first.typecode, (min(high, max(low, a + b)) for a, b in zip(first, second, strict=True))
    ).tobytes()
