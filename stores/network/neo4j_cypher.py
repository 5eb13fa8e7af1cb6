"""The Cypher the Neo4j care network sends: fixed texts in which every value is a $parameter.

Neo4j cannot take a label or a relationship type as a parameter, so the four link kinds have a
query each, built once at import from the fixed `RELATIONSHIP_TYPES` whitelist below; nothing
a user typed ever reaches a query's text. Graph shape: (:Clinician {id, name, role, region,
ward}) and (:Patient {id, name}), linked (:Clinician)-[:TREATS|ASSIGNED_NURSE]->(:Patient) and
(:Clinician)-[:COVERS_FOR|ESCALATES_TO]->(:Clinician).
"""

from __future__ import annotations

from stores.model import CareLinkKind

RELATIONSHIP_TYPES: dict[CareLinkKind, str] = {
    CareLinkKind.TREATS: "TREATS",
    CareLinkKind.ASSIGNED_NURSE: "ASSIGNED_NURSE",
    CareLinkKind.COVERS_FOR: "COVERS_FOR",
    CareLinkKind.ESCALATES_TO: "ESCALATES_TO",
}
LINK_KINDS: dict[str, CareLinkKind] = {rel: kind for kind, rel in RELATIONSHIP_TYPES.items()}


def _target_label(kind: CareLinkKind) -> str:
    return "Patient" if kind.to_patient else "Clinician"


# No row back: the id is already someone of the other kind, and nothing was written.
PUT_PATIENT = """
OPTIONAL MATCH (clinician:Clinician {id: $id})
WITH count(clinician) AS clinicians WHERE clinicians = 0
MERGE (patient:Patient {id: $id})
SET patient.name = $name
RETURN patient.id AS id"""

PUT_CLINICIAN = """
OPTIONAL MATCH (patient:Patient {id: $id})
WITH count(patient) AS patients WHERE patients = 0
MERGE (clinician:Clinician {id: $id})
SET clinician.name = $name, clinician.role = $role, clinician.region = $region,
    clinician.ward = $ward
RETURN clinician.id AS id"""

REMOVE_PATIENT = "MATCH (patient:Patient {id: $id}) DETACH DELETE patient"

# What each end of a link is: "clinician", "patient" or null (no one).
LINK_ENDS = """
OPTIONAL MATCH (source_clinician:Clinician {id: $source_id})
OPTIONAL MATCH (source_patient:Patient {id: $source_id})
OPTIONAL MATCH (target_clinician:Clinician {id: $target_id})
OPTIONAL MATCH (target_patient:Patient {id: $target_id})
RETURN CASE WHEN source_clinician IS NOT NULL THEN 'clinician'
            WHEN source_patient IS NOT NULL THEN 'patient' END AS source_kind,
       CASE WHEN target_clinician IS NOT NULL THEN 'clinician'
            WHEN target_patient IS NOT NULL THEN 'patient' END AS target_kind"""

LINK: dict[CareLinkKind, str] = {
    kind: f"""
MATCH (source:Clinician {{id: $source_id}})
MATCH (target:{_target_label(kind)} {{id: $target_id}})
MERGE (source)-[:{rel}]->(target)"""
    for kind, rel in RELATIONSHIP_TYPES.items()
}

UNLINK: dict[CareLinkKind, str] = {
    kind: f"""
MATCH (:Clinician {{id: $source_id}})-[link:{rel}]->(:{_target_label(kind)} {{id: $target_id}})
DELETE link"""
    for kind, rel in RELATIONSHIP_TYPES.items()
}

CLINICIANS = """
MATCH (clinician:Clinician {region: $region})
RETURN clinician.id AS id, clinician.name AS name, clinician.role AS role,
       clinician.region AS region, clinician.ward AS ward"""

_TO_PATIENT = "|".join(RELATIONSHIP_TYPES[k] for k in CareLinkKind if k.to_patient)
_BETWEEN_CLINICIANS = "|".join(RELATIONSHIP_TYPES[k] for k in CareLinkKind if not k.to_patient)
_ANY_LINK = "|".join(RELATIONSHIP_TYPES.values())

# The patient, their clinicians, those clinicians' patients and the clinicians linked to them
# either way; then every link among these people. One row; an unknown patient gives empty lists
# (aggregating no rows still returns one). `links` is a list per person, flattened by the caller.
CARE_TEAM = f"""
MATCH (patient:Patient {{id: $patient_id}})
OPTIONAL MATCH (member:Clinician)-[:{_TO_PATIENT}]->(patient)
OPTIONAL MATCH (member)-[:{_TO_PATIENT}]->(their_patient:Patient)
OPTIONAL MATCH (member)-[:{_BETWEEN_CLINICIANS}]-(colleague:Clinician)
WITH collect(patient) + collect(member) + collect(their_patient) + collect(colleague) AS found
UNWIND found AS person
WITH collect(DISTINCT person) AS people
RETURN [person IN people | {{id: person.id, label: person.name,
           kind: CASE WHEN person:Patient THEN 'patient' ELSE person.role END}}] AS nodes,
       [person IN people | [(person)-[link:{_ANY_LINK}]->(other) WHERE other IN people |
           {{source_id: person.id, target_id: other.id, type: type(link)}}]] AS links"""

PING = "RETURN 1 AS ok"

# The routing table the server hands to drivers, for the database ($database null: the default).
ROUTING_TABLE = """
CALL dbms.routing.getRoutingTable($context, $database) YIELD servers
RETURN servers"""

SHOW_CONSTRAINTS = "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties"
SHOW_INDEXES = "SHOW INDEXES YIELD name, type, labelsOrTypes, properties"
CREATE_DATABASE = "CREATE DATABASE $name IF NOT EXISTS WAIT"

# (what it is for people, label, property, the statement that creates it)
CONSTRAINTS = (
    ("uniqueness constraint on Clinician.id", "Clinician", "id",
     "CREATE CONSTRAINT ward_clinician_id IF NOT EXISTS "
     "FOR (clinician:Clinician) REQUIRE clinician.id IS UNIQUE"),
    ("uniqueness constraint on Patient.id", "Patient", "id",
     "CREATE CONSTRAINT ward_patient_id IF NOT EXISTS "
     "FOR (patient:Patient) REQUIRE patient.id IS UNIQUE"),
)
INDEXES = (
    ("index on Clinician.region", "Clinician", "region",
     "CREATE INDEX ward_clinician_region IF NOT EXISTS "
     "FOR (clinician:Clinician) ON (clinician.region)"),
)

ALL_QUERIES = frozenset({
    PUT_PATIENT, PUT_CLINICIAN, REMOVE_PATIENT, LINK_ENDS, *LINK.values(), *UNLINK.values(),
    CLINICIANS, CARE_TEAM, PING, ROUTING_TABLE, SHOW_CONSTRAINTS, SHOW_INDEXES, CREATE_DATABASE,
    *(item[3] for item in CONSTRAINTS + INDEXES),
})
