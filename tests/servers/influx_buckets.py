"""Leaving a shared InfluxDB 2.x as the tests found it: the DBRP mappings of the session's
databases and the buckets named after them (`db`, `db/rp`) are deleted through the v2 API, with
urllib (this runs at the end of the session, outside any event loop)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request


def v2_call(base: str, token: str, method: str, path: str,
            params: dict | None = None) -> dict | None:
    """The JSON answer of one /api/v2 call; None for 404 or an empty answer."""
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    request = urllib.request.Request(f"{base}{path}{query}", method=method,
                                     headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            body = answer.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise
    return json.loads(body) if body.strip() else None


def drop_buckets(base: str, token: str, databases: list[str], org: str | None = None) -> None:
    """Deletes what `prepare(create=True)` made for `databases` in the organisation(s) the token
    sees (or ?org=). Raises OSError/ValueError for a server that refuses or does not answer."""
    answer = v2_call(base, token, "GET", "/api/v2/orgs", {"org": org} if org else None) or {}
    for found in answer.get("orgs") or ():
        for database in databases:
            _drop_one(base, token, found["id"], database)


def _drop_one(base: str, token: str, org_id: str, database: str) -> None:
    mappings = v2_call(base, token, "GET", "/api/v2/dbrps", {"orgID": org_id, "db": database})
    bucket_ids = set()
    for mapping in (mappings or {}).get("content") or ():
        if mapping.get("database") != database:
            continue
        bucket_ids.add(mapping["bucketID"])
        if not mapping.get("virtual"):  # virtual ones go with their bucket
            v2_call(base, token, "DELETE", f"/api/v2/dbrps/{mapping['id']}", {"orgID": org_id})
    named = v2_call(base, token, "GET", "/api/v2/buckets", {"orgID": org_id, "name": database})
    bucket_ids.update(b["id"] for b in (named or {}).get("buckets") or ()
                      if b.get("name") == database)
    for bucket_id in bucket_ids:
        name = (v2_call(base, token, "GET", f"/api/v2/buckets/{bucket_id}") or {}).get("name", "")
        if name == database or name.startswith(f"{database}/"):  # only what the session made
            v2_call(base, token, "DELETE", f"/api/v2/buckets/{bucket_id}")
