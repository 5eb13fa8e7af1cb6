"""Turns a ward's vital samples into alarms: raised when a rule has been violated for its delay,
cleared when the value has recovered."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping

from app.alarms.rules import DEFAULT_RULES, AlarmRule, with_limits
from stores.model import Alarm, Patient, VitalSample

RuleKey = tuple[str, str, int]
# A condition held "for its delay" must be seen throughout: after this long without a valid
# value (a probe off, leads off) the wait starts again from the next violating one.
DELAY_GAP_S = 3.0


class AlarmEngine:
    """Threshold alarms of one ward. Keeps one open alarm per (bed, rule); no Qt, no stores.

    `evaluate` returns the alarm versions to publish: a new alarm once a rule has been violated
    on a bed for the rule's delay, and its cleared version when the value has recovered. A
    missing value says nothing about the patient, so it neither raises, clears nor resets a
    delay. `rules` are the ward's; a patient's own limits apply on top of them for their bed.
    """

    def __init__(self, region: str, ward: str, patients_by_bed: Mapping[str, Patient | None],
                 clock: Callable[[], float], rules: Iterable[AlarmRule] = DEFAULT_RULES) -> None:
        self.region = region
        self.ward = ward
        self.rules = tuple(rules)
        self._clock = clock
        self._patients: dict[str, Patient | None] = {}
        self._bed_rules: dict[str, tuple[AlarmRule, ...]] = {}
        self._open: dict[tuple[str, RuleKey], Alarm] = {}
        # (bed, rule) -> (since when violated, last seen violated)
        self._violated_since: dict[tuple[str, RuleKey], tuple[float, float]] = {}
        self._set_patients(patients_by_bed)

    def rules_for(self, bed_id: str) -> tuple[AlarmRule, ...]:
        """The rules that apply to a bed now: the ward's, with its patient's own limits."""
        return self._bed_rules.get(bed_id, self.rules)

    def _set_patients(self, patients_by_bed: Mapping[str, Patient | None]) -> None:
        self._patients = dict(patients_by_bed)
        self._bed_rules = {
            bed: with_limits(self.rules, patient.alarm_limits) if patient else self.rules
            for bed, patient in self._patients.items()
        }

    def open_alarms(self) -> list[Alarm]:
        """Alarms whose condition is still true, oldest first."""
        return sorted(self._open.values(), key=lambda a: (a.raised_at, a.id))

    def evaluate(self, samples: Iterable[VitalSample]) -> list[Alarm]:
        """Alarm versions to publish after these samples; samples of other wards' beds are ignored."""
        changes: list[Alarm] = []
        for sample in samples:
            if sample.bed_id in self._patients:
                changes.extend(self._evaluate_sample(sample))
        return changes

    def update_patients(self, patients_by_bed: Mapping[str, Patient | None]) -> list[Alarm]:
        """Take the ward's new occupancy; returns the cleared versions of alarms whose bed was
        vacated or now holds someone else (an alarm belongs to a patient, not to a bed)."""
        new = dict(patients_by_bed)
        changed = {bed for bed, patient in self._patients.items()
                   if bed not in new or _patient_id(new[bed]) != _patient_id(patient)}
        self._set_patients(new)
        for key in [key for key in self._violated_since if key[0] in changed]:
            del self._violated_since[key]
        now = self._clock()
        return [self._open.pop(key).clear(now) for key in list(self._open) if key[0] in changed]

    def adopt(self, alarms: Iterable[Alarm]) -> list[Alarm]:
        """Take over this ward's alarms still open from before a restart, so a condition that
        is still true is not raised a second time and clears when it recovers. Returns the
        cleared versions of those that no longer fit (the bed has someone else, or no rule)."""
        stale = []
        for alarm in alarms:
            if alarm.ward != self.ward or not alarm.condition_active:
                continue
            rule = next((r for r in self.rules_for(alarm.bed_id) if _same_rule(r, alarm)), None)
            key = (alarm.bed_id, rule.key if rule else None)
            fits = (rule is not None and alarm.bed_id in self._patients
                    and _patient_id(self._patients[alarm.bed_id]) == alarm.patient_id)
            if fits and key not in self._open:
                self._open[key] = alarm
            else:
                stale.append(alarm.clear(self._clock()))
        return stale

    def _evaluate_sample(self, sample: VitalSample) -> list[Alarm]:
        changes = []
        for rule in self.rules_for(sample.bed_id):
            value = sample.value(rule.vital)
            if value is None:
                continue
            key = (sample.bed_id, rule.key)
            if key in self._open:
                if rule.recovered(value):
                    changes.append(self._open.pop(key).clear(sample.time))
            elif not rule.violated(value):
                self._violated_since.pop(key, None)
            elif self._held(key, sample.time) >= rule.delay_s:
                del self._violated_since[key]
                self._open[key] = self._raise(rule, sample, value)
                changes.append(self._open[key])
        return changes

    def _held(self, key: tuple[str, RuleKey], now: float) -> float:
        """How long the condition has been seen violated, up to `now`."""
        since, last = self._violated_since.get(key, (now, now))
        if now - last > DELAY_GAP_S:
            since = now
        self._violated_since[key] = (since, now)
        return now - since

    def _raise(self, rule: AlarmRule, sample: VitalSample, value: float) -> Alarm:
        patient = self._patients.get(sample.bed_id)
        return Alarm(
            id=str(uuid.uuid4()),
            region=self.region,
            ward=self.ward,
            bed_id=sample.bed_id,
            patient_id=_patient_id(patient),
            patient_name=patient.full_name if patient else "",
            priority=rule.priority,
            condition=rule.condition,
            raised_at=sample.time,
            vital=rule.vital,
            value=value,
            limit=rule.limit,
            simulated=sample.simulated,  # an alarm on simulated vitals is simulated too
        )


def _same_rule(rule: AlarmRule, alarm: Alarm) -> bool:
    return (rule.vital, rule.priority, rule.condition) == (alarm.vital, alarm.priority,
                                                          alarm.condition)


def _patient_id(patient: Patient | None) -> str | None:
    return patient.id if patient is not None else None
