"""Archived alarms as the analytics stores keep them: one JSON record per alarm, checked on read."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from stores.alarm_codec import AlarmRecordError, alarm_from_dict, alarm_to_dict, publishable
from stores.model import Alarm

log = logging.getLogger(__name__)


def archive_record(alarm: Alarm) -> str:
    return json.dumps(alarm_to_dict(alarm), allow_nan=False)


def changed_at(alarm: Alarm) -> float:
    """When this version of the alarm came about: a later state of an alarm archived again
    replaces the earlier one, never the other way round."""
    return max(t for t in (alarm.raised_at, alarm.acknowledged_at, alarm.cleared_at)
               if t is not None)


def check_archivable(alarms: Sequence[Alarm]) -> None:
    """ValidationError naming the field if an alarm could not be read back (NaN, junk text)."""
    for alarm in alarms:
        publishable(alarm)


def read_archived(text: object, region: str) -> Alarm | None:
    """The alarm of a stored record; None (logged) if it does not read or is another region's:
    one bad record must not hide the others."""
    try:
        if not isinstance(text, str):
            raise AlarmRecordError("An archived alarm record is missing.")
        alarm = alarm_from_dict(json.loads(text))
    except (AlarmRecordError, json.JSONDecodeError, RecursionError) as exc:
        log.error("alarm archive %s: a record does not read: %s", region, str(exc)[:200])
        return None
    if alarm.region != region:
        log.error("alarm archive %s: record %r says region %r", region, alarm.id[:40],
                  alarm.region[:20])
        return None
    return alarm
