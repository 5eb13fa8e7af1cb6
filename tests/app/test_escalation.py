"""Escalation of unacknowledged high-priority alarms along the patient's care network."""

from __future__ import annotations

import dataclasses

from app.alarms.escalation import escalation_chain, escalation_level, escalation_text
from stores.model import Alarm, CareGraph, CareLink, CareLinkKind, CareNode, CareNodeKind, Priority

T0 = 1_750_000_000.0
PATIENT = CareNode("p1", "Ada Okafor", CareNodeKind.PATIENT)
ANN = CareNode("n1", "Ann Lee", CareNodeKind.NURSE)
RAJ = CareNode("n2", "Raj Patel", CareNodeKind.NURSE)
DOC = CareNode("d1", "Dr Kwame Mensah", CareNodeKind.DOCTOR)
GRAPH = CareGraph("p1", (PATIENT, ANN, RAJ, DOC), (
    CareLink("d1", "p1", CareLinkKind.TREATS),
    CareLink("n1", "p1", CareLinkKind.ASSIGNED_NURSE),
    CareLink("n1", "n2", CareLinkKind.ESCALATES_TO),
    CareLink("n2", "d1", CareLinkKind.ESCALATES_TO),
    CareLink("d1", "n1", CareLinkKind.ESCALATES_TO),  # a loop must not go round for ever
))
ALARM = Alarm("a1", "north", "north-1", "north-1-01", "p1", "Ada Okafor", Priority.HIGH,
              "SpO2 low", raised_at=T0)


def test_the_chain_starts_at_the_assigned_nurse_and_follows_escalations():
    assert escalation_chain(GRAPH) == [ANN, RAJ, DOC]


def test_no_assigned_nurse_is_an_empty_chain():
    graph = dataclasses.replace(GRAPH, links=(CareLink("d1", "p1", CareLinkKind.TREATS),))
    assert escalation_chain(graph) == []


def test_a_high_alarm_escalates_one_step_per_period_unacknowledged():
    assert escalation_level(ALARM, T0 + 59, 60) == 0
    assert escalation_level(ALARM, T0 + 60, 60) == 1
    assert escalation_level(ALARM, T0 + 125, 60) == 2


def test_acknowledged_or_lower_priority_alarms_do_not_escalate():
    assert escalation_level(ALARM.acknowledge("nurse.kim", T0 + 5), T0 + 300, 60) == 0
    assert escalation_level(dataclasses.replace(ALARM, priority=Priority.MEDIUM), T0 + 300, 60) == 0


def test_what_the_banner_says():
    chain = [ANN, RAJ, DOC]
    assert escalation_text(1, chain, 60) == "escalated to Nurse Ann Lee \u00b7 unacknowledged 60 s"
    assert escalation_text(3, chain, 60) == "escalated to Dr Kwame Mensah \u00b7 unacknowledged 3 min"
    assert "last in the chain" in escalation_text(5, chain, 60)
    assert "no assigned nurse" in escalation_text(1, [], 60)
