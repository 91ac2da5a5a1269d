"""The desk's ringtone: synthesised here (no third-party sound), written once to `resources/sounds/`.

Regenerate with `python -m desktop.services.phone.ringtone resources/sounds/ringtone.wav`.
"""

from __future__ import annotations

import io
import math
import struct
import sys
import wave
from pathlib import Path

RING_RATE = 16000
RING_SECONDS = 2.0  # looped: two bursts, then a pause
BURSTS = ((0.0, 0.4), (0.6, 1.0))  # seconds within the loop
TONES_HZ = (660.0, 880.0)
FADE_S = 0.01  # no clicks at the edges of a burst
PEAK = 0.45 * 32767


def ringtone_samples() -> list[int]:
    """One loop of the ringtone as 16-bit samples."""
    samples = []
    for index in range(int(RING_SECONDS * RING_RATE)):
        moment = index / RING_RATE
        value = 0.0
        for start, end in BURSTS:
            if start <= moment < end:
                envelope = min(1.0, (moment - start) / FADE_S, (end - moment) / FADE_S)
                value = sum(math.sin(2 * math.pi * tone * moment) for tone in TONES_HZ) / len(TONES_HZ)
                value *= envelope
        samples.append(round(value * PEAK))
    return samples


def ringtone_wav() -> bytes:
    """The ringtone as a WAV file (mono, 16-bit, 16 kHz)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RING_RATE)
        samples = ringtone_samples()
        wav.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return buffer.getvalue()


def ringtone_path() -> Path:
    from desktop.resources import resources_dir

    return resources_dir() / "sounds" / "ringtone.wav"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else ringtone_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(ringtone_wav())
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
