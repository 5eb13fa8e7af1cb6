"""A stand-in for InfluxDB 2.x's HTTP API, answering as its source does (influxdata/influxdb:
tenant/http_server_org.go, tenant/http_server_bucket.go + service_bucket.go, dbrp/
http_server_dbrp.go + service.go): organisations, buckets, DBRP mappings, and the v1 /write and
/query routed through the mappings. Every request is recorded.

`mapping_on_create` is what the release does when a bucket is made: "none" (2.0), "virtual"
(later 2.x list a mapping named after each bucket), "physical" (one is stored). The token
belongs to the first organisation: the v1 API (SHOW, /write, /query) sees only that one's
mappings, as 2.x's legacy handlers look them up in the token's organisation."""

from __future__ import annotations

import itertools
import json
import re

from aiohttp import web

from tests.servers import free_port

VERSION = "v2.7.11"
_ids = itertools.count(0x0A1B2C3D00000001)
_BED = re.compile(r"\"bed\" = '((?:[^'\\]|\\.)*)'")
_FROM = re.compile(r'FROM "([^"]+)"\.')


def new_id() -> str:
    return f"{next(_ids):016x}"


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message}, status=status)


def split_name(bucket: str) -> tuple[str, str]:
    db, _, rp = bucket.partition("/")  # 2.x's parseDBRP
    return db, rp or "autogen"


