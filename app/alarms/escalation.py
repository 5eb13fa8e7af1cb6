"""Escalation of high-priority alarms nobody acknowledges: who is next along the patient's care
network, and when. No Qt, no stores."""

from __future__ import annotations

from stores.model import Alarm, CareGraph, CareLinkKind, CareNode, CareNodeKind, Priority


def escalation_chain(graph: CareGraph) -> list[CareNode]:
    """Who an alarm of the graph's patient goes to, in order: the assigned nurse, then the
    clinician that nurse escalates to, then theirs, and so on (each person once)."""
    nurse = next((graph.node(link.source_id) for link in graph.links
                  if link.kind is CareLinkKind.ASSIGNED_NURSE and link.target_id == graph.focus_id),
                 None)
    chain: list[CareNode] = []
    person = nurse
    while person is not None and person not in chain:
        chain.append(person)
        person = next((graph.node(link.target_id) for link in graph.links
                       if link.kind is CareLinkKind.ESCALATES_TO and link.source_id == person.id),
                      None)
    return chain


def escalation_level(alarm: Alarm, now: float, after_s: float) -> int:
    """0 while the alarm is young, acknowledged or not high priority; then 1 after `after_s`
    unacknowledged, 2 after twice that, and so on."""
    if alarm.priority is not Priority.HIGH or not alarm.needs_attention or not alarm.patient_id:
        return 0
    return max(0, int((now - alarm.raised_at) // after_s))


def escalation_text(level: int, chain: list[CareNode], after_s: float) -> str:
    """What the banner says: "escalated to Nurse Ann Lee (unacknowledged 2 min)"."""
    waited = _duration(level * after_s)
    if not chain:
        return f"unacknowledged {waited}: no assigned nurse on the care team to escalate to"
    person = chain[min(level, len(chain)) - 1]
    title = "Nurse " if person.kind is CareNodeKind.NURSE else ""
    last = " (last in the chain)" if level > len(chain) else ""
    return f"escalated to {title}{person.label}{last} \u00b7 unacknowledged {waited}"


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"
