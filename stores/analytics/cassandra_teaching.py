"""The analytics store's teaching setting on Cassandra: the consistency level of its reads,
switched while the station runs, so that a class sees a read at ALL fail with one node down
while one at ONE goes on."""

from __future__ import annotations

from cassandra import ConsistencyLevel

from stores.analytics.cassandra_errors import level_name
from stores.model import TeachingSetting

READ_KEY = "read_consistency"
TAUGHT = ("ONE", "LOCAL_QUORUM", "ALL")  # offered beside the level the URL configures
# the order the levels are offered in: by how many replicas a read waits for
_STRENGTH = {"ANY": 0, "ONE": 1, "LOCAL_ONE": 1, "TWO": 2, "THREE": 3, "LOCAL_QUORUM": 4,
             "QUORUM": 5, "EACH_QUORUM": 6, "ALL": 7, "LOCAL_SERIAL": 8, "SERIAL": 9}
ABOUT = ("How many of a row's replicas must answer each read: ONE, any one; LOCAL_QUORUM, a "
         "majority in this datacenter; ALL, every one, so one node down fails the read.")


def read_setting(configured: int, in_use: int) -> TeachingSetting:
    """The read level as a setting: the taught levels and the `configured` one, `in_use` now."""
    names = {level_name(configured), *TAUGHT}
    choices = tuple(sorted(names, key=lambda name: (_STRENGTH.get(name, 99), name)))
    return TeachingSetting("analytics", READ_KEY, "reads", choices, level_name(in_use), ABOUT)


def level_of(name: str) -> int:
    """The driver's number for a level's name (one of a setting's choices)."""
    return int(ConsistencyLevel.name_to_value[name])
