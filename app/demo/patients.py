"""Made-up but plausible patients for the demo wards: names, ages, diagnoses, medication, allergies."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from app.demo.hospital import DemoHospital, DemoRegion, DemoWard
from stores.model import Bed, Patient, Sex

AGE_RANGE = (18, 95)
TYPICAL_AGE = 74  # the mode: most people in a hospital bed are old
SECOND_DIAGNOSIS_SHARE = 0.55
MAX_MEDICATIONS_PER_DIAGNOSIS = 3
_WEIGHT_KG = {Sex.FEMALE: (70.0, 14.0), Sex.MALE: (84.0, 15.0)}  # mean, spread


def region_patients(hospital: DemoHospital, region: DemoRegion, rng: random.Random,
                    beds: dict[str, list[Bed]], today: date, now: float) -> list[Patient]:
    """Patients for every ward of the region, in the beds drawn for them; MRNs unique in the region."""
    chosen = {ward.id: _occupied_beds(ward, beds[ward.id], rng) for ward in region.wards}
    count = sum(len(b) for b in chosen.values())
    mrns = iter(f"{region.mrn_prefix}{n}" for n in rng.sample(range(100_000, 1_000_000), count))
    names: set[str] = set()
    return [
        _patient(hospital, ward, bed, next(mrns), rng, names, today, now)
        for ward in region.wards
        for bed in chosen[ward.id]
    ]


def _occupied_beds(ward: DemoWard, beds: list[Bed], rng: random.Random) -> list[Bed]:
    count = min(rng.randint(*ward.occupancy), len(beds))
    return sorted(rng.sample(beds, count), key=lambda bed: bed.position)


def _patient(hospital: DemoHospital, ward: DemoWard, bed: Bed, mrn: str, rng: random.Random,
             names: set[str], today: date, now: float) -> Patient:
    sex = rng.choice((Sex.FEMALE, Sex.MALE))
    given, family = _unique_name(hospital.pools["names"], sex, rng, names)
    diagnoses = _diagnoses(hospital.pools["diagnoses"], ward.specialty, rng)
    allergies, excluded = _allergies(hospital.pools["allergies"], rng)
    return Patient(
        id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
        region=ward.region, ward=ward.id, mrn=mrn,
        given_name=given, family_name=family,
        birth_date=_birth_date(rng, today), sex=sex, bed_id=bed.id,
        weight_kg=round(min(max(rng.gauss(*_WEIGHT_KG[sex]), 38.0), 190.0), 1),
        diagnoses=tuple(d["name"] for d in diagnoses),
        allergies=allergies,
        medications=_medications(diagnoses, excluded, rng),
        admitted_at=now - rng.uniform(0.2, 12.0) * 86400.0,
    )


def _unique_name(pool: dict, sex: Sex, rng: random.Random, taken: set[str]) -> tuple[str, str]:
    # Two patients with the same name in one region is a classic mix-up; the demo avoids it.
    given_pool = pool["female"] if sex is Sex.FEMALE else pool["male"]
    while True:
        given, family = rng.choice(given_pool), rng.choice(pool["family"])
        if f"{given} {family}" not in taken:
            taken.add(f"{given} {family}")
            return given, family


def _birth_date(rng: random.Random, today: date) -> date:
    age = int(rng.triangular(AGE_RANGE[0], AGE_RANGE[1], TYPICAL_AGE))
    # A fraction of a year past the birthday, kept off the edges so the age stays `age`.
    return today - timedelta(days=round((age + rng.uniform(0.02, 0.98)) * 365.25))


def _diagnoses(pool: list[dict], specialty: str, rng: random.Random) -> list[dict]:
    """The reason for admission, usual on the ward, and sometimes a long-standing condition."""
    usual = [d for d in pool if specialty in d["specialties"]] or pool
    chosen = [rng.choice(usual)]
    long_standing = [d for d in pool if not d["specialties"]]
    if long_standing and rng.random() < SECOND_DIAGNOSIS_SHARE:
        chosen.append(rng.choice(long_standing))
    return chosen


def _allergies(pool: dict, rng: random.Random) -> tuple[tuple[str, ...], list[str]]:
    """The allergies as recorded, and the words of medications they rule out."""
    if rng.random() < pool["no_known_share"]:
        return (pool["no_known_text"],), []
    count = rng.randint(1, pool["most_per_patient"])
    allergies = rng.sample(pool["common"], count)
    excluded = [word for allergy in allergies for word in allergy["excludes"]]
    return tuple(a["name"] for a in allergies), excluded


def _medications(diagnoses: list[dict], excluded: list[str], rng: random.Random) -> tuple[str, ...]:
    medications: list[str] = []
    for diagnosis in diagnoses:
        listed = diagnosis["medications"]
        count = rng.randint(1, min(MAX_MEDICATIONS_PER_DIAGNOSIS, len(listed)))
        for medication in rng.sample(listed, count):
            allowed = not any(word in medication.casefold() for word in excluded)
            if allowed and medication not in medications:
                medications.append(medication)
    return tuple(medications)
