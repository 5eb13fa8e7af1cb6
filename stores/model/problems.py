"""A problem with one field of a record, in words a nurse can act on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field of a record, in words a nurse can act on."""

    field: str
    message: str