class Influx2:
    def __init__(self, port: int, token: str, orgs=("ward",), mapping_on_create="virtual"):
        self.port, self.token, self.mapping_on_create = port, token, mapping_on_create
        self.orgs = [{"id": new_id(), "name": name} for name in orgs]
        self.buckets: dict[str, dict] = {}
        self.dbrps: dict[str, dict] = {}  # stored ("physical") mappings
        self.points: dict[str, list[str]] = {}  # bucket id -> lines written
        self.requests: list[tuple[str, str, dict, object, str | None]] = []

    def add_bucket(self, name: str, org: int = 0) -> dict:
        """A bucket made by the operator (with a 2.0 server: no mapping)."""
        bucket = {"id": new_id(), "orgID": self.orgs[org]["id"], "type": "user", "name": name,
                  "retentionRules": []}
        self.buckets[bucket["id"]] = bucket
        return bucket

    def posts(self) -> list[tuple[str, object]]:
        return [(path, data) for method, path, _, data, _ in self.requests if method == "POST"
                and path.startswith("/api/v2")]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        data = json.loads(body) if body and request.path.startswith("/api/v2") else None
        auth = request.headers.get("Authorization")
        self.requests.append((request.method, request.path, dict(request.query), data, auth))
        if request.path == "/ping":
            return web.Response(status=204, headers={"X-Influxdb-Version": VERSION,
                                                     "X-Influxdb-Build": "OSS"})
        if auth not in (f"Token {self.token}", f"Bearer {self.token}"):
            return _error(401, "unauthorized", "unauthorized access")
        route = getattr(self, "_" + request.method.lower() + "_" +
                        request.path.strip("/").replace("api/v2/", "").split("/")[0], None)
        if route is None:
            return _error(404, "not found", "path not found")
        response = route(request.query, data, request.path.rsplit("/", 1)[1], body)
        response.headers["X-Influxdb-Version"] = VERSION
        return response

    # --- /api/v2/orgs, /api/v2/buckets ------------------------------------------------------

    def _get_orgs(self, query, data, last, body):
        orgs = [o for o in self.orgs if query.get("org") in (None, o["name"])]
        if "org" in query and not orgs:
            return _error(404, "not found", f"organization name \"{query['org']}\" not found")
        return web.json_response({"links": {"self": "/api/v2/orgs"}, "orgs": orgs})

    def _get_buckets(self, query, data, last, body):
        if last != "buckets":
            found = self.buckets.get(last)
            return web.json_response(found) if found else _error(404, "not found",
                                                                 "bucket not found")
        org_id, name = query.get("orgID"), query.get("name")
        found = [b for b in self.buckets.values()
                 if org_id in (None, b["orgID"]) and name in (None, b["name"])]
        if org_id and name and not found:  # FindBucketByName: an error, not an empty list
            return _error(404, "not found", f"bucket \"{name}\" not found")
        if not (org_id and name):  # the "remnant of the old system": system buckets added
            found += [{"id": new_id(), "type": "system", "name": n} for n in ("_tasks",
                                                                               "_monitoring")]
        return web.json_response({"links": {}, "buckets": found})

    def _post_buckets(self, query, data, last, body):
        org_id, name, rules = data.get("orgID"), data.get("name", ""), data.get("retentionRules")
        if not org_id:
            return _error(400, "invalid", "organization id must be provided")
        if org_id not in {o["id"] for o in self.orgs}:
            return _error(404, "not found", "organization not found")
        if rules and 0 < rules[0].get("everySeconds", 0) < 3600:  # the storage engine's
            return _error(500, "internal error",                   # refusal: HTTP 500
                          "retention policy duration must be at least 1h0m0s")
        if any(b["name"] == name and b["orgID"] == org_id for b in self.buckets.values()):
            return _error(422, "conflict", f"bucket with name {name} already exists")
        bucket = {"id": new_id(), "orgID": org_id, "type": "user", "name": name,
                  "retentionRules": rules or [], "links": {}}
        self.buckets[bucket["id"]] = bucket
        if self.mapping_on_create == "physical":
            db, rp = split_name(name)
            self._store_mapping(org_id, bucket["id"], db, rp, False)
        return web.json_response(bucket, status=201)

    def _delete_buckets(self, query, data, last, body):
        if self.buckets.pop(last, None) is None:
            return _error(404, "not found", "bucket not found")
        for mapping in [m for m in self.dbrps.values() if m["bucketID"] == last]:
            self._drop_mapping(mapping["id"])  # as 2.x's dbrp.BucketService does
        return web.Response(status=204)

    # --- /api/v2/dbrps ---------------------------------------------------------------------

    def mappings(self, org_id: str) -> list[dict]:
        """Stored mappings of the org, then (with "virtual") one per bucket not mapped already."""
        stored = [m for m in self.dbrps.values() if m["orgID"] == org_id]
        if self.mapping_on_create != "virtual":
            return stored
        mapped = {m["bucketID"] for m in stored}
        return stored + [{"id": b["id"], "database": split_name(b["name"])[0],
                          "retention_policy": split_name(b["name"])[1],
                          "default": b["id"] not in mapped, "orgID": org_id, "bucketID": b["id"],
                          "virtual": True}
                         for b in self.buckets.values() if b["orgID"] == org_id]

    def _get_dbrps(self, query, data, last, body):
        org_id = query.get("orgID") or next(
            (o["id"] for o in self.orgs if o["name"] == query.get("org")), None)
        if org_id is None:
            return _error(400, "invalid", "either \"org\" or \"orgID\" must be provided")
        wanted = {"database": query.get("db"), "retention_policy": query.get("rp"),
                  "bucketID": query.get("bucketID"), "id": query.get("id")}
        found = [m for m in self.mappings(org_id)
                 if all(v is None or m[k] == v for k, v in wanted.items())
                 and query.get("default") in (None, str(m["default"]).lower())]
        return web.json_response({"content": found})

    def _post_dbrps(self, query, data, last, body):
        org_id, bucket_id = data.get("orgID"), data.get("bucketID", "")
        if bucket_id not in self.buckets:
            return _error(404, "not found", "bucket not found")
        db, rp = data.get("database", ""), data.get("retention_policy", "")
        if any(m["orgID"] == org_id and (m["database"], m["retention_policy"]) == (db, rp)
               for m in self.dbrps.values()):
            return _error(422, "conflict",
                          "another DBRP mapping with same orgID, db, and rp exists")
        mapping = self._store_mapping(org_id, bucket_id, db, rp, bool(data.get("default")))
        return web.json_response(mapping, status=201)

    def _delete_dbrps(self, query, data, last, body):
        if not query.get("orgID"):
            return _error(400, "invalid", "either \"org\" or \"orgID\" must be provided")
        self._drop_mapping(last)
        return web.Response(status=204)

    def _store_mapping(self, org_id, bucket_id, db, rp, default) -> dict:
        same_db = [m for m in self.dbrps.values() if (m["orgID"], m["database"]) == (org_id, db)]
        if default or not same_db:  # the first mapping of a database is its default
            for other in same_db:
                other["default"] = False
            default = True
        mapping = {"id": new_id(), "database": db, "retention_policy": rp, "default": default,
                   "orgID": org_id, "bucketID": bucket_id, "virtual": False}
        self.dbrps[mapping["id"]] = mapping
        return mapping

    def _drop_mapping(self, mapping_id: str) -> None:
        gone = self.dbrps.pop(mapping_id, None)
        rest = [m for m in self.dbrps.values()
                if gone and (m["orgID"], m["database"]) == (gone["orgID"], gone["database"])]
        if gone and gone["default"] and rest:
            rest[0]["default"] = True

    # --- the v1 API, through the mappings ----------------------------------------------------

    def bucket_of(self, db: str | None, rp: str | None) -> str | None:
        for m in self.mappings(self.orgs[0]["id"]):
            if m["database"] == db and (m["retention_policy"] == rp if rp else m["default"]):
                return m["bucketID"]
        return None

    def _show(self, statement: str) -> web.Response:
        """SHOW DATABASES / SHOW RETENTION POLICIES ON "db": from the mappings, as 2.x does."""
        mappings = self.mappings(self.orgs[0]["id"])
        if statement.startswith("SHOW DATABASES"):
            series = {"name": "databases", "columns": ["name"],
                      "values": [[db] for db in dict.fromkeys(m["database"] for m in mappings)]}
        else:
            db = statement.split(" ON ", 1)[1].strip('"')
            series = {"columns": ["name", "duration", "shardGroupDuration", "replicaN",
                                  "default"],
                      "values": [[m["retention_policy"], "0s", "168h0m0s", 1, m["default"]]
                                 for m in mappings if m["database"] == db]}
        return web.json_response({"results": [{"statement_id": 0, "series": [series]}]})

    def _post_write(self, query, data, last, body):
        bucket = self.bucket_of(query.get("db"), query.get("rp"))
        if bucket is None:
            where = f"{query.get('db')}/{query.get('rp') or 'autogen'}"
            return _error(404, "not found", f"bucket \"{where}\" not found")
        self.points.setdefault(bucket, []).extend(body.decode().splitlines())
        return web.Response(status=204)

    def _get_query(self, query, data, last, body):
        """`SELECT *` answers every point of the beds named, as one series (the store keeps the
        newest per bed), from the bucket the FROM's retention policy maps to; anything else
        (aggregates) answers nothing."""
        if query["q"].startswith("SHOW"):
            return self._show(query["q"])
        rp = _FROM.search(query["q"])
        bucket = self.bucket_of(query.get("db"), rp.group(1) if rp else None)
        if bucket is None:
            error = f"database not found: {query.get('db')}"
            return web.json_response({"results": [{"statement_id": 0, "error": error}]})
        if not query["q"].startswith("SELECT *"):
            return web.json_response({"results": [{"statement_id": 0}]})
        beds = set(_BED.findall(query["q"]))
        rows = [row for row in map(_parse, self.points.get(bucket, ())) if row["bed"] in beds]
        columns = ["time", "bed", *sorted({k for row in rows for k in row} - {"time", "bed"})]
        series = [{"name": "vitals", "columns": columns,
                   "values": [[row.get(c) for c in columns] for row in rows]}] if rows else []
        return web.json_response({"results": [{"statement_id": 0, "series": series}]})


def _parse(line: str) -> dict:
    """One line of plain line protocol (no escapes: the tests' bed ids need none)."""
    key, fields, stamp = line.split(" ")
    row = dict(tag.split("=", 1) for tag in key.split(",")[1:])
    for field in fields.split(","):
        name, value = field.split("=", 1)
        row[name] = int(value[:-1]) if value.endswith("i") else float(value)
    return {**row, "time": int(stamp)}


async def serve(token: str, **options):
    """The stand-in on a free port, and its runner (for `cleanup()`)."""
    fake = Influx2(free_port(), token, **options)
    app = web.Application()
    app.router.add_route("*", "/{path:.*}", fake.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", fake.port).start()
    return fake, runner
