"""Contract of PatientStore: records, beds, validation, optimistic locking and the audit log."""

from __future__ import annotations

import dataclasses
import time
from datetime import date

import pytest

from stores.errors import Conflict, NotFound, ValidationError
from stores.model import AlarmLimits, AuditEntry, Bed, HealthState, Patient, Sex, Vital

pytestmark = pytest.mark.asyncio
STORE = "patients"


def patient(**changes) -> Patient:
    record = Patient(
        id="p1",
        region="north",
        ward="north-1",
        mrn="MRN-001",
        given_name="Ada",
        family_name="Lovelace",
        birth_date=date(1950, 12, 10),
        sex=Sex.FEMALE,
        bed_id="north-1-01",
        weight_kg=61.5,
        diagnoses=("pneumonia", "COPD"),
        allergies=("penicillin",),
        medications=("amoxicillin",),
        notes="Prefers the window side.",
    )
    return dataclasses.replace(record, **changes)


async def test_create_saves_version_one_and_stamps_the_times(stores):
    before = time.time()
    saved = await stores.patients.create(patient(), "nurse.kim")

    assert saved.version == 1
    assert before <= saved.updated_at <= time.time()
    assert before <= saved.admitted_at <= time.time()
    assert await stores.patients.get("p1") == saved
    assert dataclasses.replace(saved, version=0, updated_at=0.0, admitted_at=0.0) == patient()


async def test_create_keeps_a_given_admission_time(stores):
    saved = await stores.patients.create(patient(admitted_at=1000.0), "nurse.kim")

    assert saved.admitted_at == 1000.0


async def test_create_gives_an_id_to_a_patient_without_one(stores):
    saved = await stores.patients.create(patient(id=""), "nurse.kim")

    assert saved.id
    assert await stores.patients.get(saved.id) == saved


async def test_an_empty_bed_is_no_bed(stores):
    first = await stores.patients.create(patient(bed_id=""), "nurse.kim")
    await stores.patients.create(patient(id="p2", mrn="MRN-002", bed_id=""), "nurse.kim")

    assert first.bed_id is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mrn": " "}, "mrn"),
        ({"family_name": ""}, "family_name"),
        ({"birth_date": date(2999, 1, 1)}, "birth_date"),
        ({"weight_kg": 0.0}, "weight_kg"),
    ],
)
async def test_create_refuses_an_invalid_record_naming_the_field(stores, changes, field):
    with pytest.raises(ValidationError) as refused:
        await stores.patients.create(patient(**changes), "nurse.kim")

    assert refused.value.field == field
    assert await stores.patients.search("north") == []


async def test_create_refuses_an_mrn_taken_in_the_region(stores):
    await stores.patients.create(patient(), "nurse.kim")

    with pytest.raises(ValidationError) as refused:
        await stores.patients.create(patient(id="p2", bed_id="north-1-02"), "nurse.kim")

    assert refused.value.field == "mrn"
    assert "MRN-001" in refused.value.message and "north" in refused.value.message


@pytest.mark.parametrize("look_alike", ["MRN-00\u200b1", "MRN-001\u202e", "\ufeffMRN-001"])
async def test_a_look_alike_mrn_is_refused_for_its_hidden_character(stores, look_alike):
    await stores.patients.create(patient(), "nurse.kim")

    with pytest.raises(ValidationError) as refused:
        await stores.patients.create(patient(id="p2", bed_id="north-1-02", mrn=look_alike),
                                     "nurse.kim")

    assert refused.value.field == "mrn" and "invisible or control character" in \
        refused.value.message


async def test_an_mrn_typed_with_a_combining_accent_is_the_same_mrn(stores):
    saved = await stores.patients.create(patient(mrn="MRN-\u00e9"), "nurse.kim")
    assert saved.mrn == "MRN-\u00e9"
    decomposed = patient(id="p2", bed_id="north-1-02", mrn="MRN-e\u0301")

    with pytest.raises(ValidationError) as refused:
        await stores.patients.create(decomposed, "nurse.kim")

    assert refused.value.field == "mrn" and "already in use" in refused.value.message


async def test_the_same_mrn_is_allowed_in_another_region(stores):
    await stores.patients.create(patient(), "nurse.kim")
    other = patient(id="p2", region="south", ward="south-1", bed_id="south-1-01")

    assert (await stores.patients.create(other, "nurse.kim")).version == 1


async def test_create_refuses_an_occupied_bed(stores):
    await stores.patients.create(patient(), "nurse.kim")

    with pytest.raises(ValidationError) as refused:
        await stores.patients.create(patient(id="p2", mrn="MRN-002"), "nurse.kim")

    assert refused.value.field == "bed_id"


