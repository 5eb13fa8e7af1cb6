"""The writes the outbox keeps, under names that stay when the code changes: each operation's
stable name, the store method that performs it today, and its arguments by name.

A row of the outbox holds the operation's name, its payload version and its payload. Version 1
(Ward Station before issue 10) stored the store method's name and the arguments as a list in call
order; version 2 stores the operation's name and the arguments by name. Rows of an older version
are read through `upgrade`, so a queue left by an older station is still delivered. Renaming a
method changes `method` here, never a stored name.
"""

from __future__ import annotations

from dataclasses import dataclass

PAYLOAD_VERSION = 2
STATION = "station"  # who made a write no user made (samples, alarms, rollups)


@dataclass(frozen=True)
class Operation:
    name: str  # stored with the write: never change it
    store: str
    method: str  # the store's method that performs it today
    params: tuple[str, ...]  # its arguments, in the order version 1 stored them
    timed: bool = False  # also takes `at`, the time the write was made (kept for the audit)


OPERATIONS = {op.name: op for op in (
    Operation("vitals.write", "vitals", "write", ("samples",)),
    Operation("patients.set-beds", "patients", "set_beds", ("beds",)),
    Operation("patients.admit", "patients", "create", ("patient", "user"), timed=True),
    Operation("patients.update", "patients", "update", ("patient", "user"), timed=True),
    Operation("patients.discharge", "patients", "discharge", ("patient_id", "user"), timed=True),
    Operation("patients.audit", "patients", "record", ("entry", "region")),
    Operation("network.put-clinician", "network", "put_clinician", ("clinician",)),
    Operation("network.put-patient", "network", "put_patient", ("patient_id", "name")),
    Operation("network.remove-patient", "network", "remove_patient", ("patient_id",)),
    Operation("network.link", "network", "link", ("link",)),
    Operation("network.unlink", "network", "unlink", ("link",)),
    Operation("analytics.add-hours", "analytics", "add_hours", ("rollups",)),
    Operation("analytics.record-occupancy", "analytics", "record_occupancy", ("occupancy",)),
    Operation("analytics.archive-alarms", "analytics", "archive_alarms", ("alarms",)),
    Operation("alerts.publish", "alerts", "publish", ("alarm",)),
)}
_BY_METHOD = {(op.store, op.method): op for op in OPERATIONS.values()}


def upgrade(store: str, op: str, version: int, payload: object,
            queued_at: float) -> tuple[str, object]:
    """A stored write as (operation name, payload) of the current version; ValueError for a
    version this station does not know."""
    if version == PAYLOAD_VERSION:
        return op, payload
    if version == 1:
        operation = _BY_METHOD.get((store, op))
        if operation is None or not isinstance(payload, list):
            return op, payload  # not one of ours: its store refuses it, and it is kept
        args = dict(zip(operation.params, payload))
        if operation.timed:
            args["at"] = queued_at  # version 1 kept the time it was made only in the row
        return operation.name, args
    raise ValueError(f"payload version {version} was written by a newer Ward Station (this one "
                     f"reads up to {PAYLOAD_VERSION}); update Ward Station")
