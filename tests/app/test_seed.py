"""The demo hospital: its definition, plausible patients, and first-run seeding into real stores."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
import pytest_asyncio

from app.demo.hospital import load_demo_hospital, ward_beds
from app.demo.patients import region_patients
from app.demo.seed import demo_ward_ids, seed_demo_hospital
from stores import StoreConfig, open_stores
from stores.model import CareLinkKind, CareNodeKind, ClinicianRole

NOW = 1_750_000_000.0
TODAY = date(2025, 6, 15)
REGIONS = ("north", "central", "south")


@pytest.fixture(scope="module")
def hospital():
    return load_demo_hospital()


@pytest.fixture(scope="module")
def patients(hospital):
    rng = random.Random(7)
    beds = {ward.id: ward_beds(hospital, ward) for ward in hospital.wards}
    return [p for region in hospital.regions
            for p in region_patients(hospital, region, rng, beds, TODAY, NOW)]


@pytest_asyncio.fixture
async def stores(tmp_path):
    """Empty stores: the test seeds them."""
    opened = await open_stores(StoreConfig(data_dir=tmp_path))
    yield opened
    await opened.close()


@pytest_asyncio.fixture
async def seeded(tmp_path, seeded_demo):
    """Stores as `seed_demo_hospital(stores, now=NOW)` leaves them (seeded once a session)."""
    seeded_demo.copy_into(tmp_path / "seeded", now=NOW)
    opened = await open_stores(StoreConfig(data_dir=tmp_path / "seeded"))
    yield opened
    await opened.close()


WARD_BEDS = {"north-1": 16, "north-2": 16, "north-3": 32, "central-1": 16, "central-2": 16,
             "south-1": 16, "south-2": 16, "south-3": 8}


def test_the_demo_hospital_has_three_regions_and_wards_of_8_16_and_32_beds(hospital):
    assert [r.id for r in hospital.regions] == list(REGIONS)
    assert demo_ward_ids() == list(WARD_BEDS)
    assert {ward.id: len(ward_beds(hospital, ward)) for ward in hospital.wards} == WARD_BEDS
    beds = ward_beds(hospital, hospital.wards[0])
    assert (beds[6].id, beds[6].label, beds[6].position) == ("north-1-07", "Bed 7", 7)
    big = ward_beds(hospital, next(w for w in hospital.wards if w.id == "north-3"))
    assert (big[-1].id, big[-1].label, big[-1].position) == ("north-3-32", "Bed 32", 32)


def test_a_ward_without_its_own_bed_count_has_the_hospitals(hospital):
    text = """beds_per_ward = 12
bed_label = "Bed {number}"
first_admission_user = "x"
names = {female = [], male = [], family = []}
diagnoses = []
allergies = {}
[[regions]]
id = "r"
name = "R"
mrn_prefix = "R"
acuity = 1.0
consultant = "Dr C"
  [[regions.wards]]
  id = "r-1"
  name = "R 1"
  specialty = "acute"
  occupancy = [1, 2]
  doctors = ["Dr A"]
  nurses = ["N"]
  [[regions.wards]]
  id = "r-2"
  name = "R 2"
  specialty = "acute"
  beds = 4
  occupancy = [1, 2]
  doctors = ["Dr B"]
  nurses = ["M"]
