"""The Cassandra analytics store at the driver's boundary: what it prepares, binds and sends,
at which consistency level, how it pages, how rows and driver errors come back."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import UTC, datetime

import pytest
from cassandra import (
    AuthenticationFailed,
    ConsistencyLevel,
    InvalidRequest,
    OperationTimedOut,
    ReadTimeout,
    Unavailable,
    WriteTimeout,
    WriteType,
)
from cassandra.cluster import NoHostAvailable
from cassandra.query import BatchType
from cassandra.util import Date

from stores.analytics.cassandra_settings import CassandraSettings
from stores.analytics.cassandra_store import CassandraAnalyticsStore
from stores.analytics.cassandra_totals import WriterTotals
from stores.errors import StoreUnavailable, ValidationError
from stores.model import WardHour, WardOccupancy
from stores.urls import parse_store_url
from tests.stores.cassandra_driver_fake import FakeSession

pytestmark = pytest.mark.asyncio

H = 3600.0
DAY = 20_000 * 24 * H  # a midnight: day 20000 since the epoch
WRITER = uuid.UUID(int=7)
URL = "cassandra://c1,c2:9042/ward_analytics?dc=dc1"


def settings(options: str = "") -> CassandraSettings:
    return CassandraSettings.from_url(parse_store_url("analytics", URL + options))


def stamp(seconds: float) -> datetime:
    """A CQL timestamp as the driver returns it: a naive UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def hour_row(hour: float, ward: str, alarms: int = 0, hr_sum: float = 0.0, hr_count: int = 0,
             **later):
    """A row as the driver returns it; `later` sets the columns added since (default zero)."""
    return {"hour": stamp(hour), "ward": ward, "alarms": alarms, "heart_rate_sum": hr_sum,
            "heart_rate_count": hr_count, "spo2_sum": 0.0, "spo2_count": 0,
            "bed_seconds": 0.0, "acknowledged": 0, "acknowledge_s_sum": 0.0} | later


@pytest.fixture
def session():
    fake = FakeSession()
    yield fake
    fake.close()
    assert not fake.io.errors


@pytest.fixture
def store(session) -> CassandraAnalyticsStore:
    totals = WriterTotals(new_writer=lambda: WRITER)
    return CassandraAnalyticsStore(session, settings(), totals=totals)


async def test_statements_are_prepared_once_and_off_the_event_loop(store, session):
    await asyncio.gather(store.occupancy(), store.hours("north", DAY, DAY + H), store.occupancy())
    await store.add_hours([WardHour("north", "north-1", DAY, alarms=1)])
    await store.record_occupancy([WardOccupancy("north", "north-1", 3, 8, 10.0)])

    assert len(session.prepared) == len(set(session.prepared)) == 8
    assert all(name != threading.current_thread().name for name in session.prepare_threads)
    assert all('"ward_analytics".' in query for query in session.prepared)


async def test_rollups_are_written_as_whole_totals_one_batch_per_region_and_day(store, session):
    await store.add_hours([
        WardHour("north", "north-1", DAY + 1800.0, alarms=2, heart_rate_sum=140.0,
                 heart_rate_count=2),
        WardHour("north", "north-1", DAY, alarms=1),  # the same hour: added up before sending
        WardHour("north", "north-2", DAY - H, spo2_sum=97.0, spo2_count=1),  # the day before
    ])

    batches = session.sent_matching("INSERT INTO")
    assert [b.kind for b in batches] == ["batch", "batch"]
    assert all(b.batch_type == BatchType.UNLOGGED and b.idempotent for b in batches)
    assert all(b.consistency_level == ConsistencyLevel.LOCAL_QUORUM for b in batches)
    rows = sorted((row for b in batches for row in b.values), key=lambda row: row["hour"])
    assert rows == [
        {"region": "north", "day": Date(19_999), "hour": stamp(DAY - H), "ward": "north-2",
         "writer": WRITER, "alarms": 0, "heart_rate_sum": 0.0, "heart_rate_count": 0,
         "spo2_sum": 97.0, "spo2_count": 1, "bed_seconds": 0.0, "acknowledged": 0,
         "acknowledge_s_sum": 0.0},
        {"region": "north", "day": Date(20_000), "hour": stamp(DAY), "ward": "north-1",
         "writer": WRITER, "alarms": 3, "heart_rate_sum": 140.0, "heart_rate_count": 2,
         "spo2_sum": 0.0, "spo2_count": 0, "bed_seconds": 0.0, "acknowledged": 0,
         "acknowledge_s_sum": 0.0},
    ]


