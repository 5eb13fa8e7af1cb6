"""The demo hospital of resources/demo_ward.toml: its wards, beds, clinicians and care-team links."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

import resources
from stores.model import Bed, CareLink, CareLinkKind, Clinician, ClinicianRole, Patient

DEFINITION_FILE = "demo_ward.toml"
SECOND_DOCTOR_SHARE = 0.35  # patients seen by both doctors of their ward


@dataclass(frozen=True)
class DemoWard:
    id: str
    name: str
    region: str
    specialty: str
    beds: int
    occupancy: tuple[int, int]  # fewest and most occupied beds
    doctors: tuple[Clinician, ...]
    nurses: tuple[Clinician, ...]


@dataclass(frozen=True)
class DemoRegion:
    id: str
    name: str
    mrn_prefix: str
    acuity: float  # alarm load relative to the simulator's default
    consultant: Clinician
    wards: tuple[DemoWard, ...]


@dataclass(frozen=True)
class DemoHospital:
    """The parsed definition; `pools` keeps its name, diagnosis and allergy lists as read."""

    beds_per_ward: int
    bed_label: str
    user: str
    regions: tuple[DemoRegion, ...]
    pools: dict[str, Any]

    @property
    def wards(self) -> list[DemoWard]:
        return [ward for region in self.regions for ward in region.wards]


def load_demo_hospital(text: str | None = None) -> DemoHospital:
    """Parse the demo hospital definition (the shipped one unless `text` is given)."""
    data = tomllib.loads(resources.read_text(DEFINITION_FILE) if text is None else text)
    return DemoHospital(
        beds_per_ward=data["beds_per_ward"],
        bed_label=data["bed_label"],
        user=data["first_admission_user"],
        regions=tuple(_region(r, data["beds_per_ward"]) for r in data["regions"]),
        pools={key: data[key] for key in ("names", "diagnoses", "allergies")},
    )


def _region(data: dict, beds_per_ward: int) -> DemoRegion:
    region = data["id"]
    consultant = Clinician(f"{region}-consultant", data["consultant"], ClinicianRole.DOCTOR, region)
    wards = tuple(_ward(region, w, beds_per_ward) for w in data["wards"])
    return DemoRegion(region, data["name"], data["mrn_prefix"], data["acuity"], consultant, wards)


def _ward(region: str, data: dict, beds_per_ward: int) -> DemoWard:
    ward = data["id"]

    def staff(role: ClinicianRole, tag: str, names: list[str]) -> tuple[Clinician, ...]:
        return tuple(Clinician(f"{ward}-{tag}-{i}", name, role, region, ward)
                     for i, name in enumerate(names, start=1))

    low, high = data["occupancy"]
    # A ward may have its own number of beds (the bed grid has layouts for 8, 16 and 32).
    beds = data.get("beds", beds_per_ward)
    return DemoWard(ward, data["name"], region, data["specialty"], beds, (low, high),
                    staff(ClinicianRole.DOCTOR, "dr", data["doctors"]),
                    staff(ClinicianRole.NURSE, "rn", data["nurses"]))


def ward_beds(hospital: DemoHospital, ward: DemoWard) -> list[Bed]:
    return [
        Bed(f"{ward.id}-{n:02d}", ward.region, ward.id, hospital.bed_label.format(number=n), n)
        for n in range(1, ward.beds + 1)
    ]


def clinicians(hospital: DemoHospital) -> list[Clinician]:
    """Every clinician: the consultant of each region, then each ward's doctors and nurses."""
    people = []
    for region in hospital.regions:
        people.append(region.consultant)
        for ward in region.wards:
            people.extend(ward.doctors + ward.nurses)
    return people


def staff_links(region: DemoRegion) -> list[CareLink]:
    """Who covers for and escalates to whom: nurses in pairs, nurse to doctor to consultant."""
    links = []
    for ward in region.wards:
        nurses = ward.nurses
        for a, b in zip(nurses[0::2], nurses[1::2]):
            links += [CareLink(a.id, b.id, CareLinkKind.COVERS_FOR),
                      CareLink(b.id, a.id, CareLinkKind.COVERS_FOR)]
        for i, nurse in enumerate(nurses):
            doctor = ward.doctors[i % len(ward.doctors)]
            links.append(CareLink(nurse.id, doctor.id, CareLinkKind.ESCALATES_TO))
        links += [CareLink(d.id, region.consultant.id, CareLinkKind.ESCALATES_TO)
                  for d in ward.doctors]
    return links


def patient_links(hospital: DemoHospital, ward: DemoWard, bed: Bed, patient: Patient,
                  second_doctor: bool) -> list[CareLink]:
    """The patient's doctor (alternating by bed, both when `second_doctor`) and the nurse who
    has the patient's block of beds (four beds each with four nurses on sixteen beds)."""
    doctors = ward.doctors
    first = (bed.position - 1) % len(doctors)
    treating = [doctors[first]]
    if second_doctor and len(doctors) > 1:
        treating.append(doctors[(first + 1) % len(doctors)])
    nurse = ward.nurses[(bed.position - 1) * len(ward.nurses) // ward.beds]
    return [CareLink(d.id, patient.id, CareLinkKind.TREATS) for d in treating] + [
        CareLink(nurse.id, patient.id, CareLinkKind.ASSIGNED_NURSE)
    ]
