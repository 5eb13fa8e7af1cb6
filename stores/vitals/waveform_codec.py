"""Waveform chunks as stores keep them: checked, and their values packed as little-endian float32
(4 bytes a sample, NaN kept), which is all the precision a bedside ECG or pleth has."""

from __future__ import annotations

import base64
import math
import numbers
from collections.abc import Iterable

import numpy as np

from stores.errors import ValidationError
from stores.model import Waveform, WaveformChunk

_FLOAT32 = np.dtype("<f4")


def checked(chunk: WaveformChunk, limit_s: float) -> WaveformChunk:
    """The chunk if a store can keep it; else ValidationError naming the field."""
    if not isinstance(chunk.bed_id, str) or not chunk.bed_id:
        raise ValidationError("bed_id", "must not be empty")
    if not isinstance(chunk.waveform, Waveform):
        raise ValidationError("waveform", f"{chunk.waveform!r} is not a waveform")
    if not _finite(chunk.start):
        raise ValidationError("start", f"{chunk.start!r} is not a time")
    if not _finite(chunk.rate_hz) or chunk.rate_hz <= 0:
        raise ValidationError("rate_hz", f"{chunk.rate_hz!r} must be a rate above 0")
    if len(chunk.values) / chunk.rate_hz > limit_s:
        raise ValidationError("values", f"a chunk may hold at most {limit_s:g} s of waveform, "
                                        f"this one holds {len(chunk.values) / chunk.rate_hz:g} s")
    return chunk


def pack(values: Iterable[float]) -> bytes:
    try:
        return np.asarray(values, dtype=_FLOAT32).tobytes()
    except (TypeError, ValueError):
        raise ValidationError("values", "must be numbers (NaN for no signal)") from None


def unpack(packed: bytes) -> tuple[float, ...]:
    return tuple(np.frombuffer(packed, dtype=_FLOAT32).tolist())


def pack_text(values: Iterable[float]) -> str:
    """The packed values as base64 (line protocol's string fields carry text)."""
    return base64.b64encode(pack(values)).decode("ascii")


def unpack_text(text: str) -> tuple[float, ...]:
    """binascii.Error for text that is not base64 (never quietly fewer values)."""
    return unpack(base64.b64decode(text, validate=True))


def _finite(value: object) -> bool:
    # numbers.Real: numpy's scalars too (numpy registers them)
    return isinstance(value, numbers.Real) and not isinstance(value, bool) \
        and math.isfinite(value)