async def test_a_later_rollup_writes_the_new_total_of_the_writer(store, session):
    await store.add_hours([WardHour("north", "north-1", DAY, alarms=2)])
    await store.add_hours([WardHour("north", "north-1", DAY, alarms=1, heart_rate_sum=60.0,
                                    heart_rate_count=1)])

    [first, second] = [b.values[0] for b in session.sent_matching("INSERT INTO")]
    assert (first["alarms"], second["alarms"]) == (2, 3)
    assert (second["heart_rate_sum"], second["heart_rate_count"]) == (60.0, 1)


async def test_bed_time_and_acknowledgements_are_part_of_the_writers_total(store, session):
    await store.add_hours([WardHour("north", "north-1", DAY, alarms=1, bed_seconds=60.0)])
    await store.add_hours([WardHour("north", "north-1", DAY, bed_seconds=30.0, acknowledged=1,
                                    acknowledge_s_sum=12.5)])

    second = session.sent_matching("INSERT INTO")[-1].values[0]
    assert {name: second[name] for name in ("alarms", "bed_seconds", "acknowledged",
                                            "acknowledge_s_sum")} == {
        "alarms": 1, "bed_seconds": 90.0, "acknowledged": 1, "acknowledge_s_sum": 12.5}
    selects = [q for q in session.prepared if q.startswith("SELECT hour")]
    assert selects and all("bed_seconds, acknowledged, acknowledge_s_sum" in q for q in selects)


async def test_a_rollup_whose_write_failed_is_sent_again_without_counting_twice(store, session):
    await store.add_hours([WardHour("north", "north-1", DAY, alarms=2)])
    timed_out = WriteTimeout("timed out", consistency=ConsistencyLevel.LOCAL_QUORUM,
                             required_responses=2, received_responses=1,
                             write_type=WriteType.UNLOGGED_BATCH)
    session.answer("INSERT INTO", error=timed_out, times=1)
    with pytest.raises(StoreUnavailable):
        await store.add_hours([WardHour("north", "north-1", DAY, alarms=1)])

    await store.add_hours([WardHour("north", "north-1", DAY, alarms=1)])  # what the outbox does

    assert [b.values[0]["alarms"] for b in session.sent_matching("INSERT INTO")] == [2, 3, 3]


async def test_hours_read_only_the_partitions_of_the_days_in_the_range(store, session):
    await store.hours("north", DAY - 2 * H, DAY + 1.5 * H)

    reads = session.sent_matching("FROM \"ward_analytics\".ward_hours")
    assert [(r.kind, r.consistency_level) for r in reads] == [
        ("bound", ConsistencyLevel.LOCAL_ONE)] * 2
    assert [r.values for r in reads] == [
        {"region": "north", "day": Date(day), "from_hour": stamp(DAY - 2 * H),
         "to_hour": stamp(DAY + 1.5 * H)} for day in (19_999, 20_000)
    ]
    assert await store.hours("north", DAY, DAY) == []
    assert len(session.sent) == 2  # an empty range reads nothing


async def test_hours_follow_every_page_and_add_up_the_writers_rows(store, session):
    session.answer("ward_hours WHERE",
                   [hour_row(DAY, "north-2", alarms=1), hour_row(DAY, "north-1", alarms=2)],
                   [hour_row(DAY, "north-1", alarms=3, hr_sum=80.0, hr_count=1)],
                   [hour_row(DAY + H, "north-1", alarms=1)])

    found = await store.hours("north", DAY, DAY + 2 * H)

    assert found == [
        WardHour("north", "north-1", DAY, alarms=5, heart_rate_sum=80.0, heart_rate_count=1),
        WardHour("north", "north-2", DAY, alarms=1),
        WardHour("north", "north-1", DAY + H, alarms=1),
    ]
    assert all(isinstance(h.hour, float) for h in found)
    [read] = session.sent_matching("ward_hours WHERE")
    assert (read.pages_asked, read.fetch_size) == (3, 1000)


