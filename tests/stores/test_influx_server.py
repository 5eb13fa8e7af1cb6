"""The InfluxDB vitals backend against a real influxd: escaping, chunked reads, batches, schema,
errors, and a server that is down at start-up or does not answer."""

from __future__ import annotations

import itertools
import json
import socket
import time

import pytest
import pytest_asyncio

from stores.errors import StoreUnavailable, ValidationError
from stores.model import HealthState, VitalSample
from stores.urls import parse_store_url
from stores.vitals.influx.store import open_store
from tests.servers import free_port, start_or_skip
from tests.servers.influx import KEEP_FOR_EVER, start_influxd

pytestmark = pytest.mark.asyncio
_names = itertools.count(1)
AWKWARD_BEDS = ["bed 7", "a,b", "a=b", "q\"uo'te", "back\\slash", "w\\a rd,7=\"x'", "ünï 🛏",
                "#hash", " spaced "]


@pytest_asyncio.fixture
async def open_influx(influx_server):
    """Opens a store on a database of its own (`?options` appended to the URL)."""
    opened = []

    async def open_one(options: str = "", create: bool = True):
        url = influx_server.fresh_url(f"spec{next(_names)}")
        # the server's URL may have options of its own (?org=)
        url += ("&" if "?" in url else "?") + "&".join(filter(None, [KEEP_FOR_EVER,
                                                                     options.lstrip("?")]))
        store = await open_store(parse_store_url("vitals", url), influx_server.secret)
        opened.append(store)
        if create:
            await store.prepare(create=True)
        return store, url

    yield open_one
    for store in opened:
        await store.close()


async def test_awkward_bed_ids_round_trip(open_influx):
    store, _ = await open_influx()
    written = [VitalSample(bed, 1.0 + n, heart_rate=60.0 + n) for n, bed in enumerate(AWKWARD_BEDS)]

    await store.write(written)

    assert await store.latest(AWKWARD_BEDS) == {s.bed_id: s for s in written}
    assert await store.recent(AWKWARD_BEDS, since=0.0) == {s.bed_id: [s] for s in written}
    for sample in written:
        assert await store.history(sample.bed_id, 0.0, 100.0) == [sample]


async def test_a_bed_id_cannot_change_what_a_query_selects(open_influx):
    store, _ = await open_influx()
    await store.write([VitalSample("b1", 1.0, 70), VitalSample("b2", 1.0, 80)])

    assert await store.latest(["x' OR \"bed\" =~ /.*/ OR \"bed\" = 'y"]) == {}
    assert await store.recent(["b1\nb2", "b1\\", "b1'"], since=0.0) == {}
    assert await store.history("b1') OR ('1' = '1", 0.0, 10.0) == []


async def test_a_bed_id_influxdb_would_change_is_refused_before_anything_is_sent(open_influx):
    store, _ = await open_influx()

    with pytest.raises(ValidationError, match="bed_id"):
        await store.write([VitalSample("fine", 1.0, 70), VitalSample("bad\\", 1.0, 70)])

    assert await store.latest(["fine"]) == {}


async def test_reads_beyond_the_row_limit_and_writes_in_small_batches_are_whole(open_influx):
    store, _ = await open_influx("?batch=700")  # the test server cuts un-chunked reads at 1000
    written = [VitalSample("b1", float(t), heart_rate=float(t % 200)) for t in range(2500)]

    await store.write(written)

    assert await store.history("b1", 0.0, 2500.0) == written
    assert len((await store.recent(["b1"], since=-1.0))["b1"]) == 2500


async def test_a_missing_database_is_named_with_the_command_that_creates_it(open_influx):
    store, url = await open_influx(create=False)
    database = url.split("?")[0].rsplit("/", 1)[1]

    for call in (store.write([VitalSample("b1", 1.0, 70)]), store.latest(["b1"])):
        with pytest.raises(StoreUnavailable) as refused:
            await call
        assert f"database {database!r} not found" in refused.value.reason
        assert "ward-station check --init" in refused.value.reason


async def test_prepare_reports_the_database_then_creates_it_once(open_influx, influx_server):
    store, url = await open_influx(create=False)
    database = url.split("?")[0].rsplit("/", 1)[1]
    # 2.x (a server named by WARD_TEST_INFLUX_URL): its bucket and DBRP mapping
    missing = [f"bucket {database!r}", "DBRP mapping"] if influx_server.v2 else [
        f"database {database!r}"]

    reported = await store.prepare()
    assert [item[:len(start)] for item, start in zip(reported, missing)] == missing
    assert await store.prepare(create=True) == reported
    assert await store.prepare(create=True) == []
    assert await store.prepare() == []


def policies(influx_server, database: str) -> dict[str, str]:
    """Each retention policy of the database and its duration, as influxd says them."""
    answer = json.loads(influx_server.run(f'SHOW RETENTION POLICIES ON "{database}"'))
    return {row[0]: row[1] for row in answer["results"][0]["series"][0]["values"]}


