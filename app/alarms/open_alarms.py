"""The ward's open alarms as the bus tells them: the snapshot read at (re)subscription with what
arrived meanwhile laid over it, each live version after, and alarms naming a bed the ward lacks
counted instead of shown. No Qt: the alarm feed drives it and emits what it holds."""

from __future__ import annotations

import logging

from app.alarms.technical import TechnicalAlarms
from stores.model import Alarm, AlarmKind, Bed, Priority

log = logging.getLogger(__name__)

CHANNEL_LOST_ID = "technical:alarm-channel-lost"
UNKNOWN_KEPT = 4096  # ids of alarms naming unknown beds, remembered to count each once


class OpenAlarms:
    """The bus's open alarms of the station's ward, and of the ward of its second screen if it
    has one (`other_wards`), and the channel lost, which goes with them."""

    def __init__(self, region: str, ward: str, technical: TechnicalAlarms,
                 other_wards: tuple[str, ...] = ()) -> None:
        self.region, self.ward = region, ward
        self.wards = frozenset((ward, *other_wards))
        self.technical = technical
        self.by_id: dict[str, Alarm] = {}
        self._beds: dict[str, set[str]] = {}  # ward -> its bed ids, once the ward is read
        self._arrived_while_reading: dict[str, Alarm] | None = None
        self._unknown_seen: set[str] = set()  # alarms naming a bed the ward lacks, counted once

    def set_beds(self, beds: list[Bed]) -> None:
        """The beds of the station's wards as read now (of one ward, or of both)."""
        self._beds = {}
        for bed in beds:
            self._beds.setdefault(bed.ward, set()).add(bed.id)

    def start_snapshot(self) -> None:
        """A snapshot of the current alarms is being read: remember what arrives meanwhile."""
        self._arrived_while_reading = {}

    def end_snapshot(self, current: list[Alarm] | None) -> None:
        """The snapshot read (None: its read failed). Live alarms that arrived while it was
        read are newer than it, so they are applied over it rather than lost under it."""
        arrived, self._arrived_while_reading = self._arrived_while_reading or {}, None
        if current is None:
            return
        alarms = {a.id: a for a in current if a.ward in self.wards and self.known(a)}
        for alarm in arrived.values():
            if alarm.is_open:
                alarms[alarm.id] = alarm
            else:
                alarms.pop(alarm.id, None)
        self.by_id = alarms  # the channel-lost alarm goes with the rest

    def receive(self, alarm: Alarm) -> bool:
        """One live version; whether what is shown changed. The bus carries the whole region:
        this station answers for its own wards' beds."""
        if alarm.ward not in self.wards or not self.known(alarm):
            return False
        if self._arrived_while_reading is not None:
            self._arrived_while_reading[alarm.id] = alarm
        if alarm.is_open:
            self.by_id[alarm.id] = alarm
            return True
        return self.by_id.pop(alarm.id, None) is not None

    def known(self, alarm: Alarm) -> bool:
        """An alarm for a bed its ward does not have cannot be shown on a tile nor selected: it
        is counted and said in a technical alarm instead (once the ward's beds are known)."""
        # a ward not read yet (the second screen's may come after the first's) knows no bed
        ward_beds = self._beds.get(alarm.ward)
        if alarm.kind is AlarmKind.TECHNICAL or not ward_beds or not alarm.bed_id:
            return True
        if alarm.bed_id in ward_beds:
            return True
        if alarm.id not in self._unknown_seen:  # its later versions are the same message
            if len(self._unknown_seen) >= UNKNOWN_KEPT:  # junk must not grow it without end
                self._unknown_seen.clear()
            self._unknown_seen.add(alarm.id)
            log.error("alarm %s names bed %r, which ward %s does not have", alarm.id,
                      alarm.bed_id, alarm.ward)
            self.technical.unreadable(1, f"unknown bed {alarm.bed_id!r}")
        return False

    @property
    def channel_lost(self) -> bool:
        return CHANNEL_LOST_ID in self.by_id

    def show_channel_lost(self, reason: str, now: float) -> bool:
        """The station's own high technical alarm; whether it is new."""
        if self.channel_lost:
            return False
        self.by_id[CHANNEL_LOST_ID] = Alarm(
            id=CHANNEL_LOST_ID, region=self.region, ward=self.ward, bed_id="", patient_id=None,
            patient_name="", priority=Priority.HIGH, kind=AlarmKind.TECHNICAL,
            condition=f"Alarm channel lost: {reason}", raised_at=now)
        return True