async def test_create_refuses_an_id_in_use(stores):
    await stores.patients.create(patient(), "nurse.kim")

    with pytest.raises(ValidationError) as refused:
        await stores.patients.create(patient(mrn="MRN-002", bed_id=None), "nurse.kim")

    assert refused.value.field == "id"


async def test_update_raises_the_version_and_keeps_the_change(stores):
    saved = await stores.patients.create(patient(), "nurse.kim")

    changed = dataclasses.replace(saved, notes="Nil by mouth.")

    updated = await stores.patients.update(changed, "dr.ng")

    assert updated.version == 2
    assert updated.updated_at >= saved.updated_at
    assert updated.admitted_at == saved.admitted_at
    assert await stores.patients.get("p1") == updated
    assert updated.notes == "Nil by mouth."


async def test_update_from_a_stale_version_is_a_conflict_and_changes_nothing(stores):
    saved = await stores.patients.create(patient(), "nurse.kim")
    await stores.patients.update(dataclasses.replace(saved, notes="first"), "dr.ng")

    with pytest.raises(Conflict):
        await stores.patients.update(dataclasses.replace(saved, notes="second"), "nurse.kim")

    stored = await stores.patients.get("p1")
    assert (stored.notes, stored.version) == ("first", 2)


async def test_update_validates_the_record(stores):
    saved = await stores.patients.create(patient(), "nurse.kim")

    with pytest.raises(ValidationError) as refused:
        await stores.patients.update(dataclasses.replace(saved, weight_kg=900.0), "dr.ng")

    assert refused.value.field == "weight_kg"
    assert (await stores.patients.get("p1")).version == 1


async def test_update_refuses_an_mrn_or_bed_of_another_patient(stores):
    await stores.patients.create(patient(), "nurse.kim")
    second = await stores.patients.create(
        patient(id="p2", mrn="MRN-002", bed_id="north-1-02"), "nurse.kim"
    )

    for field, value in (("mrn", "MRN-001"), ("bed_id", "north-1-01")):
        with pytest.raises(ValidationError) as refused:
            await stores.patients.update(dataclasses.replace(second, **{field: value}), "dr.ng")
        assert refused.value.field == field


async def test_update_may_keep_the_patients_own_mrn_and_bed(stores):
    saved = await stores.patients.create(patient(), "nurse.kim")

    updated = await stores.patients.update(saved, "dr.ng")

    assert (updated.mrn, updated.bed_id, updated.version) == ("MRN-001", "north-1-01", 2)


async def test_unknown_ids_are_not_found(stores):
    with pytest.raises(NotFound):
        await stores.patients.get("nobody")
    with pytest.raises(NotFound):
        await stores.patients.update(patient(id="nobody", version=1), "dr.ng")
    with pytest.raises(NotFound):
        await stores.patients.discharge("nobody", "dr.ng")


async def test_discharge_removes_the_patient_and_frees_bed_and_mrn(stores):
    await stores.patients.create(patient(), "nurse.kim")

    await stores.patients.discharge("p1", "nurse.kim")

    with pytest.raises(NotFound):
        await stores.patients.get("p1")
    again = await stores.patients.create(patient(id="p2"), "nurse.kim")
    assert again.bed_id == "north-1-01"


async def test_the_audit_log_records_who_did_what_newest_first(stores):
    saved = await stores.patients.create(patient(), "nurse.kim")
    await stores.patients.create(patient(id="p2", mrn="MRN-002", bed_id=None), "nurse.kim")
    changed = dataclasses.replace(saved, bed_id="north-1-05", notes="Moved.")
    await stores.patients.update(changed, "dr.ng")
    await stores.patients.discharge("p1", "nurse.lee")

    log = await stores.patients.audit_log("p1")

    assert [(e.action, e.user) for e in log] == [
        ("discharge", "nurse.lee"),
        ("update", "dr.ng"),
        ("create", "nurse.kim"),
    ]
    assert "bed_id" in log[1].detail and "notes" in log[1].detail
    assert "given_name" not in log[1].detail
    assert [e.patient_id for e in await stores.patients.audit_log()] == ["p1", "p1", "p2", "p1"]
    assert len(await stores.patients.audit_log(limit=2)) == 2


