"""The care network: clinicians, care links, and the graph of one patient's care team."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ClinicianRole(str, enum.Enum):
    DOCTOR = "doctor"
    NURSE = "nurse"


@dataclass(frozen=True)
class Clinician:
    id: str
    name: str
    role: ClinicianRole
    region: str
    ward: str | None = None  # None for clinicians who cover a whole region


class CareLinkKind(str, enum.Enum):
    """How two people of the care network are linked. Links point from a clinician."""

    TREATS = "treats"  # doctor -> patient
    ASSIGNED_NURSE = "assigned_nurse"  # nurse -> patient
    COVERS_FOR = "covers_for"  # clinician -> clinician
    ESCALATES_TO = "escalates_to"  # clinician -> clinician

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def to_patient(self) -> bool:
        """True for links from a clinician to a patient, False for clinician to clinician."""
        return self in (CareLinkKind.TREATS, CareLinkKind.ASSIGNED_NURSE)


@dataclass(frozen=True)
class CareLink:
    source_id: str
    target_id: str
    kind: CareLinkKind


class CareNodeKind(str, enum.Enum):
    PATIENT = "patient"
    DOCTOR = "doctor"
    NURSE = "nurse"


@dataclass(frozen=True)
class CareNode:
    id: str
    label: str
    kind: CareNodeKind


@dataclass(frozen=True)
class CareGraph:
    """A patient's care team and their other patients: the nodes and the links between them."""

    focus_id: str
    nodes: tuple[CareNode, ...] = ()
    links: tuple[CareLink, ...] = ()

    def node(self, node_id: str) -> CareNode | None:
        return next((n for n in self.nodes if n.id == node_id), None)
