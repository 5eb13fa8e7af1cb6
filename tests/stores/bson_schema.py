"""A small checker of MongoDB's `$jsonSchema` (the keywords the station's validators use), so that
documents can be tested against a validator where the test server keeps none (nx-27017)."""

from __future__ import annotations

import re
from typing import Any

_TYPES = {
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool) and -2**31 <= v < 2**31,
    "long": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "double": lambda v: isinstance(v, float),
    "bool": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}
_KNOWN = {"bsonType", "required", "properties", "items", "minLength", "minimum", "pattern", "enum"}


def problems(document: Any, schema: dict[str, Any], where: str = "") -> list[str]:
    """What in `document` the schema refuses, each with its place; [] if it passes."""
    unknown = set(schema) - _KNOWN
    assert not unknown, f"the checker does not know {unknown}: teach it before trusting it"
    found: list[str] = []
    kinds = schema.get("bsonType")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_TYPES[kind](document) for kind in kinds):
            return [f"{where or 'document'}: {document!r} is not {'/'.join(kinds)}"]
    if "enum" in schema and document not in schema["enum"]:
        found.append(f"{where}: {document!r} not in {schema['enum']}")
    if "minLength" in schema and isinstance(document, str) and len(document) < schema["minLength"]:
        found.append(f"{where}: {document!r} shorter than {schema['minLength']}")
    if "minimum" in schema and document < schema["minimum"]:
        found.append(f"{where}: {document!r} below {schema['minimum']}")
    if "pattern" in schema and not re.search(schema["pattern"], document):
        found.append(f"{where}: {document!r} does not match {schema['pattern']}")
    if isinstance(document, dict):
        found += [f"{where}.{name}: missing" for name in schema.get("required", ())
                  if name not in document]
        for name, rule in schema.get("properties", {}).items():
            if name in document:
                found += problems(document[name], rule, f"{where}.{name}")
    if isinstance(document, list) and "items" in schema:
        for index, item in enumerate(document):
            found += problems(item, schema["items"], f"{where}[{index}]")
    return found
