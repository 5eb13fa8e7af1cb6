"""Vital signs in InfluxDB (1.x, 2.x through its DBRP mappings, 3 Core) over the v1-compatible
HTTP API: batched gzip line protocol to /write, InfluxQL to /query.

The bed id is the series key (tag `bed`); it already holds the ward, and a region's station
writes to its region's database (`influxdb://influx:8086/vitals_north`), so no region tag is
added: one that depended on the writing station's configuration would split a bed's series.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence

from stores.model import StoreHealth, Vital, VitalSample, VitalTrend, Waveform, WaveformChunk
from stores.urls import StoreUrl, check_secret
from stores.vitals import TREND_LIMIT_S, VitalsStore
from stores.vitals import influx_ql as ql
from stores.vitals import influx_trend, influx_waveforms
from stores.vitals.influx_admin import prepare_database, server_health
from stores.vitals.influx_config import influx_settings
from stores.vitals.influx_http import InfluxHttp
from stores.vitals.influx_lines import Keyed, batches, check_bed_id, encode_body
from stores.vitals.trend_buckets import TrendBuilder, bucket_plan

# Encoding thousands of samples takes a while: off the event loop (Qt's), the window stays live.
_ENCODE_IN_THREAD_FROM = 2000


async def open_store(url: StoreUrl, secret: str | None) -> InfluxVitalsStore:
    """The store at `url`, without contacting the server (calls fail until it answers).
    Raises StoreUrlError for options that cannot be used, or a user without a password (it
    would go as HTTP Basic "user:")."""
    check_secret(url.store, url.username, secret)
    return InfluxVitalsStore(InfluxHttp(url, secret, influx_settings(url)))


class InfluxVitalsStore(VitalsStore):
    def __init__(self, http: InfluxHttp) -> None:
        self._http = http
        self._rp = http.settings.rp
        self._waveforms_rp = http.settings.waveforms_rp

    async def write(self, samples: Sequence[VitalSample]) -> None:
        """Sends batches one after the other; if one fails, the caller writes all again (writes
        are idempotent: the same samples replace themselves)."""
        if not samples:
            return
        size = self._http.settings.batch_lines
        if len(samples) < _ENCODE_IN_THREAD_FROM:
            for batch in batches(samples, size):
                await self._http.write(encode_body(batch))
            return
        await self._send_pipelined(await asyncio.to_thread(batches, list(samples), size))

    async def _send_pipelined(self, todo: list[list[Keyed]]) -> None:
        """Big writes: the next batch is encoded (in a thread, off the event loop) while the
        previous one travels: a quarter more rows a second than one after the other."""
        encoding = asyncio.ensure_future(asyncio.to_thread(encode_body, todo[0]))
        try:
            for following in [*todo[1:], None]:
                body = await encoding
                if following is not None:
                    encoding = asyncio.ensure_future(asyncio.to_thread(encode_body, following))
                await self._http.write(body)
        finally:
            encoding.cancel()

    async def write_waveforms(self, chunks: Sequence[WaveformChunk]) -> None:
        """One request per batch of chunks (a quarter second of a ward is one request)."""
        chunks, size = list(chunks), self._http.settings.batch_lines
        for begin in range(0, len(chunks), size):
            await self._http.write(influx_waveforms.encode_chunks(chunks[begin:begin + size]),
                                   self._waveforms_rp)

    async def waveforms(self, bed_ids: Iterable[str], since: float,
                        waveform: Waveform | None = None) -> dict[str, list[WaveformChunk]]:
        beds = list(dict.fromkeys(bed_ids))
        if not beds:
            return {}
        before, after = influx_waveforms.queries(beds, since, waveform,
                                                 self._waveforms_rp)
        answers = await asyncio.gather(self._http.select(before), self._http.select(after))
        return influx_waveforms.by_bed(
            (chunk for results in answers for chunk in influx_waveforms.chunks(results)), since)

    async def trend(self, bed_id: str, start: float, end: float, buckets: int) -> VitalTrend:
        """One query per vital, all at once (one multi-statement request would do, but
        InfluxDB 3's v1 API is not sure to answer one)."""
        plan = bucket_plan(start, end, buckets, TREND_LIMIT_S)
        builder = TrendBuilder(check_bed_id(bed_id), plan)
        if plan.count:
            vitals = list(Vital)
            answers = await asyncio.gather(*(self._http.select(
                influx_trend.vital_query(bed_id, vital, plan, self._rp)) for vital in vitals))
            for vital, results in zip(vitals, answers):
                influx_trend.add_results(builder, vital, results)
        return builder.build()

    async def latest(self, bed_ids: Iterable[str]) -> dict[str, VitalSample]:
        beds = list(dict.fromkeys(bed_ids))
        if not beds:
            return {}
        found: dict[str, VitalSample] = {}
        # Newest row per bed, also where a server answers all beds in one series (InfluxDB 3).
        for sample in ql.samples(await self._http.select(ql.latest_query(beds, self._rp))):
            if sample.bed_id not in found or sample.time > found[sample.bed_id].time:
                found[sample.bed_id] = sample
        return found

    async def history(self, bed_id: str, start: float, end: float) -> list[VitalSample]:
        results = await self._http.select(ql.history_query(bed_id, start, end, self._rp))
        return sorted(ql.samples(results), key=lambda sample: sample.time)

    async def recent(self, bed_ids: Iterable[str], since: float) -> dict[str, list[VitalSample]]:
        beds = list(dict.fromkeys(bed_ids))
        if not beds:
            return {}
        found: dict[str, list[VitalSample]] = {}
        for sample in ql.samples(await self._http.select(ql.recent_query(beds, since, self._rp))):
            found.setdefault(sample.bed_id, []).append(sample)
        return {bed: sorted(rows, key=lambda s: s.time) for bed, rows in found.items()}

    async def prepare(self, create: bool = False) -> list[str]:
        return await prepare_database(self._http, create)

    async def health(self) -> StoreHealth:
        return await server_health(self._http, ql.health_query(self._rp))

    async def close(self) -> None:
        await self._http.close()


__all__ = ["InfluxVitalsStore", "open_store"]
