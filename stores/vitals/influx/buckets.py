"""InfluxDB 2.x: the buckets and DBRP mappings that a v1 database and its retention policies
stand for, looked up and created through the v2 HTTP API (/api/v2/orgs, /buckets, /dbrps) with the
store's token."""

from __future__ import annotations

from typing import Any

from stores.errors import StoreUnavailable
from stores.vitals.influx.config import Policy
from stores.vitals.influx.http import InfluxHttp


async def prepare_buckets(http: InfluxHttp, create: bool) -> list[str]:
    """What 2.x lacks for each of the URL's retention policies: a bucket and its DBRP mapping.
    With `create`, creates them (idempotent)."""
    org = await find_org(http)
    missing = []
    for policy in http.settings.policies:
        missing += await _prepare_bucket(http, org, policy, create)
    return missing


async def _prepare_bucket(http: InfluxHttp, org: dict[str, Any], policy: Policy, create: bool
                          ) -> list[str]:
    """The bucket is named as 2.x itself maps names to databases, `db/rp`, and keeps points as
    long as the policy says."""
    db, rp = http.database, policy.name
    if await _mapping(http, org["id"], db, rp) is not None:
        return []  # it may point at a bucket of another name: the operator's choice, kept
    name = f"{db}/{rp}"
    bucket = await _bucket(http, org["id"], name)
    missing = [] if bucket else [f"bucket {name!r} for {policy.what} in organisation "
                                 f"{org['name']!r}"]
    missing.append(f"DBRP mapping of database {db!r}, retention policy {rp!r}, "
                   f"to bucket {name!r}")
    if create:
        bucket = bucket or await _create_bucket(http, org["id"], name, policy.keep_s)
        # 2.x releases that map a new bucket themselves (virtually or not) need no more.
        if await _mapping(http, org["id"], db, rp) is None:
            await _create_mapping(http, org["id"], bucket["id"], db, rp)
    return missing


async def find_org(http: InfluxHttp) -> dict[str, Any]:
    """The URL's ?org=, or the only organisation the token sees."""
    wanted = http.settings.org
    params = {"org": wanted} if wanted else {}
    answer = await http.api("GET", "/api/v2/orgs", params, absent_ok=True) or {}
    orgs: list[dict[str, Any]] = [
        org for org in answer.get("orgs") or ()
        if isinstance(org, dict) and (not wanted or org.get("name") == wanted)]
    if len(orgs) == 1:
        return orgs[0]
    if wanted:
        raise StoreUnavailable(f"organisation {wanted!r} (?org=) not found, or the token "
                               "may not read it")
    if not orgs:
        raise StoreUnavailable("the token sees no organisation: name it with ?org=NAME in the "
                               "vitals URL")
    names = ", ".join(sorted(str(org.get("name")) for org in orgs))
    raise StoreUnavailable(f"the token sees {len(orgs)} organisations ({names}): name one with "
                           "?org=NAME in the vitals URL")


async def _mapping(http: InfluxHttp, org_id: str, db: str, rp: str) -> dict[str, Any] | None:
    """The mapping the v1 API would use for the retention policy. Virtual ones (2.x's own,
    from bucket names) count."""
    answer = await http.api("GET", "/api/v2/dbrps", {"orgID": org_id, "db": db}) or {}
    mappings: list[dict[str, Any]] = [
        mapping for mapping in answer.get("content") or () if isinstance(mapping, dict)]
    return next((mapping for mapping in mappings
                 if mapping.get("database") == db and mapping.get("retention_policy") == rp),
                None)


async def _bucket(http: InfluxHttp, org_id: str, name: str) -> dict[str, Any] | None:
    answer = await http.api("GET", "/api/v2/buckets", {"orgID": org_id, "name": name},
                            absent_ok=True) or {}
    # Checked by name too: 2.x adds its system buckets to lists it answers unfiltered.
    return next((b for b in answer.get("buckets") or () if b.get("name") == name), None)


async def _create_bucket(http: InfluxHttp, org_id: str, name: str, seconds: int | None
                         ) -> dict[str, Any]:
    rules = [{"type": "expire", "everySeconds": seconds}] if seconds else []  # none: for ever
    body = {"orgID": org_id, "name": name, "retentionRules": rules}
    try:
        created = await http.api("POST", "/api/v2/buckets", body=body)
    except StoreUnavailable:
        created = await _bucket(http, org_id, name)  # made meanwhile by another station?
        if created is None:
            raise
    if not created or "id" not in created:
        raise StoreUnavailable(f"InfluxDB did not say which bucket it created for {name!r}")
    return created


async def _create_mapping(http: InfluxHttp, org_id: str, bucket_id: str, db: str,
                          rp: str) -> None:
    # Never asked to be the default: the store always names its policy, and another station's
    # default must not be taken away (2.x makes a database's first mapping its default anyway).
    body = {"bucketID": bucket_id, "database": db, "retention_policy": rp,
            "default": False, "orgID": org_id}
    try:
        await http.api("POST", "/api/v2/dbrps", body=body)
    except StoreUnavailable:
        if await _mapping(http, org_id, db, rp) is None:  # not made meanwhile elsewhere
            raise
