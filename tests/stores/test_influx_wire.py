"""What the InfluxDB vitals backend puts on the wire, and how it reads answers that only other
InfluxDB versions give: a small HTTP server here records each request and answers as told."""

from __future__ import annotations

import gzip
import json
import logging
import shutil
import ssl
import subprocess

import pytest
import pytest_asyncio
from aiohttp import web

from stores.errors import StoreUnavailable
from stores.model import HealthState, VitalSample
from stores.urls import parse_store_url
from stores.vitals.influx.rollup import unpack_counts
from stores.vitals.influx.store import open_store
from tests.servers import free_port

pytestmark = pytest.mark.asyncio
EMPTY = {"results": [{"statement_id": 0}]}


class FakeInflux:
    """Records requests; answers /query with `answer(q)` -> (status, JSON), /write with 204."""

    def __init__(self, port: int, version: str) -> None:
        self.port = port
        self.version = version
        self.requests: list[web.Request] = []
        self.bodies: list[bytes] = []
        self.answer = lambda q: (200, EMPTY)
        self.write_statuses: list[int] = []  # answers to the next writes (then 204)

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(request)
        self.bodies.append(await request.read())
        headers = {"X-Influxdb-Version": self.version}
        if request.path == "/query":
            status, data = self.answer(request.query["q"])
            return web.json_response(data, status=status, headers=headers)
        status = self.write_statuses.pop(0) if request.path == "/write" and self.write_statuses \
            else 204
        return web.Response(status=status, headers=headers)

    async def open(self, options: str = "", user: str = "", secret: str | None = None,
                   scheme: str = "influxdb"):
        url = f"{scheme}://{user}127.0.0.1:{self.port}/vitals{options}"
        return await open_store(parse_store_url("vitals", url), secret)


async def serve(version: str = "1.8.10", tls: ssl.SSLContext | None = None):
    fake = FakeInflux(free_port(), version)
    app = web.Application()
    app.router.add_route("*", "/{path:.*}", fake.handle)
    runner = web.AppRunner(app, access_log=None, auto_decompress=False)  # see the bytes sent
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", fake.port, ssl_context=tls).start()
    return fake, runner


@pytest_asyncio.fixture
async def fake():
    fake, runner = await serve()
    yield fake
    await runner.cleanup()


async def test_writes_are_gzip_line_protocol_in_batches_at_millisecond_precision(fake):
    store = await fake.open("?batch=2&rp=week")
    await store.write([VitalSample("b1", t, heart_rate=70) for t in (1.0, 2.0, 3.0, 4.0, 5.0)])
    await store.close()

    writes = [(r, b) for r, b in zip(fake.requests, fake.bodies) if r.path == "/write"]
    assert len(writes) == 5  # three batches, then the rollups of the minute and ten minutes
    for request, _ in writes:
        assert request.headers["Content-Encoding"] == "gzip"
    assert [dict(r.query) for r, _ in writes] == [
        {"db": "vitals", "precision": "ms", "rp": rp}
        for rp in ["week"] * 3 + ["ward_minutes"] * 2]
    lines = [gzip.decompress(body).decode().split("\n") for _, body in writes]
    assert [len(batch) for batch in lines] == [2, 2, 1, 1, 1]
    assert lines[0][0] == "vitals,bed=b1 heart_rate=70.0,present=1i 1000"
    # This server holds no raw point: the minute is counted from the samples given, every
    # field written (a vital without values as empty, so no earlier value survives a rewrite).
    empty = "{0}_min=1e+300,{0}_max=-1e+300,{0}_sum=0.0,{0}_n=0i"
    numbers, _, packed = lines[3][0].partition(',packed="')
    assert numbers == (
        "vitals_minutes,bed=b1 heart_rate_min=70.0,heart_rate_max=70.0,heart_rate_sum=350.0,"
        "heart_rate_n=5i," + ",".join(empty.format(name) for name in (
            "spo2", "resp_rate", "nibp_sys", "nibp_dia", "nibp_mean", "temperature")))
    assert packed.endswith('" 0')  # the same numbers, four per vital, for the trends to read
    counts = unpack_counts(packed.removesuffix('" 0'))
    assert counts[0].tolist() == [70.0, 70.0, 350.0, 5.0]
    assert counts[1].tolist() == [1e300, -1e300, 0.0, 0.0]
    assert lines[4][0].startswith("vitals_10m,bed=b1 heart_rate_min=1e+300,")


