"""A queued write in the words of the Pending writes screen: who made it, when, and what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stores.model import Alarm, AuditEntry, Patient, PendingWrite
from stores.outbox.operations import STATION
from stores.outbox.table import QueuedWrite

# a write's arguments by name, as read back: of whatever shape the payload had (see `_what`)
Args = dict[str, Any]


def pending(write: QueuedWrite) -> PendingWrite:
    """The `QueuedWrite` as the station shows it; a payload it cannot read still says so."""
    args: Args = write.args if isinstance(write.args, dict) else {}
    patient = args.get("patient") if isinstance(args.get("patient"), Patient) else None
    entry = args.get("entry") if isinstance(args.get("entry"), AuditEntry) else None
    user = args.get("user") or (entry.user if entry else "") or STATION
    patient_id = (patient.id if patient else None) or args.get("patient_id") or (
        entry.patient_id if entry else None) or None
    return PendingWrite(
        store=write.store, seq=write.seq, operation=write.op, made_at=write.queued_at,
        user=str(user), what=_what(write.op, args, write.unreadable), patient_id=patient_id,
        record=patient, refused=write.refused)


def _what(op: str, args: Args, unreadable: str | None) -> str:
    if unreadable:
        return f"{op}: {unreadable}"
    words = _WORDS.get(op)
    try:
        return words(args) if words else op
    except (AttributeError, KeyError, TypeError):  # a payload of an unexpected shape
        return op


def _name(patient: Patient) -> str:
    return f"{patient.family_name}, {patient.given_name} (MRN {patient.mrn})"


def _alarm(alarm: Alarm) -> str:
    where = alarm.bed_id or alarm.ward
    return f"Publish alarm {alarm.priority.name} {alarm.condition} on {where}"


def _count(noun: str) -> Callable[[Args], str]:
    def words(args: Args) -> str:
        items: list[object] = next(iter(args.values()), [])
        return f"{len(items)} {noun}"
    return words


_WORDS: dict[str, Callable[[Args], str]] = {
    "patients.admit": lambda a: f"Admit {_name(a['patient'])}",
    "patients.update": lambda a: f"Save changes to {_name(a['patient'])}",
    "patients.discharge": lambda a: f"Discharge patient {a['patient_id']}",
    "patients.audit": lambda a: f"Audit log: {a['entry'].action} {a['entry'].detail}".strip(),
    "patients.set-beds": _count("beds declared"),
    "vitals.write": _count("vital-sign sample(s)"),
    "alerts.publish": lambda a: _alarm(a["alarm"]),
    "network.put-clinician": lambda a: f"Care network: clinician {a['clinician'].name}",
    "network.put-patient": lambda a: f"Care network: patient {a['name']}",
    "network.remove-patient": lambda a: f"Care network: remove patient {a['patient_id']}",
    "network.link": lambda a: f"Care network: link {a['link'].kind.value}",
    "network.unlink": lambda a: f"Care network: end link {a['link'].kind.value}",
    "analytics.add-hours": _count("ward-hour rollup(s)"),
    "analytics.record-occupancy": _count("ward occupancy figure(s)"),
    "analytics.archive-alarms": _count("resolved alarm(s) to archive"),
}
