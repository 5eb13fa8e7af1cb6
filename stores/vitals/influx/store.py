"""Vital signs in InfluxDB (1.x, 2.x through its DBRP mappings, 3 Core) over the v1-compatible
HTTP API: batched gzip line protocol to /write, InfluxQL to /query.

The bed id is the series key (tag `bed`); it already holds the ward, and a region's station
writes to its region's database (`influxdb://influx:8086/vitals_north`), so no region tag is
added: one that depended on the writing station's configuration would split a bed's series.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Iterable, Sequence

from stores.model import StoreHealth, Vital, VitalSample, VitalTrend, Waveform, WaveformChunk
from stores.urls import StoreUrl, check_secret
from stores.vitals import TREND_LIMIT_S, VitalsStore
from stores.vitals.influx import ql, rollup, rollup_trend, trend, waveforms
from stores.vitals.influx.admin import prepare_database, raw_retention_s, server_health
from stores.vitals.influx.config import influx_settings
from stores.vitals.influx.http import InfluxHttp
from stores.vitals.influx.lines import Keyed, batches, check_bed_id, encode_body
from stores.vitals.own_loop import VitalsOnOwnLoop
from stores.vitals.trend_buckets import BucketPlan, TrendBuilder, bucket_plan

log = logging.getLogger(__name__)

# Minutes this close to the end of the raw policy are counted from every sample known of them:
# the server may drop some of their points and not others (see rollup.GivenMinutes).
RAW_MARGIN_S = 3600.0
# Encoding thousands of samples takes a while: off the event loop (Qt's), the window stays live.
_ENCODE_IN_THREAD_FROM = 2000


async def open_store(url: StoreUrl, secret: str | None) -> VitalsOnOwnLoop:
    """The store at `url`, without contacting the server (calls fail until it answers), its
    calls run on a loop of their own (`stores.own_loop`: the window's loop would hold each
    step of every query). Raises StoreUrlError for options that cannot be used, or a user
    without a password (it would go as HTTP Basic "user:")."""
    check_secret(url.store, url.username, secret)
    store = InfluxVitalsStore(InfluxHttp(url, secret, influx_settings(url)))
    return VitalsOnOwnLoop(store, f"influxdb {url.path}")


class InfluxVitalsStore(VitalsStore):
    def __init__(self, http: InfluxHttp) -> None:
        self._http = http
        self._rp = http.settings.raw.name
        self._minutes_rp = http.settings.minutes.name
        self._waveforms_rp = http.settings.waveforms.name
        self._given = rollup.GivenMinutes()
        self._raw_keep: float | None = None

    async def write(self, samples: Sequence[VitalSample]) -> None:
        """Sends batches one after the other, then the touched minutes' rollups; if one fails,
        the caller writes all again (writes are idempotent: the same samples replace
        themselves, and the minutes are counted again)."""
        if not samples:
            return
        size = self._http.settings.batch_lines
        if len(samples) < _ENCODE_IN_THREAD_FROM:
            todo = batches(samples, size)
            for batch in todo:
                await self._http.write(encode_body(batch), self._rp)
        else:
            todo = await asyncio.to_thread(batches, list(samples), size)
            await self._send_pipelined(todo)
        await self._roll_up([keyed for batch in todo for keyed in batch])

    async def _roll_up(self, keyed: list[Keyed]) -> None:
        """Count each touched (bed, minute) again from the raw points (near the end of the
        raw policy: from every sample known of it); then each touched ten minutes from its
        minutes."""
        touched = rollup.touched(keyed)
        old_before = (time.time() - await self._raw_keep_s() + RAW_MARGIN_S) * 1000
        old = {key for key in touched if key[1] * rollup.MINUTE_MS < old_before}
        counts = await self._recount(touched - old)
        if old:
            held = await asyncio.gather(*(self._http.select(rollup.held_query(
                first, end, beds, self._rp)) for first, end, beds in rollup.runs(old)))
            counts |= self._given.count(keyed, old, (
                sample for results in held for sample in ql.samples(results)))
        await self._write_rollups(rollup.MINUTES, rollup.MINUTE_MS, counts)
        tens = {(bed, minute // 10) for bed, minute in touched}
        answers = await asyncio.gather(*(self._http.select(
            rollup.ten_minutes_query(first, end, beds, self._minutes_rp))
            for first, end, beds in rollup.runs(tens, gap=1)))
        counts = {}
        for results in answers:
            rollup.add_aggregates(counts, rollup.TEN_MINUTES_MS, results)
        # A ten minutes whose minutes are all gone (beyond the policy) is written as empty.
        await self._write_rollups(rollup.TEN_MINUTES, rollup.TEN_MINUTES_MS, {
            key: counts.get(key, {}) for key in tens})

    async def _recount(self, minutes: set[tuple[str, int]]) -> rollup.Counts:
        """These minutes from the server's raw points, one query per vital and run; a minute
        without any valid value counts as empty."""
        statements = [(vital.value, rollup.recount_query(vital.value, first, end, beds, self._rp))
                      for first, end, beds in rollup.runs(minutes) for vital in Vital]
        answers = await asyncio.gather(*(self._http.select(q) for _, q in statements))
        counts: rollup.Counts = {}
        for (vital, _), results in zip(statements, answers):
            rollup.add_recount(counts, vital, results)
        return {key: counts.get(key, {}) for key in minutes}

    async def _raw_keep_s(self) -> float:
        """How long the raw policy keeps points: the shorter of what the server says (once)
        and what the URL asks for; infinite if neither says."""
        if self._raw_keep is None:
            told = await raw_retention_s(self._http)
            asked = self._http.settings.raw.keep_s
            self._raw_keep = min(told or math.inf, asked or math.inf)
        return self._raw_keep

    async def _write_rollups(self, measurement: str, unit_ms: int, counts: rollup.Counts
                             ) -> None:
        for body in rollup.encode_rollups(measurement, unit_ms, counts,
                                          self._http.settings.batch_lines):
            await self._http.write(body, self._minutes_rp)

    async def _send_pipelined(self, todo: list[list[Keyed]]) -> None:
        """Big writes: the next batch is encoded (in a thread, off the event loop) while the
        previous one travels: a quarter more rows a second than one after the other."""
        encoding = asyncio.ensure_future(asyncio.to_thread(encode_body, todo[0]))
        try:
            for following in [*todo[1:], None]:
                body = await encoding
                if following is not None:
                    encoding = asyncio.ensure_future(asyncio.to_thread(encode_body, following))
                await self._http.write(body, self._rp)
        finally:
            encoding.cancel()

    async def write_waveforms(self, chunks: Sequence[WaveformChunk]) -> None:
        """One request per batch of chunks (a quarter second of a ward is one request)."""
        chunks, size = list(chunks), self._http.settings.batch_lines
        for begin in range(0, len(chunks), size):
            await self._http.write(waveforms.encode_chunks(chunks[begin:begin + size]),
                                   self._waveforms_rp)

    async def waveforms(self, bed_ids: Iterable[str], since: float,
                        waveform: Waveform | None = None) -> dict[str, list[WaveformChunk]]:
        beds = list(dict.fromkeys(bed_ids))
        if not beds:
            return {}
        before, after = waveforms.queries(beds, since, waveform,
                                                 self._waveforms_rp)
        answers = await asyncio.gather(self._http.select(before), self._http.select(after))
        return waveforms.by_bed(
            (chunk for results in answers for chunk in waveforms.chunks(results)), since)

    async def trend(self, bed_id: str, start: float, end: float, buckets: int) -> VitalTrend:
        """One query per vital, all at once (one multi-statement request would do, but
        InfluxDB 3's v1 API is not sure to answer one): buckets of whole minutes from the
        rollups, shorter ones from the raw points."""
        plan = bucket_plan(start, end, buckets, TREND_LIMIT_S)
        builder = TrendBuilder(check_bed_id(bed_id), plan)
        if plan.count and plan.by_minute:
            await self._trend_from_minutes(builder, plan)
        elif plan.count:
            vitals = list(Vital)
            answers = await asyncio.gather(*(self._http.select(
                trend.vital_query(bed_id, vital, plan, self._rp)) for vital in vitals))
            for vital, results in zip(vitals, answers):
                trend.add_results(builder, vital, results)
        return builder.build()

    async def _trend_from_minutes(self, builder: TrendBuilder, plan: BucketPlan) -> None:
        """From the rollups (ten minutes, then minutes) and the raw samples of the minute
        that `end` cuts: one statement each, all at once."""
        parts = rollup_trend.parts(plan)
        answers = await asyncio.gather(*(self._http.select(
            rollup_trend.rollup_query(builder.bed_id, part, self._minutes_rp) if part[0]
            else ql.history_query(builder.bed_id, part[1], part[2], self._rp))
            for part in parts))
        totals, left_out = rollup_trend.BucketTotals(plan), 0
        for part, results in zip(parts, answers):
            if part[0]:
                left_out += totals.add_rollups(results)
            else:
                totals.add_samples(ql.samples(results))
        if left_out:
            log.warning("a trend of %s left out %d rollup point(s) without readable packed "
                        "counts", builder.bed_id, left_out)
        totals.into(builder)

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
