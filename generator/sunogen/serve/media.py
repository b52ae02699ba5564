"""Media: the short WAV each finished clip plays and the PNG cover it shows, made with the standard library.

Each clip gets its own tone and colour (from a seed), so two clips of a task are told apart by ear and eye. The
audio lasts AUDIO_SECONDS, which is the duration the clip reports.
"""

from __future__ import annotations

import functools
import io
import math
import struct
import sys
import wave
import zlib
from array import array
from typing import Final

AUDIO_SECONDS: Final = 2.0
_RATE: Final = 22050
_FADE_SECONDS: Final = 0.02  # a fade in and out, so the tone starts and ends without a click
_COVER_SIZE: Final = 64


@functools.lru_cache(maxsize=64)
def wav(seed: int) -> bytes:
    """A mono 16-bit PCM WAV of AUDIO_SECONDS: a sine tone on one of 24 semitones from A3, by seed."""
    frequency = 220.0 * 2 ** ((seed % 24) / 12)
    count = int(_RATE * AUDIO_SECONDS)
    fade = int(_RATE * _FADE_SECONDS)
    samples = array("h", bytes(2 * count))
    step = 2 * math.pi * frequency / _RATE
    for i in range(count):
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        samples[i] = int(9000 * envelope * math.sin(step * i))
    if sys.byteorder == "big":  # WAV samples are little-endian
        samples.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(_RATE)
        writer.writeframes(samples.tobytes())
    return out.getvalue()


@functools.lru_cache(maxsize=64)
def png(seed: int) -> bytes:
    """A 64x64 RGB PNG: a diagonal gradient in a hue chosen by seed."""
    hue = (seed % 360) / 360
    base = _rgb(hue)
    rows = bytearray()
    for y in range(_COVER_SIZE):
        rows.append(0)  # filter type 0: the row's bytes as they are
        for x in range(_COVER_SIZE):
            shade = 0.35 + 0.65 * (x + y) / (2 * (_COVER_SIZE - 1))
            rows.extend(int(channel * shade) for channel in base)
    header = struct.pack(">IIBBBBB", _COVER_SIZE, _COVER_SIZE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows)))
        + _chunk(b"IEND", b"")
    )


def seed_of(clip_id: str) -> int:
    """A stable seed from a clip id (Python's hash() of a str changes between runs)."""
    return zlib.crc32(clip_id.encode())


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _rgb(hue: float) -> tuple[int, int, int]:
    """A saturated colour of the hue (0-1)."""
    sector = hue * 6
    fraction = sector - int(sector)
    table = [(1, fraction, 0), (1 - fraction, 1, 0), (0, 1, fraction), (0, 1 - fraction, 1), (fraction, 0, 1)]
    table.append((1, 0, 1 - fraction))
    r, g, b = table[int(sector) % 6]
    return int(255 * r), int(255 * g), int(255 * b)