def written_lines(fake: FakeInflux, rp: str = "ward_raw") -> list[list[str]]:
    return [gzip.decompress(body).decode().split("\n")
            for request, body in zip(fake.requests, fake.bodies)
            if request.path == "/write" and request.query.get("rp") == rp]


async def test_a_big_write_is_encoded_while_earlier_batches_travel_and_arrives_whole(fake):
    store = await fake.open("?batch=1000")
    await store.write([VitalSample(f"b{t % 7}", float(t), spo2=95) for t in range(4500)])
    await store.close()

    batches = written_lines(fake)
    assert [len(lines) for lines in batches] == [1000, 1000, 1000, 1000, 500]
    assert sorted(int(line.rsplit(" ", 1)[1]) for lines in batches for line in lines) == [
        t * 1000 for t in range(4500)]


async def test_a_big_write_stops_at_the_first_batch_the_server_refuses(fake):
    store = await fake.open("?batch=1000")
    fake.write_statuses = [204, 503]

    with pytest.raises(StoreUnavailable, match="answered HTTP 503"):
        await store.write([VitalSample("b1", float(t), spo2=95) for t in range(4500)])
    await store.close()

    assert len(written_lines(fake)) == 2


async def test_reads_ask_for_millisecond_epochs_in_chunks_uncompressed_with_the_query_in_the_url(
        fake):
    store = await fake.open("?rp=week")
    await store.history("b1", 1.0, 2.5)
    await store.close()

    [request] = fake.requests
    assert (request.method, request.path) == ("GET", "/query")
    assert dict(request.query) == {
        "db": "vitals", "epoch": "ms", "chunked": "true", "chunk_size": "10000",
        "q": "SELECT * FROM \"week\".\"vitals\" WHERE (\"bed\" = 'b1') AND time >= 1000ms "
             "AND time < 2500ms ORDER BY time ASC"}
    # gzip took InfluxDB longer than the query (a day of rollups: 17 ms against 12 ms)
    assert request.headers["Accept-Encoding"] == "identity"


@pytest.mark.parametrize("user, secret, expected", [
    ("nurse@", "pw", "Basic bnVyc2U6cHc="), ("", "tok-123", "Token tok-123"), ("", None, None)])
async def test_a_user_in_the_url_sends_basic_auth_and_a_lone_secret_a_token(
        fake, user, secret, expected):
    store = await fake.open(user=user, secret=secret)
    await store.latest(["b1"])
    await store.close()

    [request] = fake.requests
    assert request.headers.get("Authorization") == expected
    assert secret is None or secret not in str(request.url)


async def test_a_server_answering_all_beds_in_one_series_as_influxdb_3_does(fake):
    columns = ["time", "bed", "heart_rate", "present", "spo2"]
    rows = [[1000, "b1", 70, 1, None], [3000, "b1", 72, 3, 97], [2000, "b2", None, 2, 90]]
    fake.answer = lambda q: (200, {"results": [{"statement_id": 0, "series": [
        {"name": "vitals", "columns": columns, "values": rows}]}]})
    store = await fake.open()

    latest = await store.latest(["b1", "b2"])
    recent = await store.recent(["b1", "b2"], since=0.0)
    await store.close()

    assert latest == {"b1": VitalSample("b1", 3.0, 72.0, 97.0),
                      "b2": VitalSample("b2", 2.0, spo2=90.0)}
    assert [s.time for s in recent["b1"]] == [1.0, 3.0]


