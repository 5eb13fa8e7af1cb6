"""The cache's Redis keys, channel and Lua script: all under the region's `ward:{region}:cache`,
so that the region's Redis user (packaging/compose/redis/users.acl.template) reaches them.

A scope is what one kind of write changes: the beds of the wards, the patient records (search
and get), the care network. Each scope has a generation, a number that every write of the
scope raises; an entry's key holds the generation it was read under, so that a station that
heard of a newer generation never reads an entry of an older one again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

SCOPES = ("beds", "patients", "network")
MAX_GENERATION = 2**50  # exact in Lua's numbers; a bigger stored one is junk
Query = tuple[str, ...]  # what was asked: ("get", patient id), ("beds", ward)...


@dataclass(frozen=True)
class CacheKeys:
    region: str

    @property
    def prefix(self) -> str:
        return f"ward:{self.region}:cache"

    def generation(self, scope: str) -> str:  # string: the scope's generation
        return f"{self.prefix}:{scope}:gen"

    def entry(self, scope: str, generation: int, query: Query) -> str:
        """The key of a read's entry: the query hashed, so that any search text makes a key of
        bounded length (the entry itself names its query, and the signature binds both)."""
        digest = hashlib.sha256(query_text(query).encode()).hexdigest()[:32]
        return f"{self.prefix}:{scope}:{generation}:{digest}"

    @property
    def channel(self) -> str:  # pub/sub: a scope's new generation, signed
        return f"{self.prefix}:changed"

    @property
    def stats(self) -> str:  # hash: the region's reads and hits, added up by every station
        return f"{self.prefix}:stats"


def query_text(query: Sequence[str]) -> str:
    return json.dumps(list(query), separators=(",", ":"))


# The scope's next generation: above both the one stored and the newest the caller knows of
# (ARGV[1]), so that a server that lost its latest generations (a failover before they were
# replicated, a restart) never hands out one a station has already read entries under.
# A stored value that is no whole number in range (junk) counts as none.
# KEYS: the scope's generation. ARGV: the newest generation the caller knows of.
BUMP = """
local raw = redis.call('GET', KEYS[1])
local stored = raw and tonumber(raw) or 0
if stored ~= stored or stored < 0 or stored >= 2^50 or stored ~= math.floor(stored) then
  stored = 0
end
local known = tonumber(ARGV[1]) or 0
local generation = math.max(stored, known) + 1
redis.call('SET', KEYS[1], string.format('%d', generation))
return generation
"""
