"""The collections, indexes and validators the patient store needs on MongoDB.

Region is part of every key: both unique indexes start with it, so they stay valid when the
collections are sharded by region (MongoDB requires a unique index to start with the shard key);
the intended shard keys are `{region: 1, _id: 1}` for patients and `{region: 1, time: 1}` for the
audit log. Sharding itself is the operator's step (`sh.shardCollection` on a mongos).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stores.model import Sex

PATIENTS, BEDS, AUDIT = "patients", "beds", "audit"


@dataclass(frozen=True)
class Index:
    name: str
    keys: tuple[tuple[str, int], ...]
    unique: bool = False
    partial: dict[str, Any] | None = None

    def describe(self, collection: str) -> str:
        keys = ", ".join(k for k, _ in self.keys)
        kind = "; unique" if self.unique else ""
        where = " where bed_id is set" if self.partial else ""
        return f"index {self.name} on {collection} ({keys}{kind}{where})"


@dataclass(frozen=True)
class Collection:
    name: str
    required: tuple[str, ...]
    properties: dict[str, Any]
    indexes: tuple[Index, ...] = field(default=())

    @property
    def validator(self) -> dict[str, Any]:
        """Requires the core fields and checks their types; any other field may be added."""
        schema = {"bsonType": "object", "required": list(self.required),
                  "properties": self.properties}
        return {"$jsonSchema": schema}


_TEXT = {"bsonType": "string", "minLength": 1}
_TEXTS = {"bsonType": "array", "items": {"bsonType": "string"}}
_NUMBER = {"bsonType": "number"}

COLLECTIONS = (
    Collection(
        PATIENTS,
        required=("_id", "region", "ward", "mrn", "given_name", "family_name", "birth_date",
                  "admitted_at", "updated_at", "version"),
        properties={
            "_id": _TEXT, "region": _TEXT, "ward": _TEXT, "mrn": _TEXT, "given_name": _TEXT,
            "family_name": _TEXT,
            "birth_date": {"bsonType": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
            "sex": {"enum": [sex.value for sex in Sex]},
            "bed_id": {"bsonType": ["string", "null"]},
            "weight_kg": {"bsonType": ["number", "null"]},
            "diagnoses": _TEXTS, "allergies": _TEXTS, "medications": _TEXTS,
            "notes": {"bsonType": "string"},
            "admitted_at": _NUMBER, "updated_at": _NUMBER,
            "version": {"bsonType": ["int", "long"], "minimum": 1},
            "alarm_limits": {"bsonType": "array", "items": {
                "bsonType": "object", "required": ["vital"],
                "properties": {"vital": _TEXT, "low": {"bsonType": ["number", "null"]},
                               "high": {"bsonType": ["number", "null"]},
                               "delay_s": {"bsonType": ["number", "null"]}}}},
        },
        indexes=(
            Index("region_mrn_unique", (("region", 1), ("mrn", 1)), unique=True),
            # Partial: patients without a bed must not collide on a null bed_id.
            Index("region_bed_unique", (("region", 1), ("bed_id", 1)), unique=True,
                  partial={"bed_id": {"$type": "string"}}),
            Index("region_ward", (("region", 1), ("ward", 1))),
            Index("region_updated_at", (("region", 1), ("updated_at", 1))),
        ),
    ),
    Collection(
        BEDS,
        required=("_id", "region", "ward", "label", "position"),
        properties={"_id": _TEXT, "region": _TEXT, "ward": _TEXT,
                    "label": {"bsonType": "string"}, "position": {"bsonType": ["int", "long"]}},
        indexes=(Index("ward_position", (("ward", 1), ("position", 1))),),
    ),
    Collection(
        AUDIT,
        required=("region", "time", "user", "action", "patient_id"),
        # patient_id may be empty: an entry about no patient (a technical alarm acknowledged,
        # a queued write discarded) has none, and refusing it would lose the entry.
        properties={"region": {"bsonType": "string"}, "time": _NUMBER,
                    "user": {"bsonType": "string"}, "action": _TEXT,
                    "patient_id": {"bsonType": "string"}, "detail": {"bsonType": "string"}},
        # Ascending keys serve "newest first" too: MongoDB walks an index either way.
        indexes=(
            Index("patient_id_time", (("patient_id", 1), ("time", 1))),
            Index("time", (("time", 1),)),
        ),
    ),
)