@pytest.mark.parametrize("version, advice", [
    ("v2.7.11", "influx v1 dbrp create --db vitals"), ("2.7.11", "influx v1 dbrp create"),
    ("3.3.0", "influxdb3 create database vitals")])
async def test_where_the_v1_api_cannot_create_the_database_prepare_says_what_to_do(
        fake, version, advice):
    fake.version = version
    refusal = {"results": [{"statement_id": 0, "error": "not implemented: CREATE DATABASE"}]}
    fake.answer = lambda q: (200, refusal if q.startswith("CREATE") else EMPTY)
    store = await fake.open()

    assert (await store.prepare())[0] == "database 'vitals'"
    with pytest.raises(StoreUnavailable) as refused:
        await store.prepare(create=True)
    await store.close()

    assert advice in refused.value.reason


@pytest.mark.parametrize("version", ["1.8.10", "3.3.0"])
async def test_other_versions_with_a_token_are_prepared_over_the_v1_api_as_before(fake, version):
    fake.version = version
    store = await fake.open(secret="tok-123")

    assert (await store.prepare(create=True))[0] == "database 'vitals'"
    await store.close()

    assert not [r for r in fake.requests if r.path.startswith("/api/v2")]
    assert [r.query["q"] for r in fake.requests if r.method == "POST"] == [
        'CREATE DATABASE "vitals"',
        'CREATE RETENTION POLICY "ward_raw" ON "vitals" DURATION 259200s REPLICATION 1',
        'CREATE RETENTION POLICY "ward_minutes" ON "vitals" DURATION 2678400s REPLICATION 1',
        'CREATE RETENTION POLICY "ward_waveforms" ON "vitals" DURATION 3600s REPLICATION 1']


async def test_server_errors_are_unavailable_bad_queries_are_value_errors_no_secret_shown(fake):
    store = await fake.open(secret="tok-SECRET")
    fake.answer = lambda q: (503, {"error": "overloaded, token tok-SECRET"})
    with pytest.raises(StoreUnavailable) as unavailable:
        await store.latest(["b1"])
    fake.answer = lambda q: (400, {"error": "error parsing query: found X"})
    with pytest.raises(ValueError, match="error parsing query: found X"):
        await store.latest(["b1"])
    await store.close()

    assert unavailable.value.reason == (
        f"127.0.0.1:{fake.port} answered HTTP 503: overloaded, token ***")


@pytest.mark.parametrize("answer, reason", [
    ({"code": "not found", "message": 'bucket "vitals/autogen" not found'},
     "database 'vitals' not found on 127.0.0.1:{port}; create it with `ward-station check --init`"),
    ({"error": "no such page"},
     "127.0.0.1:{port} answered HTTP 404 (is it InfluxDB?): no such page"),
])
async def test_a_404_is_a_missing_database_only_when_the_server_says_so(fake, answer, reason):
    fake.answer = lambda q: (404, answer)
    store = await fake.open()

    with pytest.raises(StoreUnavailable) as refused:
        await store.latest(["b1"])
    await store.close()

    assert refused.value.reason == reason.format(port=fake.port)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (made by the openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed here")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", folder / "key.pem", "-out", folder / "cert.pem"],
                   check=True, capture_output=True)
    return folder / "cert.pem", folder / "key.pem"


async def test_influxdbs_trusts_the_given_ca_refuses_unknown_ones_and_may_skip_checks(
        certificate, caplog):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    fake, runner = await serve(tls=context)
    try:
        trusted = await fake.open(f"?ca={cert}", scheme="influxdbs")
        unknown = await fake.open(scheme="influxdbs")
        with caplog.at_level(logging.WARNING):
            unchecked = await fake.open("?verify=false", scheme="influxdbs")
        health = [await store.health() for store in (trusted, unknown, unchecked)]
        for store in (trusted, unknown, unchecked):
            await store.close()
    finally:
        await runner.cleanup()

    assert [h.state for h in health] == [HealthState.UP, HealthState.DOWN, HealthState.UP]
    assert "TLS certificate is not trusted" in health[1].reason
    assert "NOT verified" in caplog.text
    assert json.dumps([h.nodes[0].role for h in health]) == json.dumps(
        ["influxdb 1.8.10", "influxdb", "influxdb 1.8.10"])


