"""Line protocol escaped by the station itself, against a real influxd: any bed id the store
takes comes back unchanged, in samples, rollups and waveforms."""

from __future__ import annotations

import asyncio
import itertools
import math
import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stores.errors import ValidationError
from stores.model import Vital, VitalSample, Waveform, WaveformChunk
from stores.urls import parse_store_url
from stores.vitals.influx.lines import check_bed_id
from stores.vitals.influx.store import open_store
from tests.hypothesis_profiles import examples
from tests.servers.influx import KEEP_FOR_EVER
from tests.stores.test_influx_server import AWKWARD_BEDS

_names = itertools.count(1)


def takes(bed_id: str) -> bool:
    try:
        return check_bed_id(bed_id) == bed_id
    except ValidationError:
        return False


# what line protocol escapes, what it does not (quotes, #, a lone backslash), and any other text
BED_ID = st.text(st.sampled_from(list(" ,=\\\"'#xü🛏")) | st.characters(codec="utf-8"),
                 min_size=1, max_size=12).filter(takes)
MINUTE = float(math.floor(time.time() / 60) * 60 - 600)  # a whole minute: its rollup is exact


@settings(max_examples=examples(0.5), deadline=None,  # each example is a database on influxd
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(beds=st.lists(BED_ID, min_size=1, max_size=4, unique=True), simulated=st.booleans())
@example(beds=AWKWARD_BEDS, simulated=True)
def test_every_bed_id_the_store_takes_comes_back_unchanged(influx_server, beds, simulated):
    """The station escapes line protocol itself: whatever a bed id holds, its samples, their
    minute's rollup and its waveform come back from influxd under that id and no other."""
    samples = [VitalSample(bed, MINUTE + n, heart_rate=60.0 + n, simulated=simulated)
               for n, bed in enumerate(beds)]
    chunks = [WaveformChunk(bed, Waveform.ECG_II, MINUTE + n, 250.0, (0.5, -0.25), simulated)
              for n, bed in enumerate(beds)]

    async def scenario():
        url = f"{influx_server.fresh_url(f'esc{next(_names)}')}?{KEEP_FOR_EVER}"
        store = await open_store(parse_store_url("vitals", url), influx_server.secret)
        try:
            await store.prepare(create=True)
            await store.write(samples)
            await store.write_waveforms(chunks)
            trends = [await store.trend(bed, MINUTE, MINUTE + 60, 1) for bed in beds]
            return await store.latest(beds), await store.waveforms(beds, MINUTE - 1), trends
        finally:
            await store.close()

    latest, waveforms, trends = asyncio.run(scenario())
    assert latest == {s.bed_id: s for s in samples}
    assert waveforms == {c.bed_id: [c] for c in chunks}
    assert [t.highest[Vital.HEART_RATE] for t in trends] == [(s.heart_rate,) for s in samples]
