"""What an acknowledgement leaves behind: its audit-log entry and its count in the analytics."""

from __future__ import annotations

import logging
import time

from stores.analytics import AnalyticsStore
from stores.errors import StoreError
from stores.model import Alarm, AlarmKind, AuditEntry, WardHour, hour_start
from stores.patients import PatientStore

log = logging.getLogger(__name__)

ACTION = "alarm acknowledged"


def acknowledgement_entry(alarm: Alarm) -> AuditEntry:
    """ "*** HIGH SpO2 low 84 on north-1-07, raised 14:03:07, acknowledged after 12 s" """
    what = f"{alarm.priority.marks} {alarm.priority.name} {alarm.condition}"
    if alarm.value is not None:
        what += f" {alarm.value:g}"
    where = f" on {alarm.bed_id}" if alarm.bed_id else f" at ward {alarm.ward}"
    raised = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(alarm.raised_at))
    waited = max(0.0, alarm.acknowledged_at - alarm.raised_at)
    return AuditEntry(time=alarm.acknowledged_at, user=alarm.acknowledged_by or "",
                      action=ACTION, patient_id=alarm.patient_id or "",
                      detail=f"{what}{where}, raised {raised}, acknowledged after {waited:.0f} s")


def acknowledgement_hour(alarm: Alarm) -> WardHour | None:
    """The acknowledgement as a rollup of its hour, for time-to-acknowledge per shift; None for
    a technical alarm (the figures are about the patients' alarms)."""
    if alarm.kind is AlarmKind.TECHNICAL or alarm.acknowledged_at is None:
        return None
    return WardHour(alarm.region, alarm.ward, hour_start(alarm.acknowledged_at), acknowledged=1,
                    acknowledge_s_sum=max(0.0, alarm.acknowledged_at - alarm.raised_at))


async def record_acknowledgement(acknowledged: Alarm, region: str,
                                 audit: PatientStore | None,
                                 analytics: AnalyticsStore | None) -> None:
    """The audit log keeps who acknowledged what; the analytics store counts it for the
    shift's figures. Real stores queue these in the outbox while they are away; a store that
    refuses is logged, never raised: the acknowledgement itself is done."""
    if audit is not None:
        try:
            await audit.record(acknowledgement_entry(acknowledged), region)
        except StoreError as exc:
            log.error("acknowledgement of %s not written to the audit log: %s",
                      acknowledged.id, exc)
    hour = acknowledgement_hour(acknowledged)
    if analytics is not None and hour is not None:
        try:
            await analytics.add_hours([hour])
        except StoreError as exc:
            log.error("acknowledgement of %s not counted in analytics: %s", acknowledged.id, exc)
