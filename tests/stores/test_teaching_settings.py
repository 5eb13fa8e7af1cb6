"""Teaching settings: what a store offers a trainer to switch while the station runs (Cassandra's
read level, the Redis bus's wait for a replica), refused when not offered, and what changes
once switched. Servers: tests/stores/test_cassandra_nodes_down.py (reads at ALL and at ONE with
a node down) and test_redis_sentinel.py (HIGH alarms without the wait)."""

from __future__ import annotations

import pytest
from cassandra import ConsistencyLevel

from stores import STORE_NAMES, StoreConfig, open_stores
from stores.alerts.redis_teaching import replicas_of, wait_setting
from stores.analytics.cassandra import CassandraAnalytics
from stores.analytics.cassandra_connect import Connector
from stores.analytics.cassandra_settings import CassandraSettings
from stores.analytics.cassandra_store import CassandraAnalyticsStore
from stores.analytics.cassandra_teaching import read_setting
from stores.errors import ValidationError
from stores.model import HealthState, WardHour
from stores.urls import parse_store_url
from tests.stores.cassandra_driver_fake import FakeSession

URL = "cassandra://c1,c2:9042/ward_analytics?dc=dc1"
H, DAY = 3600.0, 20_000 * 24 * 3600.0


def settings(options: str = "") -> CassandraSettings:
    return CassandraSettings.from_url(parse_store_url("analytics", URL + options))


@pytest.mark.asyncio
async def test_embedded_stores_offer_nothing_and_refuse_any_switch(tmp_path):
    stores = await open_stores(StoreConfig(data_dir=tmp_path))
    try:
        for name, store in stores.by_name().items():
            assert store.teaching_settings() == (), name
            with pytest.raises(ValidationError, match="offers no such setting"):
                await store.apply_teaching_setting("read_consistency", "ALL")
    finally:
        await stores.close()


def test_reads_offer_one_local_quorum_all_and_the_configured_level_weakest_first():
    local_one = ConsistencyLevel.LOCAL_ONE
    setting = read_setting(local_one, local_one)
    assert (setting.store, setting.key, setting.label) == ("analytics", "read_consistency",
                                                           "reads")
    assert setting.choices == ("LOCAL_ONE", "ONE", "LOCAL_QUORUM", "ALL")
    assert setting.value == "LOCAL_ONE"
    quorum = read_setting(ConsistencyLevel.QUORUM, ConsistencyLevel.ALL)
    assert quorum.choices == ("ONE", "LOCAL_QUORUM", "QUORUM", "ALL")
    assert quorum.value == "ALL"


def test_the_wait_offers_none_one_and_the_configured_count():
    assert wait_setting(1, 1).choices == ("no replica", "1 replica")
    setting = wait_setting(2, 0)
    assert setting.choices == ("no replica", "1 replica", "2 replicas")
    assert setting.value == "no replica"
    assert setting.label == "HIGH alarms wait for"
    assert [replicas_of(choice) for choice in setting.choices] == [0, 1, 2]


@pytest.mark.asyncio
async def test_a_switched_read_level_is_what_later_reads_are_sent_at_and_writes_keep_theirs():
    session = FakeSession()
    try:
        store = CassandraAnalyticsStore(session, settings())
        store.read_at(ConsistencyLevel.ALL)  # before anything is prepared
        await store.hours("north", DAY, DAY + H)
        store.read_at(ConsistencyLevel.ONE)  # and after
        await store.occupancy()
        await store.add_hours([WardHour("north", "north-1", DAY, alarms=1)])
    finally:
        session.close()

    sent = [(s.query.split()[0], ConsistencyLevel.value_to_name[s.consistency_level])
            for s in session.sent]
    assert sent[0] == ("SELECT", "ALL")
    assert {level for verb, level in sent[1:] if verb == "SELECT"} == {"ONE"}
    assert {level for verb, level in sent if verb == "INSERT"} == {"LOCAL_QUORUM"}
    assert "reads: ONE" in (await store.health()).consistency


@pytest.mark.asyncio
async def test_the_store_switches_before_it_connects_and_its_health_says_the_level_in_use():
    store = CassandraAnalytics(settings(), Connector(settings(), None))  # never started

    now = await store.apply_teaching_setting("read_consistency", "ALL")

    assert now.value == "ALL" and store.teaching_settings() == (now,)
    health = await store.health()
    assert health.state is HealthState.DOWN and "reads: ALL" in health.consistency
    with pytest.raises(ValidationError, match="'TWO' is not one of"):
        await store.apply_teaching_setting("read_consistency", "TWO")
    with pytest.raises(ValidationError, match="offers no such setting"):
        await store.apply_teaching_setting("write_consistency", "ALL")
    assert store.teaching_settings()[0].value == "ALL"


@pytest.mark.asyncio
async def test_the_outbox_in_front_of_a_real_store_passes_its_settings_on(tmp_path):
    urls = dict.fromkeys(STORE_NAMES, "embedded") | {
        "analytics": "cassandra://127.0.0.1:9/ward?dc=dc1&timeout=1"}  # nothing listens
    stores = await open_stores(StoreConfig(data_dir=tmp_path, urls=urls))
    try:
        [offered] = stores.analytics.teaching_settings()
        now = await stores.analytics.apply_teaching_setting(offered.key, "ONE")
        assert now.value == "ONE" and stores.analytics.teaching_settings() == (now,)
    finally:
        await stores.close()
