"""Technical alarms the station raises itself: a store down, a bed or the whole bedside feed
silent, alarm messages it could not show, a part of the station restarting after a bug. No Qt, no stores: conditions in, alarms out.

They are the station's own and are not published on the alarm bus (every station of the region
sees the same outage and says so itself). The alarm channel lost is the alarms feed's, which
shows it even while nothing else can be read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping

from stores.model import (
    Alarm,
    AlarmKind,
    HealthState,
    Patient,
    Priority,
    StoreHealth,
    VitalSample,
    Ward,
)

PREFIX = "technical:"
STORE_WORDS = {"patients": "Patient records", "vitals": "Vital signs", "network": "Care network",
               "analytics": "Regional analytics"}
OUTBOX_WORDS = STORE_WORDS | {"alerts": "Alarm bus"}


class TechnicalAlarms:
    """The open technical alarms of one station's ward, by condition.

    A condition (a store down, a bed silent) raises its alarm when it starts and clears it when
    it ends, as physiological alarms do. An event (a message that could not be shown) has no
    end: its alarm stays until a nurse acknowledges it, and the count grows meanwhile.
    """

    def __init__(self, region: str, ward: str, stale_after_s: float,
                 clock: Callable[[], float]) -> None:
        self.region, self.ward = region, ward
        self.stale_after_s = stale_after_s
        self._clock = clock
        # A bed is not silent before the station could have heard it: the start counts as heard.
        self._started = clock()
        self._open: dict[str, Alarm] = {}
        self._events: dict[str, int] = {}  # event alarm id -> how many so far

    def alarms(self) -> list[Alarm]:
        return list(self._open.values())

    def owns(self, alarm_id: str) -> bool:
        return alarm_id in self._open

    def acknowledge(self, alarm_id: str, by: str) -> None:
        """Acknowledge one of these alarms; an event's alarm is resolved by it."""
        alarm = self._open.get(alarm_id)
        if alarm is None:
            return
        now = self._clock()
        if alarm_id in self._events:
            del self._open[alarm_id], self._events[alarm_id]
        else:
            self._open[alarm_id] = alarm.acknowledge(by, now)

    def show_health(self, healths: Iterable[StoreHealth]) -> bool:
        """A store down is an alarm until it answers; True if anything changed. The alert store
        is left out: losing it is the alarm channel lost."""
        changed = False
        for health in healths:
            if health.store not in STORE_WORDS:
                continue
            words = STORE_WORDS[health.store]
            down = health.state is HealthState.DOWN
            reason = health.reason or "no answer"
            changed |= self._condition(f"store-down:{health.store}", down, Priority.MEDIUM,
                                       f"{words} store unavailable: {reason}")
        return changed

    def check_beds(self, ward: Ward, latest: Mapping[str, VitalSample],
                   vitals_down: bool) -> bool:
        """Occupied beds with no data for longer than the staleness limit; when every occupied
        bed is silent, one alarm for the bedside feed instead of one per bed. Nothing while the
        vitals store is down: that alarm says it all. True if anything changed."""
        now = self._clock()
        patients_by_bed = ward.patients_by_bed
        occupied = [bed for bed in ward.beds if bed.id in patients_by_bed]
        silent = [bed for bed in occupied
                  if now - max(self._started, _admitted_or_seen(patients_by_bed[bed.id],
                                                                latest.get(bed.id)))
                  > self.stale_after_s]
        feed_stopped = not vitals_down and bool(occupied) and len(silent) == len(occupied)
        changed = self._condition("feed-stopped", feed_stopped, Priority.MEDIUM,
                                  f"Bedside feed stopped: no data from any bed for more than "
                                  f"{self.stale_after_s:g} s")
        silent_ids = set() if vitals_down or feed_stopped else {bed.id for bed in silent}
        for bed in occupied:
            patient = patients_by_bed[bed.id]
            changed |= self._condition(
                f"bed-silent:{bed.id}", bed.id in silent_ids, Priority.MEDIUM,
                f"No data from the monitor for more than {self.stale_after_s:g} s",
                bed_id=bed.id, patient_id=patient.id, patient_name=patient.full_name,
                ward=bed.ward)
        occupied_ids = {bed.id for bed in occupied}
        for key in [k for k in self._open if k.startswith(PREFIX + "bed-silent:")]:
            if key.removeprefix(PREFIX + "bed-silent:") not in occupied_ids:
                del self._open[key]  # the bed was emptied: nobody left to monitor
                changed = True
        return changed

    def feed_stopped(self, title: str, reason: str | None, high: bool = False) -> bool:
        """A part of the station (a feed) whose work died of an unexpected error, `reason`,
        and is being restarted; None once it runs again. True if anything changed."""
        key = "feed-down:" + "-".join(title.lower().split())
        return self._condition(key, reason is not None,
                               Priority.HIGH if high else Priority.MEDIUM,
                               f"{title} stopped after an unexpected error and is being "
                               f"restarted ({reason})")

    def unreadable(self, count: int, reason: str) -> None:
        """Alarm messages that could not be shown (they did not parse, or name a bed or a
        priority this station does not know): counted in one alarm until acknowledged."""
        self._event("unreadable", count, Priority.MEDIUM,
                    lambda total: f"{total} alarm message(s) could not be shown: {reason}")

    def missed(self, reason: str) -> None:
        """The alarm subscription skipped versions (this station fell behind, or the bus lost
        entries before they were read); the current alarms were read again."""
        self._event("missed", 1, Priority.MEDIUM,
                    lambda total: f"Alarm delivery interrupted ({total}x): {reason}")

    def outbox_full(self, store: str, full: bool, limit: int) -> bool:
        """A store's outbox at its bound: its new writes are refused until it drains. True if
        anything changed."""
        words = OUTBOX_WORDS.get(store, store)
        return self._condition(f"outbox-full:{store}", full, Priority.MEDIUM,
                               f"{words}: outbox full ({limit} writes kept), new writes are "
                               "refused until the store returns")

    def refused_writes(self, count: int) -> bool:
        """Queued writes their store refused on delivery, until each is applied again or
        discarded; one more refused sounds again even after an acknowledgement. True if
        anything changed."""
        alarm_id = PREFIX + "writes-refused"
        previous = self._open.get(alarm_id)
        words = (f"{count} queued write(s) refused on delivery: open Pending writes to apply "
                 "them again or discard them")
        changed = self._condition("writes-refused", count > 0, Priority.MEDIUM, words)
        more = previous is not None and count > _leading_number(previous.condition)
        if more and previous.acknowledged:
            self._open[alarm_id] = dataclasses.replace(self._open[alarm_id],
                                                       acknowledged_by=None, acknowledged_at=None)
        return changed

    def _event(self, name: str, count: int, priority: Priority,
               words: Callable[[int], str]) -> None:
        alarm_id = PREFIX + name
        total = self._events.get(alarm_id, 0) + count
        self._events[alarm_id] = total
        previous = self._open.get(alarm_id)
        self._open[alarm_id] = self._alarm(alarm_id, priority, words(total)) if previous is None \
            else dataclasses.replace(previous, condition=words(total), acknowledged_by=None,
                                     acknowledged_at=None)

    def _condition(self, name: str, true: bool, priority: Priority, words: str,
                   **about) -> bool:
        alarm_id = PREFIX + name
        previous = self._open.get(alarm_id)
        if not true:
            return self._open.pop(alarm_id, None) is not None
        if previous is not None:
            if previous.condition == words:
                return False
            self._open[alarm_id] = dataclasses.replace(previous, condition=words)
            return True
        self._open[alarm_id] = self._alarm(alarm_id, priority, words, **about)
        return True

    def _alarm(self, alarm_id: str, priority: Priority, words: str, bed_id: str = "",
               patient_id: str | None = None, patient_name: str = "",
               ward: str | None = None) -> Alarm:
        # a bed's alarm is of the bed's ward (a station may show two); the others the station's
        return Alarm(id=alarm_id, region=self.region, ward=ward or self.ward, bed_id=bed_id,
                     patient_id=patient_id, patient_name=patient_name, priority=priority,
                     condition=words, raised_at=self._clock(), kind=AlarmKind.TECHNICAL)


def _admitted_or_seen(patient: Patient, sample: VitalSample | None) -> float:
    """When the bed last spoke: its newest sample, or the admission for a bed not heard yet."""
    times = [patient.admitted_at] + ([sample.time] if sample is not None else [])
    return max(times)


def _leading_number(words: str) -> int:
    head = words.split(" ", 1)[0]
    return int(head) if head.isdigit() else 0