async def test_alarm_limits_round_trip_and_their_change_is_audited(stores):
    limits = (AlarmLimits(Vital.SPO2, low=85.0, delay_s=15.0),
              AlarmLimits(Vital.HEART_RATE, low=40.0, high=130.0))
    saved = await stores.patients.create(patient(alarm_limits=limits), "nurse.kim")
    assert (await stores.patients.get("p1")).alarm_limits == limits
    relaxed = (AlarmLimits(Vital.SPO2, low=88.0, delay_s=15.0),)
    await stores.patients.update(dataclasses.replace(saved, alarm_limits=relaxed), "dr.osei")
    assert (await stores.patients.get("p1")).alarm_limits == relaxed
    entry = (await stores.patients.audit_log("p1"))[0]
    assert (entry.user, entry.action) == ("dr.osei", "update")
    assert "SpO\u2082 85\u2013- %, 15 s; HR 40\u2013130 bpm" in entry.detail
    assert "\u2192 SpO\u2082 88\u2013- %, 15 s" in entry.detail


async def test_limits_that_make_no_sense_are_refused_naming_the_vital(stores):
    saved = await stores.patients.create(patient(), "nurse.kim")
    backwards = (AlarmLimits(Vital.HEART_RATE, low=130.0, high=40.0),)
    with pytest.raises(ValidationError) as refused:
        await stores.patients.update(dataclasses.replace(saved, alarm_limits=backwards), "x")
    assert refused.value.field == "alarm_limits.heart_rate"
    with pytest.raises(ValidationError, match="delay"):
        await stores.patients.update(dataclasses.replace(
            saved, alarm_limits=(AlarmLimits(Vital.SPO2, delay_s=-5.0),)), "x")
    assert (await stores.patients.get("p1")).alarm_limits == ()


async def test_an_entry_recorded_from_outside_joins_the_audit_log(stores):
    await stores.patients.create(patient(), "nurse.kim")
    entry = AuditEntry(time.time() + 1, "nurse.lee", "alarm acknowledged", "p1",
                       "*** HIGH SpO2 low, raised 14:03:07, acknowledged after 12 s")
    await stores.patients.record(entry, "north")
    await stores.patients.record(entry, "north")  # delivered again after a lost answer
    assert [e for e in await stores.patients.audit_log("p1") if e == entry] == [entry]


async def test_a_refused_change_leaves_no_audit_entry(stores):
    await stores.patients.create(patient(), "nurse.kim")
    with pytest.raises(ValidationError):
        await stores.patients.create(patient(id="p2"), "nurse.kim")

    assert [e.action for e in await stores.patients.audit_log()] == ["create"]


async def test_search_matches_name_mrn_or_bed_ignoring_case_sorted_by_name(stores):
    people = [
        patient(id="p1", given_name="Ada", family_name="Lovelace"),
        patient(id="p2", mrn="MRN-777", given_name="Émile", family_name="Zola",
                bed_id="north-1-02"),
        patient(id="p3", mrn="MRN-003", given_name="Alan", family_name="Turing", bed_id=None),
        patient(id="p4", mrn="MRN-004", given_name="Ada", family_name="Byron", ward="north-2",
                bed_id="north-2-01"),
        patient(id="p5", mrn="MRN-005", region="south", ward="south-1", bed_id="south-1-01"),
    ]
    for person in people:
        await stores.patients.create(person, "nurse.kim")

    async def ids(*args, **kwargs) -> list[str]:
        return [p.id for p in await stores.patients.search(*args, **kwargs)]

    assert await ids("north") == ["p4", "p1", "p3", "p2"]
    assert await ids("north", "north-1") == ["p1", "p3", "p2"]
    assert await ids("north", text="ADA") == ["p4", "p1"]
    assert await ids("north", text="ada lovelace") == ["p1"]
    assert await ids("north", text="émile") == ["p2"]
    assert await ids("north", text="mrn-777") == ["p2"]
    assert await ids("north", text=" 2-01 ") == ["p4"]
    assert await ids("east") == []


async def test_set_beds_is_idempotent_and_beds_come_in_grid_order(stores):
    beds = [Bed(f"north-1-{n:02d}", "north", "north-1", f"Bed {n}", n) for n in (3, 1, 2)]
    await stores.patients.set_beds(beds)
    await stores.patients.set_beds(beds[:1] + [Bed("north-2-01", "north", "north-2", "Bed 1", 1)])

    ward = await stores.patients.beds("north-1")

    assert [b.position for b in ward] == [1, 2, 3]
    assert set(ward) == set(beds)
    assert await stores.patients.beds("nowhere") == []


async def test_records_survive_a_restart(stores, reopen):
    saved = await stores.patients.create(patient(), "nurse.kim")
    bed = Bed("north-1-01", "north", "north-1", "Bed 1", 1)
    await stores.patients.set_beds([bed])

    stores = await reopen(stores)

    assert await stores.patients.get("p1") == saved
    assert await stores.patients.beds("north-1") == [bed]
    assert [e.action for e in await stores.patients.audit_log("p1")] == ["create"]


async def test_health_is_up(stores):
    health = await stores.patients.health()

    assert (health.store, health.state) == ("patients", HealthState.UP)
