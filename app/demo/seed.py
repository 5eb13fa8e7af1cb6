"""First-run seeding of the demo hospital into the configured stores (any backend)."""

from __future__ import annotations

import functools
import logging
import random
import time
from datetime import UTC, datetime

from app.demo.history import HISTORY_HOURS, past_ward_hours
from app.demo.hospital import (
    SECOND_DOCTOR_SHARE,
    DemoHospital,
    DemoRegion,
    clinicians,
    load_demo_hospital,
    patient_links,
    staff_links,
    ward_beds,
)
from app.demo.patients import region_patients
from app.demo.vitals import seed_recent_vitals
from app.rollups import occupancy
from stores import Stores
from stores.errors import NotFound
from stores.model import Bed, CareLink, Patient, hour_start

log = logging.getLogger(__name__)

# The built-in simulator's seed for the demo: the live monitors continue the seeded past
# with each patient's own baseline.
DEMO_SIMULATOR_SEED = 7


@functools.cache
def shipped_hospital() -> DemoHospital:
    """The shipped demo hospital, parsed once: a start asks for it several times (seeding, the
    simulator's wards, the analytics' regions), and the file does not change while running."""
    return load_demo_hospital()


def demo_ward_ids() -> list[str]:
    """The ids of the demo hospital's wards, region by region ("north-1", "north-2", ...)."""
    return [ward.id for ward in shipped_hospital().wards]


def demo_region_ids() -> list[str]:
    """The ids of the demo hospital's regions ("north", "central", "south")."""
    return [region.id for region in shipped_hospital().regions]


async def seed_demo_hospital(stores: Stores, *, rng_seed: int = 7, now: float | None = None,
                             with_history: bool = True) -> bool:
    """Seed the demo hospital unless its beds exist already; True when it seeded.

    The same `rng_seed` gives the same hospital. `with_history=False` leaves out the past
    vitals, rollups and occupancy (seconds of writing): the records and care network only. The beds are written last: their presence marks
    a finished seeding, and a seeding cut short is completed on the next start (every other write
    is idempotent or checked first).
    """
    hospital = shipped_hospital()
    if await _has_demo_beds(stores, hospital):
        return False
    now = time.time() if now is None else now
    today = datetime.fromtimestamp(now, UTC).date()
    rng = random.Random(rng_seed)
    beds = {ward.id: ward_beds(hospital, ward) for ward in hospital.wards}
    for clinician in clinicians(hospital):
        await stores.network.put_clinician(clinician)
    patients: list[Patient] = []
    for region in hospital.regions:
        admitted = region_patients(hospital, region, rng, beds, today, now)
        await _admit(stores, hospital.user, admitted)
        await _link(stores, staff_links(region) + _care_links(hospital, region, beds, admitted, rng))
        if with_history:
            await _seed_history(stores, region, admitted, rng, now)
        patients += admitted
    every_bed = [bed for ward in hospital.wards for bed in beds[ward.id]]
    if with_history:
        await seed_recent_vitals(stores, every_bed, patients, now, DEMO_SIMULATOR_SEED)
        await stores.analytics.record_occupancy(occupancy(every_bed, patients, now))
    await stores.patients.set_beds(every_bed)
    log.info("Seeded the demo hospital: %d beds, %d patients", len(every_bed), len(patients))
    return True


async def _has_demo_beds(stores: Stores, hospital: DemoHospital) -> bool:
    for ward in hospital.wards:
        if await stores.patients.beds(ward.id):
            return True
    return False


async def _admit(stores: Stores, user: str, patients: list[Patient]) -> None:
    for patient in patients:
        try:
            await stores.patients.get(patient.id)
            log.info("Patient %s was admitted by an earlier, interrupted seeding", patient.id)
        except NotFound:
            await stores.patients.create(patient, user)
        await stores.network.put_patient(patient.id, patient.full_name)


def _care_links(hospital: DemoHospital, region: DemoRegion, beds: dict[str, list[Bed]],
                patients: list[Patient], rng: random.Random) -> list[CareLink]:
    wards = {ward.id: ward for ward in region.wards}
    bed_by_id = {bed.id: bed for ward in region.wards for bed in beds[ward.id]}
    return [
        link
        for patient in patients
        for link in patient_links(hospital, wards[patient.ward], bed_by_id[patient.bed_id],
                                  patient, second_doctor=rng.random() < SECOND_DOCTOR_SHARE)
    ]


async def _link(stores: Stores, links: list[CareLink]) -> None:
    for link in links:
        await stores.network.link(link)


async def _seed_history(stores: Stores, region: DemoRegion, patients: list[Patient],
                        rng: random.Random, now: float) -> None:
    hours = [
        hour
        for ward in region.wards
        for hour in past_ward_hours(region.id, ward.id, sum(p.ward == ward.id for p in patients),
                                    region.acuity, rng, now)
    ]
    # Rollups add up, so an interrupted seeding must not write the day twice.
    end = hour_start(now)
    if not await stores.analytics.hours(region.id, end - HISTORY_HOURS * 3600.0, end):
        await stores.analytics.add_hours(hours)
