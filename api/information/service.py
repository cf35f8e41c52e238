"""The information duty per person (HTTP-free): each involved pupil and each guardian with custody of one, who
informed them, when and how; who is still not informed; and the count the leader's attention list uses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core import audit
from api.core.timeutil import as_utc, utcnow
from api.errors import Conflict, InvalidInput
from api.incidents import service as incident_service
from api.information import permissions
from api.information.models import InformationRecord
from api.students.service import custodial_guardians

CLOCK_SKEW = timedelta(minutes=5)


def _people(session: Session, incident: Any) -> list[dict[str, Any]]:
    """The people the duty covers, each with their records: the involved pupils, then their custodial parents."""
    records = list(
        session.scalars(
            select(InformationRecord)
            .where(InformationRecord.incident_id == incident.id)
            .order_by(InformationRecord.informed_at, InformationRecord.id)
        )
    )
    by_student: dict[int, list[InformationRecord]] = defaultdict(list)
    by_guardian: dict[int, list[InformationRecord]] = defaultdict(list)
    for r in records:
        if r.person_kind == "student":
            by_student[r.student_id].append(r)
        elif r.guardian_id is not None:
            by_guardian[r.guardian_id].append(r)
    people: list[dict[str, Any]] = []
    for link in incident.students:
        people.append(
            {
                "person_kind": "student",
                "student_id": link.student_id,
                "student_name": link.student.display_name,
                "role": link.role,
                "guardian_id": None,
                "guardian_name": None,
                "relation": None,
                "records": by_student.get(link.student_id, []),
            }
        )
    roles = {link.student_id: link for link in incident.students}
    for g in custodial_guardians(session, school_id=incident.school_id, student_ids=list(roles)):
        people.append(
            {
                "person_kind": "guardian",
                "student_id": g.student_id,
                "student_name": roles[g.student_id].student.display_name,
                "role": roles[g.student_id].role,
                "guardian_id": g.id,
                "guardian_name": g.name,
                "relation": g.relation,
                "records": by_guardian.get(g.id, []),
            }
        )
    for p in people:
        p["informed"] = bool(p["records"])
    return people


def information_duty(session: Session, *, actor: Any, incident_id: int) -> dict[str, Any]:
    """Who the case's information duty covers and who is still not informed (the case's workers; audited)."""
    incident = incident_service.load_incident(session, actor=actor, incident_id=incident_id)
    permissions.ensure_worker(incident)
    people = _people(session, incident)
    audit.record(
        "information_duty_viewed",
        resource_type="incident",
        resource_id=incident.id,
        student_ids=incident.student_ids,
    )
    return {
        "incident_id": incident.id,
        # § 1 c: the duty arises when bullying is established.
        "required": incident.established_at is not None and incident.withdrawn_at is None,
        "people": people,
        "uninformed_count": sum(1 for p in people if not p["informed"]),
        "can_record": incident.withdrawn_at is None,
    }


def record_informed(
    session: Session, *, actor: Any, incident_id: int, data: dict[str, Any]
) -> InformationRecord:
    """Record that a pupil or a custodial parent was informed: by `actor`, when, how, with a short note."""
    incident = incident_service.load_incident(session, actor=actor, incident_id=incident_id)
    permissions.ensure_worker(incident)
    if incident.withdrawn_at is not None:
        raise Conflict("The report was withdrawn by its reporter.")
    student_id, guardian_id = data["student_id"], data.get("guardian_id")
    if student_id not in incident.student_ids:
        raise InvalidInput(
            "The student is not involved in this case.", errors={"student_id": ["not in the case"]}
        )
    if guardian_id is not None:
        custodians = custodial_guardians(session, school_id=incident.school_id, student_ids=[student_id])
        if guardian_id not in {g.id for g in custodians}:
            raise InvalidInput(
                "The guardian is not a guardian with custody of this student.",
                errors={"guardian_id": ["not a custodial guardian of the student"]},
            )
    informed_at = data.get("informed_at") or utcnow()
    if as_utc(informed_at) > utcnow() + CLOCK_SKEW:
        raise InvalidInput("A time in the future.", errors={"informed_at": ["must not be in the future"]})
    note = (data.get("note") or "").strip() or None
    record = InformationRecord(
        school_id=incident.school_id,
        incident_id=incident.id,
        person_kind="student" if guardian_id is None else "guardian",
        student_id=student_id,
        guardian_id=guardian_id,
        informed_at=informed_at,
        method=data["method"],
        note=note,
        informed_by_id=actor.id,
    )
    session.add(record)
    session.flush()
    audit.record(
        "information_recorded",
        resource_type="incident",
        resource_id=incident.id,
        student_ids=[student_id],
        detail={"person_kind": record.person_kind, "method": record.method},
    )
    return record


def uninformed_by_case(session: Session, *, incidents: Iterable[Any]) -> dict[int, int]:
    """For the leader's attention list: how many pupils and custodial parents are still not informed, per
    established case that is neither closed nor withdrawn. The caller passes only cases the reader may see
    (their `students` loaded, as the incidents service returns them); cases with nobody left out are absent.
    One statement for the records and one per school for the guardians, whatever the number of cases."""
    cases = [
        i
        for i in incidents
        if i.established_at is not None and i.withdrawn_at is None and i.status != "closed"
    ]
    if not cases:
        return {}
    informed_students: set[tuple[int, int]] = set()
    informed_guardians: set[tuple[int, int]] = set()
    rows = session.execute(
        select(
            InformationRecord.incident_id, InformationRecord.student_id, InformationRecord.guardian_id
        ).where(InformationRecord.incident_id.in_([c.id for c in cases]))
    )
    for incident_id, student_id, guardian_id in rows:
        if guardian_id is None:
            informed_students.add((incident_id, student_id))
        else:
            informed_guardians.add((incident_id, guardian_id))
    by_school: dict[int, set[int]] = defaultdict(set)
    for c in cases:
        by_school[c.school_id].update(c.student_ids)
    guardians_of: dict[int, list[int]] = defaultdict(list)
    for school_id, student_ids in by_school.items():
        for g in custodial_guardians(session, school_id=school_id, student_ids=sorted(student_ids)):
            guardians_of[g.student_id].append(g.id)
    out: dict[int, int] = {}
    for c in cases:
        missing = sum(1 for s in c.student_ids if (c.id, s) not in informed_students)
        missing += sum(
            1 for s in c.student_ids for g in guardians_of.get(s, []) if (c.id, g) not in informed_guardians
        )
        if missing:
            out[c.id] = missing
    return out


def cases_with_uninformed_custodians(session: Session, *, incidents: Iterable[Any]) -> list[int]:
    """The ids of those of these cases (established, open) where a pupil or a custodial parent is not yet
    informed; see uninformed_by_case."""
    return sorted(uninformed_by_case(session, incidents=incidents))
