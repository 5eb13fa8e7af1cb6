"""The care network's schema on Neo4j: the database, uniqueness constraints on the ids and an
index on the clinicians' region; what is missing, in words, and creating it."""

from __future__ import annotations

import functools
from typing import Any

from stores.network.neo4j_cypher import (
    CONSTRAINTS,
    CREATE_DATABASE,
    INDEXES,
    SHOW_CONSTRAINTS,
    SHOW_INDEXES,
)
from stores.network.neo4j_errors import DatabaseMissing
from stores.network.neo4j_session import Neo4jSessions, rows

_UNIQUE_TYPES = ("UNIQUENESS", "NODE_PROPERTY_UNIQUENESS", "NODE_KEY")
_LOOKUP_TYPES = ("RANGE", "BTREE", "TEXT")  # index types that answer `region = $region`


async def prepare_schema(sessions: Neo4jSessions, create: bool) -> list[str]:
    """What the server lacks, in words; with `create`, create it first (idempotent)."""
    try:
        missing = await _missing_schema(sessions)
        database_missing = False
    except DatabaseMissing:
        if sessions.database is None:  # the default database always exists; say why not
            raise
        missing = [f"database {sessions.database}", *(item[0] for item in CONSTRAINTS + INDEXES)]
        database_missing = True
    if create and database_missing:
        name = sessions.database
        await sessions.write_system(lambda tx: rows(tx, CREATE_DATABASE, name=name))
    if create:
        for what, _label, _prop, statement in CONSTRAINTS + INDEXES:
            if what in missing:  # one statement per transaction: schema changes stand alone
                await sessions.write(functools.partial(rows, query=statement))
    return missing


async def _missing_schema(sessions: Neo4jSessions) -> list[str]:
    constraints = await sessions.read(lambda tx: rows(tx, SHOW_CONSTRAINTS))
    indexes = await sessions.read(lambda tx: rows(tx, SHOW_INDEXES))
    missing = [what for what, label, prop, _ in CONSTRAINTS
               if not _found(constraints, label, [prop], _UNIQUE_TYPES)]
    return missing + [what for what, label, prop, _ in INDEXES
                      if not _found(indexes, label, [prop], _LOOKUP_TYPES, leading=True)]


def _found(shown: list[dict[str, Any]], label: str, props: list[str], types: tuple[str, ...],
           leading: bool = False) -> bool:
    """Whether SHOW CONSTRAINTS/INDEXES lists one on `label` and `props`, whatever its name
    (an index whose leading property is `props` serves as well, when `leading`)."""
    for row in shown:
        on = list(row.get("properties") or [])
        if (row.get("labelsOrTypes") or []) != [label] or row.get("type") not in types:
            continue
        if on == props or (leading and on[:len(props)] == props):
            return True
    return False
