"""The InfluxDB vitals backend on InfluxDB 2.x with a token: `prepare` finds the organisation and
creates the bucket and its DBRP mapping through the v2 API, against a stand-in that answers as
2.x's source does (tests/stores/influx2_fake.py); the session clean-up of tests/servers too."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
import pytest_asyncio

from stores.errors import StoreUnavailable
from stores.model import VitalSample
from stores.urls import StoreUrlError, parse_store_url
from stores.vitals.influx.config import Policy
from stores.vitals.influx.store import open_store
from tests.servers.influx import InfluxServer
from tests.stores.influx2_fake import serve

pytestmark = pytest.mark.asyncio
TOKEN = "tok-SECRET-2x"
RELEASES = ("none", "virtual", "physical")  # what a 2.x release maps when a bucket is made
# The store's three retention policies by default: (name, what they keep, seconds)
POLICIES = (("ward_raw", "vitals", 3 * 86400), ("ward_minutes", "per-minute rollups", 31 * 86400),
            ("ward_waveforms", "waveforms", 3600))


def missing(db: str = "vitals", org: str = "ward", policies=POLICIES, buckets=True) -> list[str]:
    """What `prepare` says 2.x lacks: per policy a bucket `db/policy` and its DBRP mapping."""
    items = []
    for rp, what, _ in policies:
        if buckets:
            items.append(f"bucket '{db}/{rp}' for {what} in organisation '{org}'")
        items.append(f"DBRP mapping of database '{db}', retention policy '{rp}', to bucket "
                     f"'{db}/{rp}'")
    return items


@pytest_asyncio.fixture
async def influx2(request):
    options = getattr(request, "param", {})
    fake, runner = await serve(TOKEN, **options)
    opened = []

    async def open_(path: str = "vitals", secret: str = TOKEN):
        url = parse_store_url("vitals", f"influxdb://127.0.0.1:{fake.port}/{path}")
        opened.append(await open_store(url, secret))
        return opened[-1]

    fake.open = open_
    yield fake
    for store in opened:
        await store.close()
    await runner.cleanup()


def org_id(fake, name: str = "ward") -> str:
    return next(org["id"] for org in fake.orgs if org["name"] == name)


def bucket_named(fake, name: str) -> dict:
    return next(b for b in fake.buckets.values() if b["name"] == name)


@pytest.mark.parametrize("influx2", [{"mapping_on_create": m} for m in RELEASES], ids=RELEASES,
                         indirect=True)
async def test_prepare_reports_then_creates_buckets_and_mappings_once_then_data_flows(influx2):
    store = await influx2.open()

    assert await store.prepare() == missing()
    assert influx2.posts() == [] and influx2.buckets == {}
    assert await store.prepare(create=True) == missing()
    expected = []
    for rp, _, seconds in POLICIES:
        bucket = bucket_named(influx2, f"vitals/{rp}")
        expected.append({"orgID": org_id(influx2), "name": f"vitals/{rp}",
                         "retentionRules": [{"type": "expire", "everySeconds": seconds}]})
        # Releases that map a new bucket themselves are not sent a second, conflicting mapping.
        if influx2.mapping_on_create == "none":
            expected.append({"bucketID": bucket["id"], "database": "vitals",
                             "retention_policy": rp, "default": False,
                             "orgID": org_id(influx2)})
    assert [data for _, data in influx2.posts()] == expected

    asked_before = len(influx2.requests)
    assert await store.prepare(create=True) == []
    assert await store.prepare() == []
    # Once set up, the v1 API says so: a token that may only read and write its bucket will do.
    assert {path for _, path, *_ in influx2.requests[asked_before:]} == {"/query"}
    await store.write([VitalSample("b1", 1.0, 70), VitalSample("b1", 2.0, 72)])
    assert await store.latest(["b1"]) == {"b1": VitalSample("b1", 2.0, 72)}
    assert len(influx2.points[bucket_named(influx2, "vitals/ward_raw")["id"]]) == 2
    minute, ten_minutes = influx2.points[bucket_named(influx2, "vitals/ward_minutes")["id"]]
    assert minute.startswith("vitals_minutes,bed=b1 heart_rate_min=70.0,heart_rate_max=72.0,")
    assert ten_minutes.startswith("vitals_10m,bed=b1 ")  # from minutes this stand-in cannot sum


@pytest.mark.parametrize("influx2", [{"mapping_on_create": "none"}], indirect=True)
async def test_a_bucket_the_operator_made_gets_only_its_mapping(influx2):
    bucket = influx2.add_bucket("vitals/ward_raw")
    store = await influx2.open()

    expected = missing(policies=POLICIES[:1], buckets=False) + missing(policies=POLICIES[1:])
    assert await store.prepare() == expected
    assert await store.prepare(create=True) == expected

    [(path, mapping)] = [(path, data) for path, data in influx2.posts()
                         if data.get("retention_policy") == "ward_raw"]
    assert (path, mapping["bucketID"]) == ("/api/v2/dbrps", bucket["id"])
    assert bucket["retentionRules"] == []  # the operator's bucket keeps what it keeps


@pytest.mark.parametrize("influx2", [{"mapping_on_create": "none"}], indirect=True)
async def test_a_mapping_to_a_bucket_of_another_name_is_kept(influx2):
    bucket = influx2.add_bucket("hospital-vitals")
    influx2._store_mapping(org_id(influx2), bucket["id"], "vitals", "ward_raw", True)
    store = await influx2.open()

    assert await store.prepare(create=True) == missing(policies=POLICIES[1:])
    assert not [data for _, data in influx2.posts() if "hospital" in str(data)
                or data.get("retention_policy") == "ward_raw"]
    await store.write([VitalSample("b1", 5.0, spo2=97)])
    assert len(influx2.points[bucket["id"]]) == 1


@pytest.mark.parametrize("influx2", [{"mapping_on_create": "none"}], indirect=True)
async def test_rp_and_retention_name_the_bucket_and_keep_the_databases_default(influx2):
    plain = await influx2.open()
    await plain.prepare(create=True)
    made_before = len(influx2.posts())
    weekly = await influx2.open("vitals?rp=week&retention=30d")

    assert await weekly.prepare(create=True) == [
        "bucket 'vitals/week' for vitals in organisation 'ward'",
        "DBRP mapping of database 'vitals', retention policy 'week', to bucket 'vitals/week'"]

    (_, bucket), (_, mapping) = influx2.posts()[made_before:]
    assert bucket["retentionRules"] == [{"type": "expire", "everySeconds": 30 * 86400}]
    assert (mapping["retention_policy"], mapping["default"]) == ("week", False)
    defaults = [m["retention_policy"] for m in influx2.dbrps.values() if m["default"]]
    assert defaults == ["ward_raw"]  # the database's first mapping stays its default
    await weekly.write([VitalSample("b1", 5.0, spo2=97)])
    assert len(influx2.points[bucket_named(influx2, "vitals/week")["id"]]) == 1
    assert await weekly.prepare() == [] and await plain.prepare() == []


@pytest.mark.parametrize("influx2", [{"orgs": ("east", "ward")}], indirect=True)
async def test_several_organisations_need_org_in_the_url_which_picks_one(influx2):
    store = await influx2.open()
    with pytest.raises(StoreUnavailable) as refused:
        await store.prepare(create=True)
    assert refused.value.reason == ("the token sees 2 organisations (east, ward): name one with "
                                    "?org=NAME in the vitals URL")
    nowhere = await influx2.open("vitals?org=west")
    with pytest.raises(StoreUnavailable, match=r"organisation 'west' \(\?org=\) not found"):
        await nowhere.prepare()

    east = await influx2.open("vitals?org=east")  # the token's own, as the v1 API wants
    assert await east.prepare(create=True) == missing(org="east")
    assert {bucket["orgID"] for bucket in influx2.buckets.values()} == {org_id(influx2, "east")}
    await east.write([VitalSample("b1", 1.0, 70)])
    assert list(await east.latest(["b1"])) == ["b1"]


async def test_every_call_carries_the_token_in_its_header_and_never_in_the_url(influx2):
    store = await influx2.open()
    await store.prepare(create=True)
    await store.write([VitalSample("b1", 1.0, 70)])
    await store.latest(["b1"])

    paths = {path for _, path, _, _, _ in influx2.requests}
    assert {"/ping", "/api/v2/orgs", "/api/v2/buckets", "/write", "/query"} <= paths
    assert {auth for *_, auth in influx2.requests} == {f"Token {TOKEN}"}
    assert all(TOKEN not in path + str(query) for _, path, query, _, _ in influx2.requests)


async def test_a_wrong_token_and_a_refused_bucket_are_said_in_words_without_the_secret(influx2):
    wrong = await influx2.open(secret="not-the-SECRET")
    with pytest.raises(StoreUnavailable) as unauthorised:
        await wrong.prepare(create=True)
    short = await influx2.open()  # what ?retention=30m would ask, were it not refused first
    short.inner._http.settings = dataclasses.replace(short.inner._http.settings,
                                               raw=Policy("ward_raw", 1800, "vitals"))
    with pytest.raises(StoreUnavailable) as refused:
        await short.prepare(create=True)

    assert unauthorised.value.reason == "authentication failed"
    assert refused.value.reason == (f"127.0.0.1:{influx2.port} answered HTTP 500: retention "
                                    "policy duration must be at least 1h0m0s")
    for reason in (unauthorised.value.reason, refused.value.reason):
        assert "SECRET" not in reason


@pytest.mark.parametrize("retention", ["soon", "30", "0d", "-1h", "1.5d", "30m"])
async def test_a_retention_that_is_not_a_duration_is_refused_on_opening(retention):
    with pytest.raises(StoreUrlError, match=rf"\?retention={retention} must be a duration"):
        await open_store(parse_store_url(
            "vitals", f"influxdb://127.0.0.1:8086/vitals?retention={retention}"), TOKEN)


@pytest.mark.parametrize("influx2", [{"mapping_on_create": m} for m in RELEASES], ids=RELEASES,
                         indirect=True)
async def test_the_session_clean_up_drops_its_buckets_and_mappings_and_nothing_else(influx2):
    other = influx2.add_bucket("other")
    influx2._store_mapping(org_id(influx2), other["id"], "other", "autogen", True)
    for path in ("ward_test_ab_t1", "ward_test_ab_t2?rp=week"):
        await (await influx2.open(path)).prepare(create=True)
    server = InfluxServer(f"influxdb://127.0.0.1:{influx2.port}/x", TOKEN, version="2.7.11",
                          used=["ward_test_ab_t1", "ward_test_ab_t2"])

    await asyncio.to_thread(server.drop_used)  # urllib: off the loop the stand-in runs on

    assert [b["name"] for b in influx2.buckets.values()] == ["other"]
    assert [m["database"] for m in influx2.dbrps.values()] == ["other"]
