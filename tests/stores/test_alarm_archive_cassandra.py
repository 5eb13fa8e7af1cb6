"""The alarm archive's contract on the Cassandra store, through a fake driver that keeps the
archive table as Cassandra does (no Cassandra runs on this machine), and what it sends."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from cassandra import ConsistencyLevel
from cassandra.util import Date

from stores.analytics.cassandra_settings import CassandraSettings
from stores.analytics.cassandra_store import CassandraAnalyticsStore
from stores.errors import ValidationError
from stores.urls import parse_store_url
from tests.stores.cassandra_archive_fake import ArchiveTableSession
from tests.stores.test_analytics_contract import (  # noqa: F401  (run here on the fake)
    DAY,
    H,
    resolved,
    test_a_patients_archived_alarms,
    test_an_alarm_that_could_not_be_read_back_is_not_archived,
    test_archived_alarms_read_back_whole_by_region_and_time_oldest_first,
    test_archiving_again_keeps_one_record_and_the_later_state_wins,
)

pytestmark = pytest.mark.asyncio
URL = "cassandra://c1,c2:9042/ward_analytics?dc=dc1"


@pytest.fixture
def session():
    fake = ArchiveTableSession()
    yield fake
    fake.close()
    assert not fake.io.errors


@pytest.fixture
def stores(session):
    settings = CassandraSettings.from_url(parse_store_url("analytics", URL))
    return SimpleNamespace(analytics=CassandraAnalyticsStore(session, settings))


async def test_one_row_per_alarm_in_the_partition_of_its_region_and_day(stores, session):
    alarm = resolved("a1", 25.0)
    await stores.analytics.archive_alarms([alarm])

    [insert] = session.sent_matching("INSERT INTO")
    assert insert.consistency_level == ConsistencyLevel.LOCAL_QUORUM and insert.idempotent
    assert (insert.values["region"], insert.values["day"], insert.values["id"]) == (
        "north", Date(20_001), "a1")
    assert insert.values["written_at"] == round(alarm.cleared_at * 1_000_000)


async def test_a_read_asks_only_the_days_of_its_range(stores, session):
    await stores.analytics.archived_alarms("north", DAY - H, DAY + 1.5 * H)

    selects = session.sent_matching("SELECT record")
    assert sorted(s.values["day"].days_from_epoch for s in selects) == [19_999, 20_000]
    assert all(s.consistency_level == ConsistencyLevel.LOCAL_ONE for s in selects)


async def test_more_than_ten_years_of_archived_alarms_is_refused(stores, session):
    with pytest.raises(ValidationError):
        await stores.analytics.archived_alarms("north", 0.0, DAY)
    assert not session.sent_matching("SELECT record")
