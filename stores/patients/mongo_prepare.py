"""What the MongoDB database lacks of the patient store's schema, and creating it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo import IndexModel
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import CollectionInvalid, OperationFailure

from stores.patients.mongo_client import Document
from stores.patients.mongo_schema import COLLECTIONS, Collection, Index

Database = AsyncDatabase[Document]
Info = Mapping[str, Any]  # what the server says of a collection or an index

_VALIDATION: dict[str, Any] = {"validationLevel": "strict", "validationAction": "error"}
# createIndexes refusing an index whose keys or name an existing index already uses differently
_INDEX_CONFLICTS = (85, 86)
_NAMESPACE_EXISTS = 48
NOT_KEPT = " (created, but the server did not keep it)"
# A wire-compatible server that keeps no $jsonSchema validator and no partial index filter: it
# says so in buildInfo's "process" (a MongoDB has none there). What it cannot keep is not
# "missing" there: `create` says it was not kept, and the store checks every record it writes.
SCHEMALESS_SERVERS = ("nx_27017",)


async def missing(db: Database) -> list[str]:
    """The collections, validators and indexes the database lacks, in words (on a server that
    cannot keep validators and partial indexes, less those)."""
    return await _lacking(db, keeps_all=await keeps_schema(db))


async def _lacking(db: Database, keeps_all: bool = True) -> list[str]:
    found = await _collections(db)
    problems: list[str] = []
    for collection in COLLECTIONS:
        lacking = await _missing_in(db, collection, found.get(collection.name))
        if not keeps_all and collection.name in found:
            lacking = [item for item in lacking if not _unkeepable(collection, item)]
        problems += lacking
    return problems


async def keeps_schema(db: Database) -> bool:
    """False for a server known to keep no validators and no partial index filters."""
    info = await db.client.admin.command("buildInfo")
    return info.get("process") not in SCHEMALESS_SERVERS


def _unkeepable(collection: Collection, item: str) -> bool:
    partial = [index.describe(collection.name) for index in collection.indexes if index.partial]
    return item == _validator_text(collection) or item in partial


async def create(db: Database) -> list[str]:
    """Create what is missing (idempotent); returns what was missing. What the server still lacks
    afterwards is marked: a server may accept a validator or an index option and drop it."""
    before = await _lacking(db)
    found = await _collections(db)
    refused: list[str] = []
    for collection in COLLECTIONS:
        refused += await _create(db, collection, found.get(collection.name))
    after = set(await _lacking(db))
    return [item + NOT_KEPT if item in after else item for item in before] + refused


async def _collections(db: Database) -> dict[str, Info]:
    return {info["name"]: info async for info in await db.list_collections()}


async def _missing_in(db: Database, collection: Collection, info: Info | None) -> list[str]:
    if info is None:
        return [f"collection {collection.name}", _validator_text(collection)] + [
            index.describe(collection.name) for index in collection.indexes]
    problems = []
    if info.get("options", {}).get("validator") != collection.validator:
        problems.append(_validator_text(collection))
    present = [ix async for ix in await db[collection.name].list_indexes()]
    return problems + [index.describe(collection.name) for index in collection.indexes
                       if not any(_same(index, have) for have in present)]


def _validator_text(collection: Collection) -> str:
    return f"$jsonSchema validator on {collection.name}"


def _same(index: Index, present: Info) -> bool:
    """Matched by what the index does, not its name: some servers rename indexes."""
    return (list(present["key"].items()) == list(index.keys)
            and bool(present.get("unique")) == index.unique
            and present.get("partialFilterExpression") == index.partial)


async def _create(db: Database, collection: Collection, info: Info | None) -> list[str]:
    if info is None:
        try:
            await db.create_collection(collection.name, validator=collection.validator,
                                       **_VALIDATION)
        except (CollectionInvalid, OperationFailure) as exc:
            if isinstance(exc, OperationFailure) and exc.code != _NAMESPACE_EXISTS:
                raise
            info = {}  # another station created it meanwhile
    if info is not None and info.get("options", {}).get("validator") != collection.validator:
        await db.command("collMod", collection.name, validator=collection.validator,
                         **_VALIDATION)
    present = [ix async for ix in await db[collection.name].list_indexes()]
    wanted = [_model(index) for index in collection.indexes
              if not any(_same(index, have) for have in present)]
    try:
        if wanted:
            await db[collection.name].create_indexes(wanted)
    except OperationFailure as exc:
        if exc.code not in _INDEX_CONFLICTS:
            raise
        return [f"indexes on {collection.name} conflict with indexes already there "
                f"({_errmsg(exc)}): drop those and prepare again"]
    return []


def _errmsg(exc: OperationFailure) -> str:
    return str((exc.details or {}).get("errmsg") or f"error {exc.code}")


def _model(index: Index) -> IndexModel:
    options: dict[str, Any] = {"name": index.name, "unique": index.unique}
    if index.partial:
        options["partialFilterExpression"] = index.partial
    return IndexModel(list(index.keys), **options)