async def test_the_writers_bed_time_and_acknowledgements_add_up_on_read(store, session):
    session.answer("ward_hours WHERE", [
        hour_row(DAY, "north-1", alarms=2, bed_seconds=3600.0, acknowledged=1,
                 acknowledge_s_sum=30.0),
        hour_row(DAY, "north-1", alarms=1, bed_seconds=1800.0, acknowledged=2,
                 acknowledge_s_sum=15.0),
    ])

    [found] = await store.hours("north", DAY, DAY + H)

    assert found == WardHour("north", "north-1", DAY, alarms=3, bed_seconds=5400.0,
                             acknowledged=3, acknowledge_s_sum=45.0)
    assert (found.alarms_per_bed_hour, found.acknowledge_s_mean) == (2.0, 15.0)


async def test_rows_written_before_the_columns_were_added_count_zero_there(store, session):
    # An older station's rows, in a table that `check --init` gave the new columns: null there.
    old = hour_row(DAY, "north-1", alarms=2, bed_seconds=None, acknowledged=None,
                   acknowledge_s_sum=None)
    session.answer("ward_hours WHERE", [old, hour_row(DAY, "north-1", acknowledged=1,
                                                      acknowledge_s_sum=8.0)])

    [found] = await store.hours("north", DAY, DAY + H)

    assert found == WardHour("north", "north-1", DAY, alarms=2, acknowledged=1,
                             acknowledge_s_sum=8.0)
    assert isinstance(found.bed_seconds, float) and isinstance(found.acknowledged, int)


async def test_occupancy_reads_the_region_list_then_each_region(store, session):
    session.answer("ward_regions", [{"region": "south"}, {"region": "north"}])
    session.answer("ward_occupancy WHERE region", [
        {"ward": "w-2", "occupied": 2, "beds": 4, "measured_at": 5.5},
        {"ward": "w-1", "occupied": 1, "beds": 4, "measured_at": 6.0},
    ])

    found = await store.occupancy()

    assert [(o.region, o.ward) for o in found] == [
        ("north", "w-1"), ("north", "w-2"), ("south", "w-1"), ("south", "w-2")]
    assert found[0] == WardOccupancy("north", "w-1", 1, 4, 6.0)
    reads = session.sent_matching("ward_occupancy WHERE region")
    assert sorted(r.values["region"] for r in reads) == ["north", "south"]


async def test_a_reading_is_written_with_its_own_time_as_the_write_timestamp(store, session):
    await store.record_occupancy([WardOccupancy("north", "north-1", 3, 8, 1_700_000_000.25)])

    [reading] = session.sent_matching("USING TIMESTAMP")
    assert reading.values == {"region": "north", "ward": "north-1", "occupied": 3, "beds": 8,
                              "measured_at": 1_700_000_000.25,
                              "written_at": 1_700_000_000_250_000}
    assert [r.values for r in session.sent_matching("INTO \"ward_analytics\".ward_regions")] == [
        {"region": "north"}]


async def test_consistency_levels_come_from_the_url(session):
    store = CassandraAnalyticsStore(
        session, settings("&write_consistency=each_quorum&read_consistency=QUORUM"))
    await store.add_hours([WardHour("north", "north-1", DAY, alarms=1)])
    await store.record_occupancy([WardOccupancy("north", "north-1", 3, 8, 1.0)])
    await store.hours("north", DAY, DAY + H)
    await store.occupancy()

    levels = {ConsistencyLevel.value_to_name[s.consistency_level] for s in session.sent
              if s.query.startswith("INSERT")}
    assert levels == {"EACH_QUORUM"}
    levels = {ConsistencyLevel.value_to_name[s.consistency_level] for s in session.sent
              if s.query.startswith("SELECT")}
    assert levels == {"QUORUM"}


