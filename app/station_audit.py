"""What a station leaves in the audit log about itself: when it started and closed, on which
ward and as whom, and a mute of its alarm sounds (training only)."""

from __future__ import annotations

import logging
import time

from app.config import Config
from stores.errors import StoreError
from stores.model import AuditEntry
from stores.patients import PatientStore

log = logging.getLogger(__name__)

STARTED, CLOSED, MUTED = "station started", "station closed", "alarm audio muted"


def started_entries(config: Config, now: float | None = None) -> list[AuditEntry]:
    """The start, and the mute if the alarm sounds are muted."""
    now = time.time() if now is None else now
    audio = "on" if config.alarm_audio else "muted (training)"
    simulator = "on" if config.simulator else "off"
    entries = [_entry(config, STARTED, now, f"ward {config.ward}, region {config.region}, "
                      f"environment {config.environment}, alarm audio {audio}, "
                      f"simulator {simulator}")]
    if not config.alarm_audio:
        entries.append(_entry(config, MUTED, now, f"ward {config.ward}: alarm sounds muted for "
                              f"this station's session (environment {config.environment})"))
    return entries


def closed_entry(config: Config, how: str, now: float | None = None) -> AuditEntry:
    return _entry(config, CLOSED, time.time() if now is None else now,
                  f"ward {config.ward}, {how}")


async def record(patients: PatientStore, entries: list[AuditEntry], region: str) -> None:
    """Write the entries; a store that refuses them is logged, it never stops the station."""
    for entry in entries:
        try:
            await patients.record(entry, region)
        except StoreError as exc:
            log.error("%s not written to the audit log (%s): %s", entry.action, exc, entry.detail)


def _entry(config: Config, action: str, now: float, detail: str) -> AuditEntry:
    # no patient: the station's own doings (see the outbox and MongoDB notes in operations.md)
    return AuditEntry(time=now, user=config.user, action=action, patient_id="", detail=detail)
