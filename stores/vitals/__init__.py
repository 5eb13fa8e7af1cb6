"""Vital signs: the interface every vitals backend implements."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence

from stores.model import VitalSample, VitalTrend, Waveform, WaveformChunk
from stores.store import Store

# The longest range `trend` serves; a longer one is clipped to its last TREND_LIMIT_S.
TREND_LIMIT_S = 31 * 86400.0
# The longest waveform chunk a store takes: a reader finds the chunks that end after `since`
# by looking no further back than this before it (and 60 s of ECG is a 60 kB row at most).
CHUNK_LIMIT_S = 60.0


class VitalsStore(Store):
    """Time series of vital signs and waveforms per bed."""

    @abc.abstractmethod
    async def write(self, samples: Sequence[VitalSample]) -> None:
        """Store a batch of samples (any beds, any order). Rewriting a (bed, time) replaces it.
        Invalid values (NaN, outside `VITAL_RANGES`) are stored as missing (`cleaned`)."""

    @abc.abstractmethod
    async def write_waveforms(self, chunks: Sequence[WaveformChunk]) -> None:
        """Store waveform chunks (any beds, any order); rewriting a (bed, waveform, start)
        replaces it. Values are kept as float32, NaN (no signal) included; a chunk longer than
        CHUNK_LIMIT_S raises ValidationError. A store keeps waveforms for a limited time
        (`docs/operations.md`). Waveforms are live data: they never wait in the outbox, a
        store that cannot take them now raises StoreUnavailable and the caller drops them."""

    @abc.abstractmethod
    async def waveforms(self, bed_ids: Iterable[str], since: float,
                        waveform: Waveform | None = None) -> dict[str, list[WaveformChunk]]:
        """Each bed's chunks (of `waveform`, or of every waveform) that end after `since`,
        oldest first; beds with none are left out."""

    @abc.abstractmethod
    async def trend(self, bed_id: str, start: float, end: float, buckets: int) -> VitalTrend:
        """One bed's vitals from start to end in at most `buckets` equal buckets (min, max and
        mean of the valid values per bucket), downsampled by the store: a week moves no more
        than an hour does. A range longer than TREND_LIMIT_S is clipped to its end
        (`clipped_from` says so). Buckets are whole seconds; from a minute up they are whole
        minutes starting on a minute, from ten minutes up whole ten minutes starting on one, so
        the trend may start up to 599 s before `start`: read the buckets' times from the answer
        (`stores.vitals.trend_buckets.bucket_plan`)."""

    @abc.abstractmethod
    async def latest(self, bed_ids: Iterable[str]) -> dict[str, VitalSample]:
        """The newest sample of each bed that has one; beds with no data are left out."""

    @abc.abstractmethod
    async def history(self, bed_id: str, start: float, end: float) -> list[VitalSample]:
        """One bed's samples with start <= time < end, oldest first."""

    @abc.abstractmethod
    async def recent(self, bed_ids: Iterable[str], since: float) -> dict[str, list[VitalSample]]:
        """Each bed's samples newer than `since`, oldest first (for the tiles' trend lines);
        beds with no such samples are left out."""