@pytest.mark.parametrize("error, reason", [
    (NoHostAvailable("Unable to connect", {"c1:9042": ConnectionRefusedError(111, "refused")}),
     "cannot reach c1:9042, c2:9042: connection refused"),
    (NoHostAvailable("Unable to complete the operation against any hosts", {}),
     "cannot reach c1:9042, c2:9042: no server is up"),
    (OperationTimedOut("errors=..., last_host=None"), "Cassandra did not answer in time"),
    # the coordinator refused, the driver tried the next host, and no host was left
    (NoHostAvailable("Unable to complete the operation against any hosts", {
        "c1:9042": Unavailable("Cannot achieve consistency", consistency=ConsistencyLevel.LOCAL_QUORUM,
                               required_replicas=2, alive_replicas=1)}),
     "too few Cassandra replicas are up for LOCAL_QUORUM (1 up, 2 needed)"),
    (Unavailable("Cannot achieve consistency", consistency=ConsistencyLevel.LOCAL_QUORUM,
                 required_replicas=2, alive_replicas=1),
     "too few Cassandra replicas are up for LOCAL_QUORUM (1 up, 2 needed)"),
    (ReadTimeout("timeout", consistency=ConsistencyLevel.LOCAL_ONE, required_responses=1,
                 received_responses=0),
     "Cassandra replicas did not confirm the read in time at LOCAL_ONE (0 of 1 answered)"),
    (InvalidRequest("unconfigured table ward_hours"),
     "the analytics keyspace or its tables are missing: run `ward-station check --init` "
     "to create it"),
    (InvalidRequest("Undefined column name bed_seconds in table ward_analytics.ward_hours"),
     "the analytics tables lack columns this version needs: run `ward-station check --init` "
     "to add them"),
])
async def test_driver_errors_become_store_unavailable_with_a_reason(store, session, error, reason):
    session.answer("ward_hours", error=error)

    with pytest.raises(StoreUnavailable) as raised:
        await store.hours("north", DAY, DAY + H)

    assert raised.value.reason == reason


async def test_a_refused_password_is_reported_without_it(store, session):
    refused = AuthenticationFailed("Provided username ward and/or password s3cret are incorrect")
    session.answer("ward_occupancy", error=NoHostAvailable("Unable to connect",
                                                           {"c1:9042": refused}))
    session.answer("ward_regions", [{"region": "north"}])

    with pytest.raises(StoreUnavailable) as raised:
        await store.occupancy()

    assert raised.value.reason == "authentication failed"
    assert "s3cret" not in str(raised.value)


async def test_an_error_on_a_later_page_fails_the_read(store, session):
    session.answer("ward_hours WHERE", [hour_row(DAY, "north-1", alarms=1)],
                   error=OperationTimedOut())

    with pytest.raises(StoreUnavailable, match="did not answer in time"):
        await store.hours("north", DAY, DAY + H)


async def test_statements_that_could_not_be_prepared_are_prepared_on_the_next_call(store, session):
    session.prepare_error = InvalidRequest("Keyspace ward_analytics does not exist")
    with pytest.raises(StoreUnavailable, match="keyspace or its tables are missing"):
        await store.occupancy()

    session.prepare_error = None
    assert await store.occupancy() == []
    assert len(session.prepared) == 8


async def test_a_writer_with_many_totals_starts_afresh_under_a_new_id(session):
    writers = iter([uuid.UUID(int=1), uuid.UUID(int=2)])
    totals = WriterTotals(max_keys=2, new_writer=lambda: next(writers))
    store = CassandraAnalyticsStore(session, settings(), totals=totals)

    for ward in ("w-1", "w-2", "w-3"):  # the third total is one too many: a new writer follows
        await store.add_hours([WardHour("north", ward, DAY, alarms=1)])
    await store.add_hours([WardHour("north", "w-1", DAY, alarms=1)])

    rows = [b.values[0] for b in session.sent_matching("INSERT INTO")]
    assert [(r["ward"], r["writer"].int, r["alarms"]) for r in rows] == [
        ("w-1", 1, 1), ("w-2", 1, 1), ("w-3", 1, 1), ("w-1", 2, 1)]


async def test_a_range_of_more_than_ten_years_is_refused(store, session):
    with pytest.raises(ValidationError) as raised:
        await store.hours("north", 0.0, 11 * 366 * 24 * H)

    assert raised.value.field == "end"
    assert session.sent == []