"""
    small = load_demo_hospital(text)
    assert [len(ward_beds(small, ward)) for ward in small.wards] == [12, 4]


def test_each_ward_has_doctors_and_a_nurse_for_every_four_beds_and_each_region_a_consultant(
        hospital):
    for region in hospital.regions:
        assert region.consultant.role is ClinicianRole.DOCTOR and region.consultant.ward is None
        for ward in region.wards:
            assert len(ward.doctors) >= 2 and len(ward.nurses) == ward.beds // 4
            assert {c.ward for c in ward.doctors + ward.nurses} == {ward.id}
            assert ward.occupancy[1] <= ward.beds


def test_wards_are_filled_to_their_occupancy_target(hospital, patients):
    per_ward = Counter(p.ward for p in patients)
    for ward in hospital.wards:
        low, high = ward.occupancy
        assert low <= per_ward[ward.id] <= high
    assert len({p.bed_id for p in patients}) == len(patients)


def test_patients_are_plausible(patients):
    for p in patients:
        assert 18 <= p.age_on(TODAY) <= 95
        assert 38 <= p.weight_kg <= 190
        assert 1 <= len(p.diagnoses) <= 2 and p.medications and p.allergies
        assert p.bed_id.startswith(p.ward) and p.admitted_at < NOW
    assert len({p.full_name for p in patients}) > len(patients) * 0.95
    assert {p.sex.value for p in patients} == {"female", "male"}


def test_mrns_are_unique_per_region(patients):
    for region in REGIONS:
        mrns = [p.mrn for p in patients if p.region == region]
        assert len(set(mrns)) == len(mrns)


def test_medications_follow_the_diagnoses_and_respect_allergies(hospital, patients):
    pools = hospital.pools
    listed = {d["name"]: d["medications"] for d in pools["diagnoses"]}
    excludes = {a["name"]: a["excludes"] for a in pools["allergies"]["common"]}
    for p in patients:
        allowed = {m for d in p.diagnoses for m in listed[d]}
        assert set(p.medications) <= allowed
        for word in (w for a in p.allergies for w in excludes.get(a, ())):
            assert not any(word in m.casefold() for m in p.medications), (p.allergies, p.medications)
    no_known = sum(p.allergies == (pools["allergies"]["no_known_text"],) for p in patients)
    assert 0.4 < no_known / len(patients) < 0.8


@pytest.mark.asyncio
async def test_seeding_creates_the_hospital_once(stores):
    assert await seed_demo_hospital(stores, now=NOW) is True
    beds = [bed for ward in demo_ward_ids() for bed in await stores.patients.beds(ward)]
    assert len(beds) == sum(WARD_BEDS.values()) == 136
    counts = {region: len(await stores.patients.search(region)) for region in REGIONS}
    assert all(count >= 26 for count in counts.values())

    assert await seed_demo_hospital(stores, now=NOW) is False
    assert {region: len(await stores.patients.search(region)) for region in REGIONS} == counts


@pytest.mark.asyncio
async def test_every_patient_has_doctors_and_a_nurse_of_their_ward(seeded):
    for patient in await seeded.patients.search("central"):
        team = await seeded.network.care_team(patient.id)
        links = [link for link in team.links if link.target_id == patient.id]
        doctors = [link.source_id for link in links if link.kind is CareLinkKind.TREATS]
        nurses = [link.source_id for link in links if link.kind is CareLinkKind.ASSIGNED_NURSE]
        assert 1 <= len(doctors) <= 2 and len(nurses) == 1
        assert all(d.startswith(f"{patient.ward}-dr-") for d in doctors)
        assert nurses[0].startswith(f"{patient.ward}-rn-")
        assert team.node(patient.id).kind is CareNodeKind.PATIENT


@pytest.mark.asyncio
async def test_on_every_ward_size_each_nurse_has_a_block_of_at_most_four_beds(seeded):
    for ward_id, bed_count in WARD_BEDS.items():
        region = ward_id.split("-")[0]
        beds_of = Counter()
        for patient in await seeded.patients.search(region, ward_id):
            team = await seeded.network.care_team(patient.id)
            nurse = next(link.source_id for link in team.links if link.target_id == patient.id
                         and link.kind is CareLinkKind.ASSIGNED_NURSE)
            beds_of[nurse] += 1
        assert len(beds_of) > bed_count // 8 and max(beds_of.values()) <= 4, (ward_id, beds_of)


@pytest.mark.asyncio
async def test_nurses_pair_up_and_escalation_reaches_the_consultant(seeded):
    patient = (await seeded.patients.search("south", "south-1"))[0]
    links = set((await seeded.network.care_team(patient.id)).links)
    kinds = Counter(link.kind for link in links)
    assert kinds[CareLinkKind.COVERS_FOR] >= 1
    assert any(link.kind is CareLinkKind.ESCALATES_TO and link.target_id == "south-consultant"
               for link in links)
    assert {c.ward for c in await seeded.network.clinicians("south")} == {
        None, "south-1", "south-2", "south-3"}


@pytest.mark.asyncio
async def test_seeding_writes_a_day_of_analytics_that_differs_between_regions(seeded):
    alarms = {}
    for region in REGIONS:
        hours = await seeded.analytics.hours(region, NOW - 25 * 3600, NOW)
        assert len(hours) == 24 * len([w for w in WARD_BEDS if w.startswith(region)])
        assert all(60 <= h.heart_rate_mean <= 100 and 93 <= h.spo2_mean <= 99 for h in hours)
        alarms[region] = sum(h.alarms for h in hours)
    assert len(set(alarms.values())) == 3
    occupancy = await seeded.analytics.occupancy()
    assert [o.ward for o in occupancy] == sorted(demo_ward_ids())
    assert all(o.beds == WARD_BEDS[o.ward] and o.beds * 0.7 <= o.occupied <= o.beds
               for o in occupancy)


@pytest.mark.asyncio
async def test_the_same_seed_gives_the_same_hospital(tmp_path, seeded):
    async def seeded_now(folder, rng_seed):
        opened = await open_stores(StoreConfig(data_dir=tmp_path / folder))
        await seed_demo_hospital(opened, rng_seed=rng_seed, now=NOW)
        found = await north(opened)
        await opened.close()
        return found

    async def north(stores):
        return [(p.id, p.full_name, p.mrn, p.bed_id) for p in await stores.patients.search("north")]

    earlier = await north(seeded)  # seeded with 7 earlier in this session
    assert await seeded_now("a", 7) == earlier
    assert await seeded_now("b", 8) != earlier


@pytest.mark.asyncio
async def test_an_interrupted_seeding_is_completed(stores, seeded):
    first = (await seeded.patients.search("north"))[0]
    # As if the first run stopped after admitting one patient: no beds were written yet.
    await stores.patients.create(first, "demo-seed")

    assert await seed_demo_hospital(stores, now=NOW) is True
    north = await stores.patients.search("north")
    assert len({p.id for p in north}) == len(north) and first.id in {p.id for p in north}
