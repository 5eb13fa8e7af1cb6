"""A vitals store whose every call runs on an event loop of its own thread (`stores.own_loop`):
the network backends' queries, answers and their decoding then never wait behind the window."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from stores.model import StoreHealth, VitalSample, VitalTrend, Waveform, WaveformChunk
from stores.own_loop import OwnLoop
from stores.vitals import VitalsStore


class VitalsOnOwnLoop(VitalsStore):
    """`inner`'s calls, each run on the loop of a thread named `name`. `inner` must have been
    made without a running loop's resources (its sessions opened at its first call), so that
    they belong to that loop."""

    def __init__(self, inner: VitalsStore, name: str) -> None:
        self.inner = inner
        self._loop = OwnLoop(name)

    async def write(self, samples: Sequence[VitalSample]) -> None:
        await self._loop.run(self.inner.write(samples))

    async def write_waveforms(self, chunks: Sequence[WaveformChunk]) -> None:
        await self._loop.run(self.inner.write_waveforms(chunks))

    async def waveforms(self, bed_ids: Iterable[str], since: float,
                        waveform: Waveform | None = None) -> dict[str, list[WaveformChunk]]:
        return await self._loop.run(self.inner.waveforms(list(bed_ids), since, waveform))

    async def trend(self, bed_id: str, start: float, end: float, buckets: int) -> VitalTrend:
        return await self._loop.run(self.inner.trend(bed_id, start, end, buckets))

    async def latest(self, bed_ids: Iterable[str]) -> dict[str, VitalSample]:
        return await self._loop.run(self.inner.latest(list(bed_ids)))

    async def history(self, bed_id: str, start: float, end: float) -> list[VitalSample]:
        return await self._loop.run(self.inner.history(bed_id, start, end))

    async def recent(self, bed_ids: Iterable[str], since: float) -> dict[str, list[VitalSample]]:
        return await self._loop.run(self.inner.recent(list(bed_ids), since))

    async def prepare(self, create: bool = False) -> list[str]:
        return await self._loop.run(self.inner.prepare(create))

    async def health(self) -> StoreHealth:
        if self._loop.stopped:  # closed: the store answers "down" without a server, and never
            return await self.inner.health()  # raises, whatever its loop
        return await self._loop.run(self.inner.health())

    async def close(self) -> None:
        if self._loop.stopped:
            return
        try:
            await self._loop.run(self.inner.close())
        finally:
            self._loop.stop()