async def test_a_retention_policy_is_created_as_asked_then_used(open_influx, influx_server):
    if influx_server.v2:
        pytest.skip("InfluxDB 2.x has no retention policies: see the next test")
    store, url = await open_influx("?rp=week&retention=1w", create=False)
    database = url.split("?")[0].rsplit("/", 1)[1]
    assert any("retention policy 'week' for vitals" in item
               for item in await store.prepare(create=True))

    await store.write([VitalSample("b1", time.time(), 70)])

    assert policies(influx_server, database)["week"] == "168h0m0s"
    assert await store.prepare() == []
    assert list(await store.latest(["b1"])) == ["b1"]


async def test_a_policy_that_exists_is_used_as_it_is(open_influx, influx_server):
    if influx_server.v2:
        pytest.skip("InfluxDB 1.x retention policies")
    store, url = await open_influx("?rp=kept&retention=1w", create=False)
    database = url.split("?")[0].rsplit("/", 1)[1]
    influx_server.run(f'CREATE DATABASE "{database}"')
    influx_server.run(f'CREATE RETENTION POLICY "kept" ON "{database}" DURATION 2d REPLICATION 1')

    missing = await store.prepare(create=True)

    assert not any("'kept'" in item for item in missing) and missing
    assert policies(influx_server, database)["kept"] == "48h0m0s"  # the hospital's, not ours


async def test_on_2x_a_retention_policy_is_a_bucket_of_its_own(open_influx, influx_server):
    if not influx_server.v2:
        pytest.skip("InfluxDB 2.x only (WARD_TEST_INFLUX_URL with a token)")
    store, url = await open_influx("?rp=week", create=False)
    database = url.split("?")[0].rsplit("/", 1)[1]

    assert f"bucket '{database}/week'" in (await store.prepare(create=True))[0]
    await store.write([VitalSample("b1", time.time(), 70)])

    assert await store.prepare() == []
    assert list(await store.latest(["b1"])) == ["b1"]


async def test_a_field_of_another_type_is_refused_naming_the_field(open_influx, influx_server):
    store, url = await open_influx()
    database = url.split("?")[0].rsplit("/", 1)[1]
    influx_server.run('vitals,bed=other heart_rate="high" 1',
                      path=f"/write?db={database}&rp=ward_raw")

    with pytest.raises(ValidationError) as refused:
        await store.write([VitalSample("b1", 1.0, 70)])

    assert refused.value.field == "heart_rate"


async def test_health_is_up_with_the_servers_version_as_its_role(open_influx, influx_server):
    store, url = await open_influx()

    health = await store.health()

    assert (health.backend, health.state, health.reason) == ("influxdb", HealthState.UP, "")
    [node] = health.nodes
    assert node.address == url.split("://")[1].split("/")[0].rpartition("@")[2] and node.up
    assert node.role == f"influxdb {influx_server.version}" and influx_server.version


async def test_close_twice_and_calls_after_close_say_closed(open_influx):
    store, _ = await open_influx()

    await store.close()
    await store.close()

    with pytest.raises(StoreUnavailable, match="closed"):
        await store.latest(["b1"])
    assert (await store.health()).state is HealthState.DOWN


async def test_a_server_down_at_open_is_unavailable_then_works_once_started(tmp_path):
    port = free_port()
    store = await open_store(parse_store_url("vitals", f"influxdb://127.0.0.1:{port}/late"), None)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as refused:
        await store.latest(["b1"])
    assert refused.value.reason == f"cannot reach 127.0.0.1:{port}: connection refused"
    assert time.monotonic() - started < 2.0
    health = await store.health()
    assert health.state is HealthState.DOWN and not health.nodes[0].up

    influxd = start_or_skip("influxd", lambda: start_influxd(tmp_path / "late", port=port))
    try:
        created = await store.prepare(create=True)
        assert created[0] == "database 'late'" and [item.split(" for ")[0] for item in created[1:]] == [
            f"retention policy {name!r}" for name in ("ward_raw", "ward_minutes", "ward_waveforms")]
        now = float(int(time.time()))  # the default policies keep days, not decades
        await store.write([VitalSample("b1", now, 70)])
        assert await store.latest(["b1"]) == {"b1": VitalSample("b1", now, 70)}
        assert (await store.health()).state is HealthState.UP
    finally:
        await store.close()
        influxd.process.stop()


async def test_a_server_that_never_answers_is_given_up_on_promptly():
    with socket.socket() as silent:  # accepts connections (the kernel does) and says nothing
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        url = parse_store_url("vitals", f"influxdb://127.0.0.1:{port}/vitals?timeout=0.5")
        store = await open_store(url, None)
        started = time.monotonic()
        with pytest.raises(StoreUnavailable) as refused:
            await store.history("b1", 0.0, 1.0)
        await store.close()

    assert refused.value.reason == f"cannot reach 127.0.0.1:{port}: timed out"
    assert time.monotonic() - started < 2.0
