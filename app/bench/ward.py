"""The bench ward: as many beds as a benchmark asks for, each with an admitted patient.

The demo hospital has 16 beds a ward; a central station must cope with 32, so the benchmarks set
up a ward of their own in a temporary embedded patient store.
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import date, timedelta

from app.demo.hospital import load_demo_hospital
from stores import Stores
from stores.model import Alarm, Bed, Patient, Sex

REGION = "bench"
WARD = "bench-1"
USER = "bench"
_SEED = 32  # the same patients on every run, so runs compare


def bench_beds(count: int) -> list[Bed]:
    return [Bed(f"{WARD}-{n:02d}", REGION, WARD, f"Bed {n}", n) for n in range(1, count + 1)]


def bench_patients(beds: list[Bed], now: float) -> list[Patient]:
    """One patient in every bed, named from the demo hospital's pool of names."""
    names = load_demo_hospital().pools["names"]
    rng = random.Random(_SEED)
    today = date.fromtimestamp(now)
    return [_patient(bed, rng, names, today, now) for bed in beds]


def _patient(bed: Bed, rng: random.Random, names: dict, today: date, now: float) -> Patient:
    sex = rng.choice((Sex.FEMALE, Sex.MALE))
    given = rng.choice(names["female"] if sex is Sex.FEMALE else names["male"])
    return Patient(
        id=uuid.UUID(int=rng.getrandbits(128), version=4).hex, region=REGION, ward=WARD,
        mrn=f"B{bed.position:06d}", given_name=given, family_name=rng.choice(names["family"]),
        birth_date=today - timedelta(days=rng.randint(30, 90) * 365), sex=sex, bed_id=bed.id,
        admitted_at=now - 3600.0,
    )


async def admit_bench_ward(stores: Stores, bed_count: int) -> list[Patient]:
    """Write the ward's beds and admit its patients (the stores are a fresh temporary set)."""
    beds = bench_beds(bed_count)
    patients = bench_patients(beds, time.time())
    for patient in patients:
        await stores.patients.create(patient, USER)
        await stores.network.put_patient(patient.id, patient.full_name)
    await stores.patients.set_beds(beds)
    return patients


async def resolve_left_over_alarms(stores: Stores) -> int:
    """Resolve the bench region's alarms an earlier run left open (a real alert store outlives
    the run's temporary folder), so they neither crowd the banner nor get continued."""
    left: list[Alarm] = await stores.alerts.active(REGION)
    now = time.time()
    for alarm in left:
        await stores.alerts.publish(alarm.acknowledge(USER, now).clear(now))
    return len(left)
