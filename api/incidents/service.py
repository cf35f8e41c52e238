"""Incident and case logic (HTTP-free)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from api.core import audit
from api.core.timeutil import utcnow
from api.errors import InvalidInput
from api.incidents.models import CaseStatus, Incident, IncidentStudent, InvolvementRole
from api.students.models import Student


def create_incident(session: Session, *, actor: Any, data: dict[str, Any]) -> Incident:
    """Record an incident reported by `actor`; `data` is an IncidentCreate load
    (classification, students [{student_id, role}], optional occurred_at, place, description, ...)."""
    students = data.get("students") or []
    if not students:
        raise InvalidInput("An incident needs at least one student.", errors={"students": ["required"]})
    ids = [s["student_id"] for s in students]
    found = set(
        session.scalars(select(Student.id).where(Student.id.in_(ids), Student.school_id == actor.school_id))
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            "Unknown students.", errors={"students": [f"unknown student {i}" for i in missing]}
        )
    incident = Incident(
        school_id=actor.school_id,
        classification=data["classification"],
        occurred_at=data.get("occurred_at") or utcnow(),
        place=data.get("place"),
        description=data.get("description"),
        knowledge_source=data.get("knowledge_source"),
        reported_by_id=actor.id,
    )
    incident.students = [IncidentStudent(student_id=s["student_id"], role=s["role"]) for s in students]
    session.add(incident)
    session.flush()
    audit.record("incident_created", resource_type="incident", resource_id=incident.id, student_ids=ids)
    return incident


def open_case_pairs(
    session: Session,
    *,
    school_id: int,
    student_ids: Iterable[int] | None = None,
    classifications: Iterable[str] | None = None,
) -> set[tuple[int, int, int]]:
    """(target id, actor id, incident id) for every case not closed, optionally only among these students
    and these classifications; wellbeing days and play-partner arrangements must keep such pairs apart."""
    target = aliased(IncidentStudent)
    actor_row = aliased(IncidentStudent)
    stmt = (
        select(target.student_id, actor_row.student_id, Incident.id)
        .join(target, target.incident_id == Incident.id)
        .join(actor_row, actor_row.incident_id == Incident.id)
        .where(
            Incident.school_id == school_id,
            Incident.status != CaseStatus.CLOSED.value,
            target.role == InvolvementRole.TARGET.value,
            actor_row.role == InvolvementRole.ACTOR.value,
        )
    )
    if classifications is not None:
        stmt = stmt.where(Incident.classification.in_(list(classifications)))
    if student_ids is not None:
        ids = list(student_ids)
        stmt = stmt.where(target.student_id.in_(ids), actor_row.student_id.in_(ids))
    return {(t, a, i) for t, a, i in session.execute(stmt)}