async def test_a_server_trickling_its_answer_is_cut_off_at_the_total_deadline():
    """Each byte comes before the wait for the next runs out: only a total deadline ends it."""
    import asyncio
    import time

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        await response.write(b'{"results": [')
        while True:
            await asyncio.sleep(0.05)
            await response.write(b" ")

    port = free_port()
    app = web.Application()
    app.router.add_route("*", "/{path:.*}", trickle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    store = await open_store(parse_store_url(
        "vitals", f"influxdb://127.0.0.1:{port}/vitals?timeout=0.25"), None)
    started = time.monotonic()
    try:
        with pytest.raises(StoreUnavailable, match="timed out"):
            await asyncio.wait_for(store.history("b1", 1.0, 2.0), 10)
    finally:
        await store.close()
        await runner.cleanup()
    assert time.monotonic() - started < 3


async def test_rows_no_bed_can_be_told_for_are_nobodys(fake):
    """A server's rows with neither a `bed` tag nor a `bed` column (another tool's points, or a
    server that answers oddly) are left out, never made a sample of bed None."""
    fake.answer = lambda q: (200, {"results": [{"statement_id": 0, "series": [
        {"name": "vitals", "columns": ["time", "heart_rate"], "values": [[1000, 70]]}]}]})
    store = await fake.open()

    assert await store.latest(["b1"]) == {}
    assert await store.history("b1", 0.0, 10.0) == []
    await store.close()


async def test_a_waveform_row_that_is_not_a_whole_chunk_is_left_out(fake, caplog):
    columns = ["time", "bed", "waveform", "n", "rate", "values"]
    whole = [1000, "b1", "ecg_ii", 1, 250.0, "AACAPw=="]  # one float32: 1.0
    rows = [[2000, "b1", "ecg_ii", 1, None, "AACAPw=="], [3000, "b1", "ecg_ii", 1, 250.0, "%%"],
            [4000, None, "ecg_ii", 1, 250.0, "AACAPw=="], [float("nan"), "b1", "ecg_ii", 1,
                                                            250.0, "AACAPw=="], whole]
    series = [{"name": "waveform", "columns": columns, "values": rows}]
    fake.answer = lambda q: (200, {"results": [{"statement_id": 0, "series": (
        [] if "DESC" in q else series)}]})  # the chunks from `since`, none before it
    store = await fake.open()

    found = await store.waveforms(["b1"], 0.0)
    await store.close()

    assert [(c.start, c.values) for c in found["b1"]] == [(1.0, (1.0,))]
    assert "4 waveform row(s) left out" in caplog.text


@pytest.mark.parametrize("row", [[60000, None, 80.0, 150.0, 2], [60000, 70.0, 80.0, "x", 2],
                                 [60000, 90.0, 80.0, 170.0, 2], [60000, 70.0, 80.0, 150.0, 1.5],
                                 ["soon", 70.0, 80.0, 150.0, 2]])
async def test_a_recount_the_server_answers_wrongly_becomes_no_rollup(fake, row):
    """An aggregate that is not one (no number, a lowest above the highest, half a count, a
    time that is not one) fails the write, which the outbox keeps and tries again, rather than
    becoming a rollup the trends would show."""
    answer = {"results": [{"statement_id": 0, "series": [
        {"name": "vitals", "tags": {"bed": "b1"}, "columns": ["time", "min", "max", "sum", "count"],
         "values": [row]}]}]}
    fake.answer = lambda q: (200, answer if q.startswith("SELECT min(") else EMPTY)
    store = await fake.open("?retention=inf")

    with pytest.raises(StoreUnavailable, match="InfluxDB answered"):
        await store.write([VitalSample("b1", 60.0, heart_rate=70), VitalSample("b1", 61.0, 80)])
    await store.close()

    assert not written_lines(fake, "ward_minutes")  # nothing made of it
